/** The lead list's GET /api/leads filters, read from the page's URL (also used to fetch them early, see app/early-requests.ts). */
import { DEFAULT_PAGE_SIZE } from '@/config/constants';
import type { LeadsParams } from '@/types/api';

export function leadsPageParams(search: URLSearchParams): LeadsParams {
  const who = search.get('assignee') ?? '';
  return {
    q: search.get('q') ?? '',
    status: search.get('status') ?? '',
    source: search.get('source') ?? '',
    tag: search.get('tag') ?? '',
    page: Math.max(1, Number(search.get('page')) || 1),
    page_size: DEFAULT_PAGE_SIZE,
    // "mine" and "unassigned" are open leads (not won, lost or archived), like the badges.
    ...(who ? { assignee: who, open: true } : {}),
  };
}
