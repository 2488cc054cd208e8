/**
 * The first screen of the inbox and of a lead, drawn by the entry (boot.ts)
 * as plain elements from the page's early answers (app/early-requests.ts),
 * before the app's code has run: on a slow phone the conversations show
 * about a second sooner. Same elements, classes and texts as the app's rows
 * and bubbles, so when the app takes over (app/first-view-handover.ts) next
 * to nothing moves. Links are real links; the rest waits for the app.
 */
import { FIRST_VIEW_ID, LANGUAGE_STORAGE_KEY } from '@/config/constants';
import { api } from '@/lib/api-client';
import { inboxLeadsParams, inboxTab, INBOX_TABS } from '@/features/leads/lib/inbox-params';
import { LEAD_STATUS_COLORS } from '@/features/leads/lib/status-colors';
import { deliveryTick } from '@/features/activities/lib/delivery-tick';
import { formatMessageTime, formatWaited, leadDisplayName } from '@/lib/format';
import { en, he, type FirstViewTexts as Texts } from 'virtual:first-view-texts';
import type { Activity, Lead, Me, Page } from '@/types/api';

type View = { lng: string; tz: string; texts: Texts };

/** Whether the page at this path has a first view (when signed in, with something to show). */
export function hasFirstView(pathname: string): boolean {
  return pathname === '/inbox' || /^\/leads\/\d+$/.test(pathname);
}

/** What the app shows once its page is there: the handover waits for one of these. */
const READY = {
  inbox: '[data-testid="conversation-list"], [data-testid="inbox-empty"], [role="alert"]',
  lead: '[data-testid="chat"], [data-testid="chat-empty"], [role="alert"]',
};

type Kid = Node | string | null | false | undefined;

/** An element; style properties go through the CSSOM (the CSP forbids style attributes in markup). */
function h(tag: string, attrs: Record<string, string> = {}, style: Record<string, string> = {}, ...kids: Kid[]) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const [k, v] of Object.entries(style)) el.style.setProperty(k, v);
  for (const kid of kids) if (kid) el.append(kid);
  return el;
}

const TEXT_SM = { '--text-fz': 'var(--mantine-font-size-sm)', '--text-lh': 'var(--mantine-line-height-sm)' };
const TITLE_H3 = {
  '--title-fw': 'var(--mantine-h3-font-weight)',
  '--title-lh': 'var(--mantine-h3-line-height)',
  '--title-fz': 'var(--mantine-h3-font-size)',
};

function title(text: string) {
  return h('h2', { class: 'm_8a5d1357 mantine-Title-root', 'data-size': 'h3', 'data-order': '2' }, TITLE_H3, text);
}

/** The page frame: the header bar of index.html's placeholder and the app's container. */
function frame(...kids: Kid[]) {
  return h(
    'div',
    { id: FIRST_VIEW_ID, class: 'fd-shell', 'aria-busy': 'true' },
    {},
    h('div', { class: 'fd-boot', 'aria-hidden': 'true' }, {}, h('span', { class: 'fd-logo' }, {}, 'F'), 'frontdesk'),
    h(
      'div',
      { class: 'fd-main' },
      {},
      h(
        'div',
        { class: 'fd-container m_7485cace mantine-Container-root', 'data-size': 'xl', 'data-strategy': 'block' },
        { '--container-size': 'var(--container-size-xl)' },
        ...kids,
      ),
    ),
  );
}

const TICKS: Record<string, string> = { pending: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '✗' };

function inboxRow(lead: Lead, { lng, tz, texts }: View) {
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

function inboxView(leads: Page<Lead>, search: URLSearchParams, view: View) {
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
      h('ul', { class: 'fd-convo-list' }, {}, ...leads.items.map((l) => inboxRow(l, view))),
    ),
  );
}

const MESSAGE_KINDS = new Set(['message_in', 'message_out', 'ai_reply']);

function bubble(a: Activity, { lng, tz, texts }: View) {
  const incoming = a.kind === 'message_in';
  const tick = incoming ? null : deliveryTick(a.message_status);
  return h(
    'li',
    { class: `fd-bubble ${incoming ? 'fd-bubble-in' : 'fd-bubble-out'}` },
    {},
    h('span', { class: 'fd-visually-hidden' }, {}, incoming ? texts.chat.fromCustomer : texts.chat.fromUs),
    a.kind === 'ai_reply' && h('span', { class: 'fd-fv-badge fd-fv-badge-ai fd-bubble-ai' }, {}, texts.chat.ai),
    a.body &&
      h(
        'p',
        { class: 'mantine-focus-auto fd-pre m_b6d8b162 mantine-Text-root', 'data-size': 'sm', dir: 'auto' },
        TEXT_SM,
        a.body,
      ),
    h(
      'div',
      { class: 'fd-bubble-meta' },
      {},
      h('time', { datetime: a.created_at }, {}, formatMessageTime(a.created_at, lng, tz)),
      tick &&
        h(
          'span',
          { class: `fd-tick fd-tick-${tick.color}`, role: 'img', 'aria-label': texts.delivery[tick.state] },
          {},
          tick.symbol,
        ),
    ),
  );
}

