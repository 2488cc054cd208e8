import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Items, Lead } from '@/types/api';

/** GET /api/leads/:id/duplicates: the same person under other leads of the business. */
export const useDuplicates = (leadId: number) =>
  useQuery({
    queryKey: queryKeys.scheduled.duplicates(leadId),
    queryFn: ({ signal }) => api.get<Items<Lead>>(`/api/leads/${leadId}/duplicates`, { signal }),
  });

/** POST /api/leads/:id/merge {other_id}: the other lead is folded into this one and deleted. */
export const useMergeLead = (leadId: number, onSuccess?: (lead: Lead) => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (otherId: number) => api.post<Lead>(`/api/leads/${leadId}/merge`, { other_id: otherId }),
    meta: { inlineError: true },
    onSuccess: (lead) => {
      void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
      void qc.invalidateQueries({ queryKey: queryKeys.scheduled.all });
      onSuccess?.(lead);
    },
  });
};
