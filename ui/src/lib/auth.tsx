/**
 * Who is signed in: the `me` query, login, logout and route guards
 * (bulletproof-react keeps these in lib/auth). `me` is `null` when signed out.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError } from './api-client';
import { isTenantScoped, queryKeys } from './query-keys';
import { DEFAULT_TIMEZONE } from '@/config/constants';
import type { Me, User } from '@/types/api';

export async function getMe(): Promise<Me | null> {
  try {
    return await api.get<Me>('/api/auth/me', { allowUnauthorized: true });
  } catch (e) {
    if (isApiError(e) && e.status === 401) return null;
    throw e;
  }
}

export const meQueryOptions = () => queryOptions({ queryKey: queryKeys.auth.me(), queryFn: getMe, staleTime: 60_000 });

export function useMe() {
  return useQuery(meQueryOptions());
}

/** The signed-in session; only call below <ProtectedRoute>. */
export function useSession(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSession outside a signed-in route');
  return data;
}

export function useTimezone(): string {
  const { data } = useMe();
  return data?.tenant?.timezone || DEFAULT_TIMEZONE;
}

export const isAdmin = (me: Me | null | undefined) => me?.user.role === 'system_admin';
/** The platform admin outside any business: list views span every business (and show which). */
export const seesAllBusinesses = (me: Me | null | undefined) => isAdmin(me) && !me?.impersonating;
/** Owners and admins manage a business (prompts, users, audit). */
export const canManage = (me: Me | null | undefined) => me?.user.role === 'owner' || me?.user.role === 'system_admin';

export type LoginInput = { email: string; password: string };
export type LoginAnswer = { user: User; csrfToken: string };

export async function login(input: LoginInput): Promise<LoginAnswer> {
  const answer = await api.post<LoginAnswer>('/api/auth/login', input, { allowUnauthorized: true });
  api.setCsrfToken(answer.csrfToken);
  return answer;
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    meta: { inlineError: true },
    onSuccess: async () => {
      // Nothing cached from another session may leak into this one.
      qc.removeQueries({ predicate: isTenantScoped });
      await qc.fetchQuery({ ...meQueryOptions(), staleTime: 0 });
    },
  });
}

export async function logout(): Promise<void> {
  try {
    await api.post<void>('/api/auth/logout', undefined, { allowUnauthorized: true });
  } finally {
    api.setCsrfToken(null);
  }
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      qc.clear();
      qc.setQueryData(queryKeys.auth.me(), null);
    },
  });
}
