import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Lead } from '@/types/api';

export type UpdateLeadInput = {
  leadId: number;
  data: {
    first_name?: string;
    last_name?: string;
    email?: string | null;
    notes?: string;
    phone_e164?: string;
    assignee_user_id?: number | null;
    /** The whole list (replaces the lead's tags): at most 20, each at most 40 characters. */
    tags?: string[];
  };
};

export const updateLead = ({ leadId, data }: UpdateLeadInput): Promise<Lead> =>
  api.patch<Lead>(`/api/leads/${leadId}`, data);

export const useUpdateLead = (onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateLead,
    meta: { inlineError: true },
    onSuccess: (_lead, { leadId }) => {
      void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
      void qc.invalidateQueries({ queryKey: queryKeys.inbox.all });
      onSuccess?.();
    },
  });
};
