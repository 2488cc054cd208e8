import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { InboxCounts } from '@/types/api';

export const getInboxCounts = (signal?: AbortSignal): Promise<InboxCounts> =>
  api.get<InboxCounts>('/api/inbox/counts', { signal });

export const getInboxCountsQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.inbox.counts(), queryFn: ({ signal }) => getInboxCounts(signal) });

/** The badges; live events invalidate them (see app/live-events.tsx). */
export const useInboxCounts = () => useQuery(getInboxCountsQueryOptions());
