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
import { inboxLeadsParams } from '@/features/leads/lib/inbox-params';
import { leadsPageParams } from '@/features/leads/lib/leads-params';
import { en, he, type FirstViewTexts as Texts } from 'virtual:first-view-texts';
import type { Activity, Lead, Me, Page } from '@/types/api';
import { h, TEXT_SM, type Kid, type View } from './first-view/dom';
import { inboxView } from './first-view/inbox';
import { leadView } from './first-view/lead';
import { leadsView } from './first-view/leads';

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
