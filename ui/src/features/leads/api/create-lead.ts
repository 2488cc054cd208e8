import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Lead, LeadSource, LeadStatus } from '@/types/api';

export type CreateLeadInput = {
  first_name: string;
  last_name?: string;
  phone_e164: string;
  email?: string;
  source: LeadSource;
  status?: LeadStatus;
  notes?: string;
};

export const createLead = (input: CreateLeadInput): Promise<Lead> => api.post<Lead>('/api/leads', input);

export const useCreateLead = (onSuccess?: (lead: Lead) => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createLead,
    meta: { inlineError: true },
    onSuccess: (lead) => {
      void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
      onSuccess?.(lead);
    },
  });
};
