import { useEffect, useState } from 'react';
import { api } from '@/lib/api-client';
import { meQueryOptions } from '@/lib/auth';
import { isTenantScoped, queryKeys } from '@/lib/query-keys';
import { createQueryClient } from '@/lib/react-query';
import { AppProvider } from './provider';
import { AppRouter } from './router';

export function App() {
  const [queryClient] = useState(() => {
    const client = createQueryClient();
    // Who is signed in is asked at once, while the route's chunk loads.
    void client.prefetchQuery(meQueryOptions());
    return client;
  });
  useEffect(() => {
    // A 401 not_authenticated anywhere: forget the session; <ProtectedRoute>
    // then sends the user to the login page (with ?next= to come back).
    api.setOnUnauthorized(() => {
      queryClient.setQueryData(queryKeys.auth.me(), null);
      queryClient.removeQueries({ predicate: isTenantScoped });
    });
    // Bootstrap the CSRF token (the XSRF-TOKEN cookie is HttpOnly).
    api.refreshCsrfToken().catch(() => {
      /* retried lazily before the first write */
    });
    return () => api.setOnUnauthorized(null);
  }, [queryClient]);
  return (
    <AppProvider queryClient={queryClient}>
      <AppRouter queryClient={queryClient} />
    </AppProvider>
  );
}
