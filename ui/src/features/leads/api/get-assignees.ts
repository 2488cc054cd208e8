import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Assignee, Items } from '@/types/api';

export const getAssignees = (signal?: AbortSignal): Promise<Items<Assignee>> =>
  api.get<Items<Assignee>>('/api/business/current/assignees', { signal });

export const useAssignees = (enabled = true) =>
  useQuery({
    ...queryOptions({ queryKey: queryKeys.business.assignees(), queryFn: ({ signal }) => getAssignees(signal) }),
    enabled,
  });
