import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Items, MyRemindersParams, Reminder } from '@/types/api';

export const getMyReminders = (params: MyRemindersParams, signal?: AbortSignal): Promise<Items<Reminder>> =>
  api.get<Items<Reminder>>('/api/reminders', { query: params, signal });

export const getMyRemindersQueryOptions = (params: MyRemindersParams) =>
  queryOptions({ queryKey: queryKeys.reminders.mine(params), queryFn: ({ signal }) => getMyReminders(params, signal) });

export const useMyReminders = (params: MyRemindersParams) => useQuery(getMyRemindersQueryOptions(params));
