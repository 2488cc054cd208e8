import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Reminder } from '@/types/api';

export type SnoozeReminderInput = { reminderId: number; due_at?: string; note?: string };

/** PATCH /api/reminders/:id — a new due time (snooze) and/or note. */
export const snoozeReminder = ({ reminderId, ...body }: SnoozeReminderInput): Promise<Reminder> =>
  api.patch<Reminder>(`/api/reminders/${reminderId}`, body);

export const useSnoozeReminder = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: snoozeReminder,
    onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.reminders.all }),
  });
};