function leadView(lead: Lead, activities: { items: Activity[] }, view: View) {
  const messages = activities.items
    .filter((a) => MESSAGE_KINDS.has(a.kind))
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
  if (messages.length === 0) return null;
  const t = view.texts.chat;
  const variants = {
    light: {
      '--button-bg': 'var(--mantine-color-teal-light)',
      '--button-color': 'var(--mantine-color-teal-light-color)',
      '--button-bd': '1px solid transparent',
    },
    filled: { '--button-color': 'var(--mantine-color-white)' },
    default: {
      '--button-bg': 'var(--mantine-color-default)',
      '--button-color': 'var(--mantine-color-default-color)',
      '--button-bd': '1px solid var(--mantine-color-default-border)',
    },
  };
  // Call and WhatsApp are links already; Edit works once the app is there.
  const button = (tag: 'a' | 'button', attrs: Record<string, string>, label: string, variant: keyof typeof variants) =>
    h(
      tag,
      {
        class: 'mantine-focus-auto m_77c9d27d mantine-Button-root m_87cf2631 mantine-UnstyledButton-root',
        'data-size': 'sm',
        ...(variant === 'filled' ? {} : { 'data-variant': variant }),
        ...attrs,
      },
      {
        '--button-height': 'var(--button-height-sm)',
        '--button-padding-x': 'var(--button-padding-x-sm)',
        '--button-fz': 'var(--mantine-font-size-sm)',
        ...variants[variant],
      },
      h(
        'span',
        { class: 'm_80f1301b mantine-Button-inner' },
        {},
        h('span', { class: 'm_811560b9 mantine-Button-label' }, {}, label),
      ),
    );
  const color = LEAD_STATUS_COLORS[lead.status] ?? 'gray';
  const status = h(
    'span',
    { class: 'fd-fv-badge fd-fv-badge-light' },
    { background: `var(--mantine-color-${color}-light)`, color: `var(--mantine-color-${color}-light-color)` },
    (view.texts.leadStatus as Record<string, string>)[lead.status] ?? lead.status,
  );
  const group = (gap: string, ...kids: Kid[]) =>
    h(
      'div',
      { class: 'm_4081bf90 mantine-Group-root' },
      { '--group-gap': gap, '--group-align': 'center', '--group-justify': 'space-between', '--group-wrap': 'wrap' },
      ...kids,
    );
  return frame(
    h(
      'div',
      { class: 'fd-lead' },
      {},
      h(
        'div',
        { class: 'fd-lead-top' },
        {},
        h(
          'a',
          {
            class: 'mantine-focus-auto m_849cf0da m_b6d8b162 mantine-Text-root mantine-Anchor-root',
            'data-size': 'sm',
            href: '/inbox',
          },
          TEXT_SM,
          t.back,
        ),
        group(
          'var(--mantine-spacing-xs)',
          group('var(--mantine-spacing-sm)', title(leadDisplayName(lead) || '?'), status),
          h(
            'div',
            { class: 'fd-fv-buttons' },
            {},
            lead.phone_e164 && button('a', { href: `tel:${lead.phone_e164}` }, t.call, 'light'),
            button('a', { href: '#composer' }, t.whatsapp, 'filled'),
            button('button', { type: 'button' }, view.texts.common.edit, 'default'),
          ),
        ),
      ),
      h(
        'div',
        { class: 'fd-lead-grid' },
        {},
        h(
          'section',
          { class: 'fd-lead-chat', 'aria-label': t.title },
          {},
          h('ol', { class: 'fd-chat' }, {}, ...messages.map((m) => bubble(m, view))),
        ),
      ),
    ),
  );
}

async function json<T>(answer: Promise<Response | null> | undefined): Promise<T | null> {
  const res = await answer?.catch(() => null);
  // A copy: the app's own query takes the answer itself (api.prefetch).
  return res?.ok ? ((await res.clone().json()) as T) : null;
}

function storedLanguage(): string {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY) === 'en' ? 'en' : 'he';
  } catch {
    return 'he';
  }
}

/**
 * Draws the page's first screen from its early answers, if it has one (the
 * inbox or a lead, signed in, with something to show). Resolves once drawn
 * (true) or when there is nothing to draw (false); the app starts after
 * (`tooLate`: it started anyway, the answers being slow: nothing is drawn).
 */
export async function drawFirstView(location: Location, tooLate: () => boolean): Promise<boolean> {
  const root = document.getElementById('root');
  const lead = /^\/leads\/(\d+)$/.exec(location.pathname);
  if (!root || !hasFirstView(location.pathname)) return false;
  const me = await json<Me>(api.peek('/api/auth/me'));
  if (!me) return false;
  const lng = storedLanguage();
  const view: View = {
    lng,
    tz: me.tenant?.timezone || 'Asia/Jerusalem',
    texts: lng === 'en' ? en : he,
  };
  let el: HTMLElement | null = null;
  try {
    if (lead) {
      const [l, a] = await Promise.all([
        json<Lead>(api.peek(`/api/leads/${lead[1]}`)),
        json<{ items: Activity[] }>(api.peek(`/api/leads/${lead[1]}/activities`)),
      ]);
      if (l && a) el = leadView(l, a, view);
    } else {
      const search = new URLSearchParams(location.search);
      const leads = await json<Page<Lead>>(api.peek('/api/leads', inboxLeadsParams(search)));
      if (leads) el = inboxView(leads, search, view);
    }
  } catch {
    el = null; // an answer of an unexpected shape: the app draws the page itself
  }
  if (!el || tooLate()) return false;
  document.documentElement.lang = lng;
  document.documentElement.dir = lng === 'en' ? 'ltr' : 'rtl';
  root.before(el);
  root.classList.add('fd-app-pending');
  root.dataset.readyWhen = lead ? READY.lead : READY.inbox;
  return true;
}
