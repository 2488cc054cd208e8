import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Lead, LeadStatus } from '@/types/api';

export type UpdateLeadStatusInput = { leadId: number; status: LeadStatus; note?: string };

export const updateLeadStatus = ({ leadId, status, note }: UpdateLeadStatusInput): Promise<Lead> =>
  api.post<Lead>(`/api/leads/${leadId}/status`, note ? { status, note } : { status });

export const useUpdateLeadStatus = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateLeadStatus,
    onSuccess: (_lead, { leadId }) => {
      void qc.invalidateQueries({ queryKey: ['leads'] });
      void qc.invalidateQueries({ queryKey: ['activities', leadId] });
    },
  });
};
