import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** The platform admin creates the business's WhatsApp instance on the bridge; the answer is its link (first QR). */
export const useCreateInstance = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (businessId: number) => api.post<unknown>(`/api/admin/businesses/${businessId}/whatsapp/instance`),
    meta: { inlineError: true },
    onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.business.whatsappLink() }),
  });
};
