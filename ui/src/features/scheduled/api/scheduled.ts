import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Items, ScheduledMessage } from '@/types/api';

/** GET /api/leads/:id/scheduled-messages: scheduled sends and follow-up steps, by send time. */
export const useScheduledMessages = (leadId: number) =>
  useQuery({
    queryKey: queryKeys.scheduled.lead(leadId),
    queryFn: ({ signal }) => api.get<Items<ScheduledMessage>>(`/api/leads/${leadId}/scheduled-messages`, { signal }),
  });

/** POST /api/leads/:id/message/whatsapp {text, send_at}: 202 with the queued item. */
export const useScheduleMessage = (leadId: number, onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { text: string; send_at: string }) =>
      api.post<ScheduledMessage>(`/api/leads/${leadId}/message/whatsapp`, input),
    meta: { inlineError: true },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.scheduled.lead(leadId) });
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
      onSuccess?.();
    },
  });
};

/** DELETE /api/scheduled-messages/:id: cancels one still waiting (409 once it is going out). */
export const useCancelScheduled = (leadId: number) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete<void>(`/api/scheduled-messages/${id}`),
    meta: { inlineError: true },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.scheduled.lead(leadId) });
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
    },
  });
};
