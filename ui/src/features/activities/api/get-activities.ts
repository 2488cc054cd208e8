import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Activity, Items } from '@/types/api';

export const getActivities = (leadId: number, signal?: AbortSignal): Promise<Items<Activity>> =>
  api.get<Items<Activity>>(`/api/leads/${leadId}/activities`, { signal });

export const getActivitiesQueryOptions = (leadId: number) =>
  queryOptions({ queryKey: queryKeys.activities.lead(leadId), queryFn: ({ signal }) => getActivities(leadId, signal) });

export const useActivities = (leadId: number) => useQuery(getActivitiesQueryOptions(leadId));
