/**
 * The first requests of the page being opened, started by the entry
 * (boot.ts) before the app's code has loaded: who is signed in, then (only
 * when someone is, so a signed-out visit asks nothing that would fail) the
 * data of the inbox, the lead list or a lead. The queries take these answers
 * from the api client instead of asking again (api.prefetch).
 *
 * The URLs are built by the same functions the pages use; a page whose URL
 * differs just asks on its own.
 */
import { api } from '@/lib/api-client';
import { paths } from '@/config/paths';
import { inboxLeadsParams } from '@/features/leads/lib/inbox-params';
import { leadsPageParams } from '@/features/leads/lib/leads-params';

function pageRequests(pathname: string, search: URLSearchParams, signedIn: Promise<boolean>): void {
  if (pathname === paths.inbox.path) {
    void api.prefetch('/api/leads', inboxLeadsParams(search), signedIn);
  } else if (pathname === paths.leads.path) {
    void api.prefetch('/api/leads', leadsPageParams(search), signedIn);
  } else {
    const lead = /^\/leads\/(\d+)$/.exec(pathname);
    if (lead) {
      void api.prefetch(`/api/leads/${lead[1]}`, undefined, signedIn);
      void api.prefetch(`/api/leads/${lead[1]}/activities`, undefined, signedIn);
    }
  }
}

export function startEarlyRequests(location: Location): void {
  const signedIn = api.prefetch('/api/auth/me');
  if (location.pathname !== paths.login.path) {
    pageRequests(location.pathname, new URLSearchParams(location.search), signedIn);
  }
}
