import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** The business's WhatsApp link through the bridge. `qr` is a data: URL; both codes are null once open. */
export type WhatsappLink = {
  state: 'open' | 'connecting' | 'close' | string;
  qr: string | null;
  pairing_code: string | null;
  updated_at: string | null;
};

export const getWhatsappLink = (signal?: AbortSignal): Promise<WhatsappLink> =>
  api.get<WhatsappLink>('/api/business/current/whatsapp/status', { signal });

/** Live through `whatsapp.status`; while not open the QR code is asked for again every 15 s (it expires). */
export const useWhatsappLink = () =>
  useQuery({
    queryKey: queryKeys.business.whatsappLink(),
    queryFn: ({ signal }) => getWhatsappLink(signal),
    refetchInterval: (q) => (q.state.data && q.state.data.state !== 'open' ? 15_000 : false),
    retry: false,
  });

export const usePairingCode = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (phone_e164: string) =>
      api.post<WhatsappLink>('/api/business/current/whatsapp/pairing-code', { phone_e164 }),
    meta: { inlineError: true },
    onSuccess: (link) => qc.setQueryData(queryKeys.business.whatsappLink(), link),
  });
};
