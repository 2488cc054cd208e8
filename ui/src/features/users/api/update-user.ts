import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { BusinessUser, Role } from '@/types/api';

export type UpdateUserInput = { userId: number; data: { name?: string; role?: Role; disabled?: boolean } };

export const updateUser = ({ userId, data }: UpdateUserInput): Promise<BusinessUser> =>
  api.patch<BusinessUser>(`/api/business/current/users/${userId}`, data);

export const useUpdateUser = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.business.users() }),
  });
};
