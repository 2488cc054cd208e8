/**
 * The first screen of the inbox and of a lead, drawn by the entry (boot.ts)
 * as plain elements from the page's early answers (app/early-requests.ts),
 * before the app's code has run: on a slow phone the conversations show
 * about a second sooner. Likewise the sign-in card's heading, at once. Same elements, classes and texts as the app's rows
 * and bubbles, so when the app takes over (app/first-view-handover.ts) next
 * to nothing moves. Links are real links; the rest waits for the app.
 */
import { FIRST_VIEW_ID, FIRST_VIEW_PAGES, LANGUAGE_STORAGE_KEY } from '@/config/constants';
import { api } from '@/lib/api-client';
import { inboxLeadsParams, inboxTab, INBOX_TABS } from '@/features/leads/lib/inbox-params';
import { leadsPageParams } from '@/features/leads/lib/leads-params';
import { LEAD_STATUS_COLORS } from '@/features/leads/lib/status-colors';
import { deliveryTick } from '@/features/activities/lib/delivery-tick';
import { formatDateTime, formatMessageTime, formatPhone, formatWaited, leadDisplayName } from '@/lib/format';
import { en, he, type FirstViewTexts as Texts } from 'virtual:first-view-texts';
import type { Activity, Lead, Me, Page } from '@/types/api';

type View = { lng: string; tz: string; texts: Texts };

/** Whether the page at this path has a first view (when signed in, with something to show). */
export function hasFirstView(pathname: string): boolean {
  return FIRST_VIEW_PAGES.test(pathname);
}

/** What the app shows once its page is there: the handover waits for one of these. */
const READY = {
  login: 'form, [role="alert"]',
  inbox: '[data-testid="conversation-list"], [data-testid="inbox-empty"], [role="alert"]',
  lead: '[data-testid="chat"], [data-testid="chat-empty"], [role="alert"]',
  leads: '[data-testid="leads-table"], [data-testid="leads-empty"], [role="alert"]',
};

type Kid = Node | string | null | false | undefined;

/** Rows drawn of a list: a screenful, even a desktop's; the rest come with the app. */
const FIRST_ROWS = 14;

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
      h('ul', { class: 'fd-convo-list' }, {}, ...leads.items.slice(0, FIRST_ROWS).map((l) => inboxRow(l, view))),
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

const BUTTON_VARIANTS = {
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
/** A Mantine button (size sm); one that is not a link works once the app is there. */
function button(
  tag: 'a' | 'button',
  attrs: Record<string, string>,
  label: string,
  variant: keyof typeof BUTTON_VARIANTS,
) {
  return h(
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
      ...BUTTON_VARIANTS[variant],
    },
    h(
      'span',
      { class: 'm_80f1301b mantine-Button-inner' },
      {},
      h('span', { class: 'm_811560b9 mantine-Button-label' }, {}, label),
    ),
  );
}

