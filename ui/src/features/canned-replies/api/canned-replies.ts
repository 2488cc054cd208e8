/** GET|POST /api/canned-replies, PATCH|DELETE /api/canned-replies/{id} (writes: owners and admins). */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { CannedReply, Items } from '@/types/api';

export type CannedReplyInput = { shortcut: string; body: string };

export const getCannedReplies = (signal?: AbortSignal): Promise<Items<CannedReply>> =>
  api.get<Items<CannedReply>>('/api/canned-replies', { signal });

export const cannedRepliesQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.cannedReplies.all, queryFn: ({ signal }) => getCannedReplies(signal) });

export const useCannedReplies = (enabled = true) => useQuery({ ...cannedRepliesQueryOptions(), enabled });

function useInvalidate() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: queryKeys.cannedReplies.all });
}

export const useCreateCannedReply = () => {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: CannedReplyInput) => api.post<CannedReply>('/api/canned-replies', input),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
};

export const useUpdateCannedReply = () => {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...input }: CannedReplyInput & { id: number }) =>
      api.patch<CannedReply>(`/api/canned-replies/${id}`, input),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
};

export const useDeleteCannedReply = () => {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: number) => api.delete<void>(`/api/canned-replies/${id}`),
    onSuccess: invalidate,
  });
};
