import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Business } from '@/types/api';

export const getCurrentBusiness = (signal?: AbortSignal): Promise<Business> =>
  api.get<Business>('/api/business/current', { signal });

export const getCurrentBusinessQueryOptions = () =>
  queryOptions({ queryKey: ['business', 'current'], queryFn: ({ signal }) => getCurrentBusiness(signal) });

export const useCurrentBusiness = () => useQuery(getCurrentBusinessQueryOptions());
