import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { meQueryKey } from '@/lib/auth';
import type { Me } from '@/types/api';

export const exitImpersonation = (): Promise<Me> => api.post<Me>('/api/admin/impersonate/exit');

export const useExitImpersonation = (onSuccess?: (me: Me) => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: exitImpersonation,
    onSuccess: (me) => {
      qc.setQueryData(meQueryKey, me);
      void qc.resetQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      onSuccess?.(me);
    },
  });
};
