import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { CurrentBusiness } from '@/types/api';

export type UpdateCurrentBusinessInput = { name?: string; timezone?: string; ai_auto_reply?: boolean };

export const updateCurrentBusiness = (input: UpdateCurrentBusinessInput): Promise<CurrentBusiness> =>
  api.patch<CurrentBusiness>('/api/business/current', input);

export const useUpdateCurrentBusiness = (onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateCurrentBusiness,
    meta: { inlineError: true },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.business.current() });
      // The tenant's name and timezone are part of `me`.
      void qc.invalidateQueries({ queryKey: queryKeys.auth.me() });
      onSuccess?.();
    },
  });
};