function leadView(lead: Lead, activities: { items: Activity[] }, view: View) {
  const messages = activities.items
    .filter((a) => MESSAGE_KINDS.has(a.kind))
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
  if (messages.length === 0) return null;
  const t = view.texts.chat;
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

const TABLE_ROW = {
  class: 'm_4e7aa4fd mantine-Table-tr',
  'data-with-row-border': 'true',
  'data-striped': 'odd',
  'data-hover': 'true',
};

function lightBadge(color: string, text: string) {
  return h(
    'span',
    { class: 'fd-fv-badge fd-fv-badge-light' },
    { background: `var(--mantine-color-${color}-light)`, color: `var(--mantine-color-${color}-light-color)` },
    text,
  );
}

function leadsRow(lead: Lead, showTenant: boolean, { lng, tz, texts }: View) {
  const td = (mobile: boolean, ...kids: Kid[]) =>
    h('td', { class: `m_4e7aa4ef mantine-Table-td${mobile ? '' : ' fd-hide-mobile'}` }, {}, ...kids);
  const when = lead.last_activity_at ?? lead.updated_at;
  return h(
    'tr',
    TABLE_ROW,
    {},
    td(
      true,
      h(
        'a',
        {
          class: 'mantine-focus-auto m_849cf0da m_b6d8b162 mantine-Text-root mantine-Anchor-root',
          href: `/leads/${lead.id}`,
        },
        { 'font-weight': '500' },
        leadDisplayName(lead) || '?',
      ),
    ),
    td(true, lead.phone_e164 && h('bdi', { dir: 'ltr', class: 'fd-phone' }, {}, formatPhone(lead.phone_e164))),
    td(
      true,
      lightBadge(
        LEAD_STATUS_COLORS[lead.status] ?? 'gray',
        (texts.leadStatus as Record<string, string>)[lead.status] ?? lead.status,
      ),
    ),
    td(true, ...(lead.tags ?? []).map((tag) => lightBadge('grape', tag))),
    td(false, (texts.leadSource as Record<string, string>)[lead.source] ?? lead.source),
    showTenant && td(false, `#${lead.tenant_id}`),
    td(
      false,
      h(
        'p',
        { class: 'mantine-focus-auto m_b6d8b162 mantine-Text-root', 'data-size': 'sm' },
        { ...TEXT_SM, color: 'var(--mantine-color-dimmed)' },
        h('time', { datetime: when, title: tz }, {}, formatDateTime(when, lng, tz)),
      ),
    ),
  );
}

/** The lead list: its rows; the buttons and the filters' places until the app brings them. */
function leadsView(leads: Page<Lead>, showTenant: boolean, view: View) {
  if (leads.items.length === 0) return null;
  const t = view.texts.leads;
  const f = t.fields;
  const th = (text: string, mobile = true) =>
    h('th', { class: `m_4e7aa4f3 mantine-Table-th${mobile ? '' : ' fd-hide-mobile'}` }, {}, text);
  const paper = (style: Record<string, string>, ...kids: Kid[]) =>
    h('div', { class: 'm_1b7284a3 mantine-Paper-root', 'data-with-border': 'true' }, style, ...kids);
  return frame(
    h(
      'div',
      { class: 'fd-fv-header' },
      {},
      title(t.title),
      h(
        'div',
        { class: 'fd-fv-buttons' },
        {},
        button('button', { type: 'button' }, t.exportCsv, 'default'),
        button('button', { type: 'button' }, t.import.button, 'default'),
        button('button', { type: 'button' }, t.new, 'filled'),
      ),
    ),
    paper(
      { padding: 'var(--mantine-spacing-sm)', 'margin-bottom': 'var(--mantine-spacing-md)' },
      h(
        'div',
        { class: 'fd-filters' },
        {},
        // The search field as the app draws it (its placeholder is the page's largest text);
        // the other filters' places stay empty until the app brings them.
        h(
          'div',
          { class: 'm_46b77525 mantine-InputWrapper-root', 'data-size': 'sm' },
          {},
          h(
            'label',
            { class: 'm_8fdc1311 mantine-InputWrapper-label', 'data-size': 'sm', for: 'fd-fv-search' },
            { '--input-label-size': 'var(--mantine-font-size-sm)' },
            t.search,
          ),
          h(
            'div',
            { class: 'm_6c018570 mantine-Input-wrapper', 'data-variant': 'default', 'data-size': 'sm' },
            { '--input-height': 'var(--input-height-sm)', '--input-fz': 'var(--mantine-font-size-sm)' },
            h('input', {
              class: 'm_8fb7ebe7 mantine-Input-input',
              'data-variant': 'default',
              id: 'fd-fv-search',
              type: 'search',
              readonly: '',
              tabindex: '-1',
              placeholder: t.searchPlaceholder,
            }),
          ),
        ),
        ...[1, 2, 3, 4].map(() => h('div', { class: 'fd-fv-field' })),
      ),
    ),
    paper(
      { padding: 'var(--mantine-spacing-sm)' },
      h(
        'div',
        { class: 'fd-table-wrap' },
        {},
        h(
          'table',
          { class: 'm_b23fa0ef mantine-Table-table' },
          { '--table-vertical-spacing': 'var(--mantine-spacing-xs)' },
          h(
            'thead',
            { class: 'm_b242d975 mantine-Table-thead' },
            {},
            h(
              'tr',
              TABLE_ROW,
              {},
              th(f.name),
              th(f.phone),
              th(f.status),
              th(f.tags),
              th(f.source, false),
              showTenant && th(f.business, false),
              th(f.lastActivity, false),
            ),
          ),
          h(
            'tbody',
            { class: 'm_b2404537 mantine-Table-tbody' },
            {},
            ...leads.items.slice(0, FIRST_ROWS).map((l) => leadsRow(l, showTenant, view)),
          ),
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

function texts(lng: string): Texts {
  return lng === 'en' ? en : he;
}

function show(root: HTMLElement, el: HTMLElement, lng: string, ready: string): void {
  document.documentElement.lang = lng;
  document.documentElement.dir = lng === 'en' ? 'ltr' : 'rtl';
  root.before(el);
  root.classList.add('fd-app-pending');
  root.dataset.readyWhen = ready;
}

/**
 * The sign-in card as the app draws it, its form's place kept empty until
 * the app fills it (the heights are the form's and the language switch's).
 */
export function drawSignIn(location: Location): boolean {
  const root = document.getElementById('root');
  if (!root || location.pathname !== '/login') return false;
  const lng = storedLanguage();
  const t = texts(lng);
  const stack = (gap: string, align: string, ...kids: Kid[]) =>
    h(
      'div',
      { class: 'm_6d731127 mantine-Stack-root' },
      { '--stack-gap': gap, '--stack-align': align, '--stack-justify': 'flex-start' },
      ...kids,
    );
  const card = h(
    'div',
    { id: FIRST_VIEW_ID, class: 'fd-login-bg m_4451eb3a mantine-Center-root', 'aria-busy': 'true' },
    { padding: 'var(--mantine-spacing-md)', 'min-height': '100vh' },
    h(
      'div',
      { class: 'fd-login-card m_1b7284a3 mantine-Paper-root', 'data-with-border': 'true' },
      {
        '--paper-radius': 'var(--mantine-radius-lg)',
        '--paper-shadow': 'var(--mantine-shadow-sm)',
        padding: 'var(--mantine-spacing-xl)',
      },
      stack(
        'var(--mantine-spacing-lg)',
        'stretch',
        stack(
          'calc(0.25rem * var(--mantine-scale))',
          'center',
          h('span', { class: 'fd-logo fd-logo-lg', 'aria-hidden': 'true' }, {}, 'F'),
          h(
            'h1',
            { class: 'm_8a5d1357 mantine-Title-root', 'data-size': 'h2', 'data-order': '1' },
            {
              '--title-fw': 'var(--mantine-h2-font-weight)',
              '--title-lh': 'var(--mantine-h2-line-height)',
              '--title-fz': 'var(--mantine-h2-font-size)',
            },
            t.app.name,
          ),
          h(
            'p',
            { class: 'mantine-focus-auto m_b6d8b162 mantine-Text-root', 'data-size': 'sm' },
            { ...TEXT_SM, color: 'var(--mantine-color-dimmed)', 'text-align': 'center' },
            t.login.subtitle,
          ),
        ),
        h('div', { class: 'fd-fv-login-form' }),
        h('div', { class: 'fd-fv-login-language' }),
      ),
    ),
  );
  show(root, card, lng, READY.login);
  return true;
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
    texts: texts(lng),
  };
  let el: HTMLElement | null = null;
  try {
    if (lead) {
      const [l, a] = await Promise.all([
        json<Lead>(api.peek(`/api/leads/${lead[1]}`)),
        json<{ items: Activity[] }>(api.peek(`/api/leads/${lead[1]}/activities`)),
      ]);
      if (l && a) el = leadView(l, a, view);
    } else if (location.pathname === '/leads') {
      const leads = await json<Page<Lead>>(
        api.peek('/api/leads', leadsPageParams(new URLSearchParams(location.search))),
      );
      const showTenant = me.user.role === 'system_admin' && !me.impersonating;
      if (leads) el = leadsView(leads, showTenant, view);
    } else {
      const search = new URLSearchParams(location.search);
      const leads = await json<Page<Lead>>(api.peek('/api/leads', inboxLeadsParams(search)));
      if (leads) el = inboxView(leads, search, view);
    }
  } catch {
    el = null; // an answer of an unexpected shape: the app draws the page itself
  }
  if (!el || tooLate()) return false;
  show(root, el, lng, lead ? READY.lead : location.pathname === '/leads' ? READY.leads : READY.inbox);
  return true;
}
