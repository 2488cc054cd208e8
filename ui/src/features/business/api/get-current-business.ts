import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Business } from '@/types/api';

export const getCurrentBusiness = (signal?: AbortSignal): Promise<Business> =>
  api.get<Business>('/api/business/current', { signal });

export const getCurrentBusinessQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.business.current(), queryFn: ({ signal }) => getCurrentBusiness(signal) });

export const useCurrentBusiness = () => useQuery(getCurrentBusinessQueryOptions());
