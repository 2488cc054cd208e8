import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { NotificationsPage } from '@/types/api';

export type NotificationsParams = { page?: number; page_size?: number };

export const getNotifications = (params: NotificationsParams, signal?: AbortSignal): Promise<NotificationsPage> =>
  api.get<NotificationsPage>('/api/notifications', { query: params, signal });

export const getNotificationsQueryOptions = (params: NotificationsParams = {}) =>
  queryOptions({
    queryKey: ['notifications', params],
    queryFn: ({ signal }) => getNotifications(params, signal),
    // Live updates come from /api/events; this is only a safety net.
    refetchInterval: 120_000,
  });

export const useNotifications = (params: NotificationsParams = {}) => useQuery(getNotificationsQueryOptions(params));
