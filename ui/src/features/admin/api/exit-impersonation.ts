import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { isTenantScoped, queryKeys } from '@/lib/query-keys';
import type { Me } from '@/types/api';

export const exitImpersonation = (): Promise<Me> => api.post<Me>('/api/admin/impersonate/exit');

export const useExitImpersonation = (onSuccess?: (me: Me) => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: exitImpersonation,
    onSuccess: (me) => {
      qc.setQueryData(queryKeys.auth.me(), me);
      void qc.resetQueries({ predicate: isTenantScoped });
      onSuccess?.(me);
    },
  });
};
