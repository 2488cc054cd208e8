import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Lead } from '@/types/api';

/** Pause (for `hours`, else the business's handoff_hours) or resume the AI on one lead. */
export type SetLeadAiInput = { leadId: number; paused: true; hours?: number } | { leadId: number; paused: false };

export const setLeadAi = (input: SetLeadAiInput): Promise<Lead> =>
  api.post<Lead>(
    `/api/leads/${input.leadId}/ai`,
    input.paused
      ? input.hours !== undefined
        ? { paused: true, hours: input.hours }
        : { paused: true }
      : { paused: false },
  );

export const useSetLeadAi = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setLeadAi,
    meta: { inlineError: true },
    onSuccess: (lead, { leadId }) => {
      qc.setQueryData(queryKeys.leads.detail(leadId), lead);
      void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
      // ai_paused / ai_resumed on the timeline.
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
    },
  });
};
