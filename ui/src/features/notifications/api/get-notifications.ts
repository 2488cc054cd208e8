import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { NotificationsPage, NotificationsParams } from '@/types/api';

export const getNotifications = (params: NotificationsParams, signal?: AbortSignal): Promise<NotificationsPage> =>
  api.get<NotificationsPage>('/api/notifications', { query: params, signal });

export const getNotificationsQueryOptions = (params: NotificationsParams = {}) =>
  queryOptions({
    queryKey: queryKeys.notifications.list(params),
    queryFn: ({ signal }) => getNotifications(params, signal),
    // Live updates come from /api/events; this is only a safety net.
    refetchInterval: 120_000,
  });

export const useNotifications = (params: NotificationsParams = {}) => useQuery(getNotificationsQueryOptions(params));
