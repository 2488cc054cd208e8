import { MutationCache, QueryCache, QueryClient, type DefaultOptions } from '@tanstack/react-query';
import { isApiError } from './api-client';
import { notifyError } from './notify';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** The component shows the error itself (inline Alert); skip the toast. */
      inlineError?: boolean;
    };
    queryMeta: {
      /** Show a toast when this query fails (lists show inline Alerts instead). */
      toastError?: boolean;
    };
  }
}

const defaultOptions: DefaultOptions = {
  queries: {
    staleTime: 30_000,
    refetchOnWindowFocus: false,
    // Never retry client errors: the server's answer will not change.
    retry: (count, error) => {
      if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
      return count < 2;
    },
  },
  mutations: { retry: false },
};

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions,
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.meta?.toastError) notifyError(error);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (!mutation.meta?.inlineError) notifyError(error);
      },
    }),
  });
}
