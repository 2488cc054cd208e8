/** The inbox's first view: its tabs and a screenful of conversation rows. */
import { inboxTab, INBOX_TABS } from '@/features/leads/lib/inbox-params';
import { deliveryTick } from '@/features/activities/lib/delivery-tick';
import { formatMessageTime, formatWaited, leadDisplayName } from '@/lib/format';
import type { Lead, Page } from '@/types/api';
import { FIRST_ROWS, frame, h, title, type View } from './dom';

export const TICKS: Record<string, string> = { pending: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '✗' };

export function inboxRow(lead: Lead, { lng, tz, texts }: View) {
  const t = texts.inbox;
  const name = leadDisplayName(lead) || '?';
  const last = lead.last_message ?? null;
  const when = last?.at ?? lead.last_activity_at ?? lead.created_at;
  const tick = last && last.direction === 'out' ? deliveryTick(last.status) : null;
  const who = last && last.direction === 'out' ? (last.is_ai ? t.byAi : t.byUs) : '';
  const waited = lead.needs_reply ? formatWaited(lead.last_inbound_at ?? last?.at, lng) : '';
  return h(
    'li',
    {},
    {},
    h(
      'a',
      { class: `fd-convo ${lead.needs_reply ? 'fd-convo-waiting' : ''}`, href: `/leads/${lead.id}` },
      {},
      h('span', { class: 'fd-convo-avatar', 'aria-hidden': 'true' }, {}, name.trim().charAt(0).toUpperCase() || '?'),
      h(
        'span',
        { class: 'fd-convo-main' },
        {},
        h(
          'span',
          { class: 'fd-convo-line' },
          {},
          h('span', { class: 'fd-grow fd-truncate fd-convo-name', dir: 'auto' }, {}, name),
          h('time', { class: 'fd-convo-time', datetime: when }, {}, formatMessageTime(when, lng, tz)),
        ),
        h(
          'span',
          { class: 'fd-convo-line' },
          {},
          h(
            'span',
            { class: 'fd-grow fd-truncate fd-convo-preview' },
            {},
            tick &&
              h(
                'span',
                { class: `fd-tick ${tick.color === 'gray' ? '' : `fd-tick-${tick.color}`}` },
                {},
                h('span', { 'aria-hidden': 'true' }, {}, `${TICKS[tick.state]} `),
                h('span', { class: 'fd-visually-hidden' }, {}, `${texts.delivery[tick.state]}: `),
              ),
            who && h('span', {}, {}, `${who}: `),
            h('bdi', {}, {}, last ? last.body : t.noMessages),
          ),
          lead.needs_reply &&
            h('span', { class: 'fd-fv-badge' }, {}, waited ? t.waited.replace('{{time}}', waited) : t.needsReply),
        ),
        // The assignee's name comes with the app; the line keeps its place.
        h('span', { class: 'fd-convo-assignee' }, {}, lead.assignee_user_id === null ? t.nobody : '\u00a0'),
      ),
    ),
  );
}

export function inboxView(leads: Page<Lead>, search: URLSearchParams, view: View) {
  if (leads.items.length === 0) return null;
  const tab = inboxTab(search);
  const tabs = h(
    'div',
    { class: 'fd-fv-tabs' },
    {},
    ...INBOX_TABS.map((v) =>
      h(
        'a',
        {
          class: 'fd-fv-tab',
          href: v === 'needs' ? '/inbox' : `/inbox?tab=${v}`,
          ...(v === tab ? { 'aria-current': 'page' } : {}),
        },
        {},
        view.texts.inbox.tabs[v],
      ),
    ),
  );
  return frame(
    h('div', { class: 'fd-fv-header' }, {}, title(view.texts.inbox.title)),
    h(
      'div',
      { class: 'm_1b7284a3 mantine-Paper-root', 'data-with-border': 'true' },
      {},
      tabs,
      h('ul', { class: 'fd-convo-list' }, {}, ...leads.items.slice(0, FIRST_ROWS).map((l) => inboxRow(l, view))),
    ),
  );
}
