import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export const cancelReminder = (reminderId: number): Promise<void> => api.delete<void>(`/api/reminders/${reminderId}`);

export const useCancelReminder = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: cancelReminder,
    onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.reminders.all }),
  });
};
