import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Business } from '@/types/api';

export type CreateBusinessInput = {
  name: string;
  phone_e164: string;
  whatsapp_e164: string;
  whatsapp_instance: string;
  timezone: string;
  owner: { email: string; name: string; password: string };
};

export const createBusiness = (input: CreateBusinessInput): Promise<Business> =>
  api.post<Business>('/api/admin/businesses', input);

export const useCreateBusiness = (onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createBusiness,
    meta: { inlineError: true },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.admin.businesses() });
      onSuccess?.();
    },
  });
};
