import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Business, BusinessesParams, Page } from '@/types/api';

export const getBusinesses = (params: BusinessesParams, signal?: AbortSignal): Promise<Page<Business>> =>
  api.get<Page<Business>>('/api/admin/businesses', { query: params, signal });

export const getBusinessesQueryOptions = (params: BusinessesParams) =>
  queryOptions({
    queryKey: queryKeys.admin.businessList(params),
    queryFn: ({ signal }) => getBusinesses(params, signal),
    placeholderData: keepPreviousData,
  });

export const useBusinesses = (params: BusinessesParams) => useQuery(getBusinessesQueryOptions(params));
