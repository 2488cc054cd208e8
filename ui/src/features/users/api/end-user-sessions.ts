import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export const endUserSessions = (userId: number): Promise<void> =>
  api.delete<void>(`/api/business/current/users/${userId}/sessions`);

export const useEndUserSessions = (onSuccess?: () => void) =>
  useMutation({ mutationFn: endUserSessions, onSuccess: () => onSuccess?.() });
