import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Lead, LeadsParams, Page } from '@/types/api';

export const getLeads = (params: LeadsParams, signal?: AbortSignal): Promise<Page<Lead>> =>
  api.get<Page<Lead>>('/api/leads', { query: params, signal });

export const getLeadsQueryOptions = (params: LeadsParams) =>
  queryOptions({
    queryKey: queryKeys.leads.list(params),
    queryFn: ({ signal }) => getLeads(params, signal),
    placeholderData: keepPreviousData,
  });

export const useLeads = (params: LeadsParams) => useQuery(getLeadsQueryOptions(params));
