import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
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
      void qc.invalidateQueries({ queryKey: ['activities', leadId] });
      void qc.invalidateQueries({ queryKey: ['leads'] });
      onSuccess?.();
    },
  });
};
