import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Items, PromptRevision } from '@/types/api';

export const getPromptHistory = (signal?: AbortSignal): Promise<Items<PromptRevision>> =>
  api.get<Items<PromptRevision>>('/api/business/current/prompt/history', { signal });

export const getPromptHistoryQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.business.promptHistory(), queryFn: ({ signal }) => getPromptHistory(signal) });

export const usePromptHistory = (enabled = true) => useQuery({ ...getPromptHistoryQueryOptions(), enabled });
