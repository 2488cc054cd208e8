import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Prompt } from '@/types/api';

export const getPrompt = (signal?: AbortSignal): Promise<Prompt> =>
  api.get<Prompt>('/api/business/current/prompt', { signal });

export const getPromptQueryOptions = () =>
  queryOptions({ queryKey: ['business', 'prompt'], queryFn: ({ signal }) => getPrompt(signal) });

export const usePrompt = () => useQuery(getPromptQueryOptions());
