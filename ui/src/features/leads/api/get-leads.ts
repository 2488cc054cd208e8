import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Lead, LeadsParams, Page } from '@/types/api';

/** A page of leads; a search with very many matches stops counting: there are more than `total`. */
export type LeadPage = Page<Lead> & { total_is_lower_bound?: boolean };

export const getLeads = (params: LeadsParams, signal?: AbortSignal): Promise<LeadPage> =>
  api.get<LeadPage>('/api/leads', { query: params, signal });

export const getLeadsQueryOptions = (params: LeadsParams) =>
  queryOptions({
    queryKey: queryKeys.leads.list(params),
    queryFn: ({ signal }) => getLeads(params, signal),
    placeholderData: keepPreviousData,
  });

export const useLeads = (params: LeadsParams) => useQuery(getLeadsQueryOptions(params));
