import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/**
 * Free text, or the business's approved template (`twilio_template_sid`),
 * the only thing Twilio delivers outside 24 h of the customer's last message
 * (409 `whatsapp_window_closed` otherwise).
 */
export type SendWhatsappInput =
  { leadId: number; text: string } | { leadId: number; template: true; variables?: Record<string, string> };
/** `provider`: `baileys` or `twilio`, whichever carried the message. */
export type SendWhatsappAnswer = { message_id: number | string; provider: string; provider_message_id?: string };

export const sendWhatsapp = (input: SendWhatsappInput): Promise<SendWhatsappAnswer> => {
  const body =
    'template' in input
      ? input.variables && Object.keys(input.variables).length > 0
        ? { template: true, variables: input.variables }
        : { template: true }
      : { text: input.text };
  return api.post<SendWhatsappAnswer>(`/api/leads/${input.leadId}/message/whatsapp`, body);
};

export const useSendWhatsapp = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: sendWhatsapp,
    meta: { inlineError: true },
    onSuccess: (_a, { leadId }) => void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) }),
  });
};

/** The send errors the form explains in its own words (next to the server's message and hint). */
export const SEND_ERRORS = ['whatsapp_window_closed', 'message_refused', 'provider_unavailable'] as const;
