/** The inbox's tabs and the GET /api/leads filters each asks for (also used to fetch them early, see app/router.tsx). */
import { DEFAULT_PAGE_SIZE } from '@/config/constants';
import type { LeadsParams } from '@/types/api';

export const INBOX_TABS = ['needs', 'mine', 'unassigned', 'all'] as const;
export type InboxTab = (typeof INBOX_TABS)[number];

const FILTERS: Record<InboxTab, Pick<LeadsParams, 'needs_reply' | 'assignee'>> = {
  needs: { needs_reply: true },
  mine: { assignee: 'me' },
  unassigned: { assignee: 'none' },
  all: {},
};

export function inboxTab(search: URLSearchParams): InboxTab {
  const tab = search.get('tab') ?? '';
  return (INBOX_TABS as readonly string[]).includes(tab) ? (tab as InboxTab) : 'needs';
}

export function inboxPage(search: URLSearchParams): number {
  return Math.max(1, Number(search.get('page')) || 1);
}

export function inboxLeadsParams(search: URLSearchParams): LeadsParams {
  return { ...FILTERS[inboxTab(search)], page: inboxPage(search), page_size: DEFAULT_PAGE_SIZE };
}
