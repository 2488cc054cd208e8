import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Activity } from '@/types/api';

export type CreateNoteInput = { leadId: number; body: string };

export const createNote = ({ leadId, body }: CreateNoteInput): Promise<Activity> =>
  api.post<Activity>(`/api/leads/${leadId}/activities`, { body });

export const useCreateNote = (onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createNote,
    meta: { inlineError: true },
    onSuccess: (_a, { leadId }) => {
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
      void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
      onSuccess?.();
    },
  });
};
