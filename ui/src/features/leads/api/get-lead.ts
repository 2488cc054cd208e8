import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Lead } from '@/types/api';

export const getLead = (id: number, signal?: AbortSignal): Promise<Lead> =>
  api.get<Lead>(`/api/leads/${id}`, { signal });

export const getLeadQueryOptions = (id: number) =>
  queryOptions({ queryKey: queryKeys.leads.detail(id), queryFn: ({ signal }) => getLead(id, signal) });

export const useLead = (id: number) => useQuery(getLeadQueryOptions(id));
