import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { BusinessUser, Items } from '@/types/api';

export const getUsers = (signal?: AbortSignal): Promise<Items<BusinessUser>> =>
  api.get<Items<BusinessUser>>('/api/business/current/users', { signal });

export const getUsersQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.business.users(), queryFn: ({ signal }) => getUsers(signal) });

export const useUsers = (enabled = true) => useQuery({ ...getUsersQueryOptions(), enabled });
