import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { SendWhatsappAnswer } from './send-whatsapp';

/** One file (JPEG, PNG, WebP or PDF, up to 16 MB) and an optional caption, as multipart/form-data. */
export type SendFileInput = { leadId: number; file: File; caption: string };

export const MAX_FILE_BYTES = 16 * 1024 * 1024;
export const SENDABLE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;

export const sendFile = ({ leadId, file, caption }: SendFileInput): Promise<SendWhatsappAnswer> => {
  const form = new FormData();
  form.append('file', file, file.name);
  if (caption.trim()) form.append('caption', caption.trim());
  return api.postRaw<SendWhatsappAnswer>(`/api/leads/${leadId}/message/whatsapp`, { data: form });
};

export const useSendFile = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: sendFile,
    meta: { inlineError: true },
    onSuccess: (_a, { leadId }) => void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) }),
  });
};
