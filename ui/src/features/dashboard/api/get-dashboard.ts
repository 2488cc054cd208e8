import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Dashboard, DashboardParams } from '@/types/api';

export const getDashboard = (params: DashboardParams, signal?: AbortSignal): Promise<Dashboard> =>
  api.get<Dashboard>('/api/dashboard', { query: params, signal });

export const getDashboardQueryOptions = (params: DashboardParams) =>
  queryOptions({
    queryKey: queryKeys.dashboard.range(params),
    queryFn: ({ signal }) => getDashboard(params, signal),
    placeholderData: keepPreviousData,
  });

export const useDashboard = (params: DashboardParams) => useQuery(getDashboardQueryOptions(params));
