import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Prompt } from '@/types/api';

/** Both prompts, always together: the API refuses anything else (e.g. `{prompt}`). */
export type UpdatePromptInput = { calls_prompt: string; whatsapp_prompt: string };

export const updatePrompt = ({ calls_prompt, whatsapp_prompt }: UpdatePromptInput): Promise<Prompt> =>
  api.put<Prompt>('/api/business/current/prompt', { calls_prompt, whatsapp_prompt });

export const useUpdatePrompt = (onSuccess?: (p: Prompt) => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updatePrompt,
    meta: { inlineError: true },
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: queryKeys.business.prompt() });
      onSuccess?.(p);
    },
  });
};
