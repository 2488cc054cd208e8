import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Lead, Page } from '@/types/api';

export type LeadsParams = { q?: string; status?: string; source?: string; page?: number; page_size?: number };

export const getLeads = (params: LeadsParams, signal?: AbortSignal): Promise<Page<Lead>> =>
  api.get<Page<Lead>>('/api/leads', { query: params, signal });

export const getLeadsQueryOptions = (params: LeadsParams) =>
  queryOptions({
    queryKey: ['leads', 'list', params],
    queryFn: ({ signal }) => getLeads(params, signal),
    placeholderData: keepPreviousData,
  });

export const useLeads = (params: LeadsParams) => useQuery(getLeadsQueryOptions(params));
