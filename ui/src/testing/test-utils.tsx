import { render, type RenderOptions } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import type { ReactElement, ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { AppProvider } from '@/app/provider';
import { LocalizedDates } from '@/components/form/localized-dates';
import type { Me } from '@/types/api';
import { queryKeys } from '@/lib/query-keys';

export const testMe: Me = {
  user: { id: 1, email: 'owner@example.com', name: 'Owner', role: 'owner', tenant_id: 1 },
  impersonating: false,
  impersonated_tenant_id: null,
  impersonation_started_at: null,
  effective_tenant_id: 1,
  tenant: { id: 1, name: 'Test Biz', timezone: 'Asia/Jerusalem' },
};

export function createTestQueryClient(me: Me | null = testMe): QueryClient {
  const qc = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
  qc.setQueryData(queryKeys.auth.me(), me);
  return qc;
}

export function renderWithProviders(
  ui: ReactElement,
  {
    queryClient = createTestQueryClient(),
    route = '/',
    ...options
  }: { queryClient?: QueryClient; route?: string } & RenderOptions = {},
) {
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <AppProvider queryClient={queryClient}>
      <LocalizedDates>
        <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
      </LocalizedDates>
    </AppProvider>
  );
  return { queryClient, ...render(ui, { wrapper: Wrapper, ...options }) };
}

/** A fetch stub: routes by "METHOD path" -> [status, body]; records every call. */
export type Call = { method: string; url: string; headers: Record<string, string>; body: unknown };
export function stubFetch(routes: Record<string, (call: Call) => [number, unknown?]>) {
  const calls: Call[] = [];
  const impl = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input.toString();
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = { ...(init.headers as Record<string, string>) };
    // JSON bodies parsed; raw ones (e.g. a CSV string or Blob) as sent.
    const isJson = (headers['Content-Type'] ?? 'application/json') === 'application/json';
    const body =
      typeof init.body === 'string' && isJson ? (JSON.parse(init.body) as unknown) : (init.body ?? undefined);
    const call = { method, url, headers, body };
    calls.push(call);
    const path = url.split('?')[0];
    const handler = routes[`${method} ${path}`] ?? routes[`${method} *`];
    const [status, json] = handler ? handler(call) : [404, { error: 'not_found', message: 'no route', hint: '' }];
    return new Response(status === 204 || json === undefined ? null : JSON.stringify(json), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { calls, impl: impl as typeof fetch };
}
