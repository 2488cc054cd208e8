import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Business } from '@/types/api';

export type UpdateBusinessInput = {
  id: number;
  data: Partial<
    Pick<Business, 'name' | 'phone_e164' | 'whatsapp_e164' | 'whatsapp_instance' | 'timezone' | 'ai_auto_reply'>
  >;
};

export const updateBusiness = ({ id, data }: UpdateBusinessInput): Promise<Business> =>
  api.patch<Business>(`/api/admin/businesses/${id}`, data);

export const useUpdateBusiness = (onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateBusiness,
    meta: { inlineError: true },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.admin.businesses() });
      void qc.invalidateQueries({ queryKey: queryKeys.business.current() });
      onSuccess?.();
    },
  });
};
