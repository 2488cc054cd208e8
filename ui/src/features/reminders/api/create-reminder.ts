import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Reminder } from '@/types/api';

export type CreateReminderInput = {
  leadId: number;
  due_at: string;
  note: string;
  assignee_user_id?: number;
  /** When due, the AI calls the lead (in business hours). */
  call?: boolean;
};

export const createReminder = ({ leadId, ...body }: CreateReminderInput): Promise<Reminder> =>
  api.post<Reminder>(`/api/leads/${leadId}/reminders`, body);

export const useCreateReminder = (onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createReminder,
    meta: { inlineError: true },
    onSuccess: (_r, { leadId }) => {
      void qc.invalidateQueries({ queryKey: queryKeys.reminders.all });
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
      onSuccess?.();
    },
  });
};
