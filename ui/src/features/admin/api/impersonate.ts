import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { isTenantScoped, queryKeys } from '@/lib/query-keys';
import type { Me } from '@/types/api';

/** Act inside a business; the answer is the new `me`. */
export const impersonate = (businessId: number): Promise<Me> =>
  api.post<Me>(`/api/admin/businesses/${businessId}/impersonate`);

export const useImpersonate = (onSuccess?: (me: Me) => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: impersonate,
    onSuccess: (me) => {
      // Everything cached belonged to the previous effective tenant.
      qc.setQueryData(queryKeys.auth.me(), me);
      void qc.resetQueries({ predicate: isTenantScoped });
      onSuccess?.(me);
    },
  });
};
