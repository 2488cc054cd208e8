import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Lead, LeadStatus } from '@/types/api';

export type UpdateLeadStatusInput = { leadId: number; status: LeadStatus; note?: string };

export const updateLeadStatus = ({ leadId, status, note }: UpdateLeadStatusInput): Promise<Lead> =>
  api.post<Lead>(`/api/leads/${leadId}/status`, note ? { status, note } : { status });

export const useUpdateLeadStatus = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateLeadStatus,
    onSuccess: (_lead, { leadId }) => {
      void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
    },
  });
};
