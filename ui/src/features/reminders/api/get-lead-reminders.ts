import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Items, Reminder } from '@/types/api';

export const getLeadReminders = (leadId: number, signal?: AbortSignal): Promise<Items<Reminder>> =>
  api.get<Items<Reminder>>(`/api/leads/${leadId}/reminders`, { signal });

export const getLeadRemindersQueryOptions = (leadId: number) =>
  queryOptions({
    queryKey: queryKeys.reminders.lead(leadId),
    queryFn: ({ signal }) => getLeadReminders(leadId, signal),
  });

export const useLeadReminders = (leadId: number) => useQuery(getLeadRemindersQueryOptions(leadId));
