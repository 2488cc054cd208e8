import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type SendWhatsappInput = { leadId: number; text: string };
/** `provider`: `baileys` or `twilio`, whichever carried the message. */
export type SendWhatsappAnswer = { message_id: number | string; provider: string; provider_message_id?: string };

export const sendWhatsapp = ({ leadId, text }: SendWhatsappInput): Promise<SendWhatsappAnswer> =>
  api.post<SendWhatsappAnswer>(`/api/leads/${leadId}/message/whatsapp`, { text });

export const useSendWhatsapp = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: sendWhatsapp,
    meta: { inlineError: true },
    onSuccess: (_a, { leadId }) => void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) }),
  });
};
