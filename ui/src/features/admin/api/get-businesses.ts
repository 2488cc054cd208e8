import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Business, Page } from '@/types/api';

export type BusinessesParams = { page?: number; page_size?: number; q?: string };

export const getBusinesses = (params: BusinessesParams, signal?: AbortSignal): Promise<Page<Business>> =>
  api.get<Page<Business>>('/api/admin/businesses', { query: params, signal });

export const getBusinessesQueryOptions = (params: BusinessesParams) =>
  queryOptions({
    queryKey: ['admin', 'businesses', params],
    queryFn: ({ signal }) => getBusinesses(params, signal),
    placeholderData: keepPreviousData,
  });

export const useBusinesses = (params: BusinessesParams) => useQuery(getBusinessesQueryOptions(params));
