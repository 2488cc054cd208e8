import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { CurrentBusiness } from '@/types/api';

export const getCurrentBusiness = (signal?: AbortSignal): Promise<CurrentBusiness> =>
  api.get<CurrentBusiness>('/api/business/current', { signal });

export const getCurrentBusinessQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.business.current(), queryFn: ({ signal }) => getCurrentBusiness(signal) });

export const useCurrentBusiness = () => useQuery(getCurrentBusinessQueryOptions());
