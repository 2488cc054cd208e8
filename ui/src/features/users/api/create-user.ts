import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { BusinessUser, Role } from '@/types/api';

export type CreateUserInput = { email: string; name: string; password: string; role: Exclude<Role, 'system_admin'> };

export const createUser = (input: CreateUserInput): Promise<BusinessUser> =>
  api.post<BusinessUser>('/api/business/current/users', input);

export const useCreateUser = (onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    meta: { inlineError: true },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.business.users() });
      onSuccess?.();
    },
  });
};
