import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Items, Reminder } from '@/types/api';

export type MyRemindersParams = { status?: string; due_before?: string };

export const getMyReminders = (params: MyRemindersParams, signal?: AbortSignal): Promise<Items<Reminder>> =>
  api.get<Items<Reminder>>('/api/reminders', { query: params, signal });

export const getMyRemindersQueryOptions = (params: MyRemindersParams) =>
  queryOptions({ queryKey: ['reminders', 'mine', params], queryFn: ({ signal }) => getMyReminders(params, signal) });

export const useMyReminders = (params: MyRemindersParams) => useQuery(getMyRemindersQueryOptions(params));
