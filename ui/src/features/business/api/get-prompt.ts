import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Prompt } from '@/types/api';

export const getPrompt = (signal?: AbortSignal): Promise<Prompt> =>
  api.get<Prompt>('/api/business/current/prompt', { signal });

export const getPromptQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.business.prompt(), queryFn: ({ signal }) => getPrompt(signal) });

export const usePrompt = () => useQuery(getPromptQueryOptions());
