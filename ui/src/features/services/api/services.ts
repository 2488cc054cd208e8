/** /api/services: read by everyone in the business, written by owners. */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Items, Service } from '@/types/api';

export const getServicesQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.services.all,
    queryFn: ({ signal }) => api.get<Items<Service>>('/api/services', { signal }),
  });

export const useServices = () => useQuery(getServicesQueryOptions());

/** What a create or update sends: a service without its id and times. */
export type ServiceInput = Pick<
  Service,
  'name' | 'duration_min' | 'price' | 'buffer_before_min' | 'buffer_after_min' | 'staff_user_ids' | 'active'
>;

function useServiceMutation<I>(fn: (input: I) => Promise<unknown>, onSuccess?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    meta: { inlineError: true },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.services.all });
      onSuccess?.();
    },
  });
}

export const useSaveService = (onSuccess?: () => void) =>
  useServiceMutation(
    ({ id, ...body }: ServiceInput & { id?: number }) =>
      id ? api.patch<Service>(`/api/services/${id}`, body) : api.post<Service>('/api/services', body),
    onSuccess,
  );

export const useDeleteService = (onSuccess?: () => void) =>
  useServiceMutation((id: number) => api.delete(`/api/services/${id}`), onSuccess);
