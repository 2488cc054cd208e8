import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Me, ProfileInput } from '@/types/api';

export const updateMe = (input: ProfileInput): Promise<Me> => api.patch<Me>('/api/auth/me', input);

export const useUpdateMe = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    meta: { inlineError: true },
    onSuccess: (me) => qc.setQueryData(queryKeys.auth.me(), me),
  });
};
