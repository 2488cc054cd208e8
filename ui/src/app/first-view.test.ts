import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIRST_VIEW_ID } from '@/config/constants';
import { startEarlyRequests } from './early-requests';
import { drawFirstView, drawSignIn, hasFirstView } from './first-view';
import { handOverFirstView } from './first-view-handover';

const me = { user: { id: 1, role: 'agent' }, tenant: { timezone: 'Asia/Jerusalem' } };
const now = new Date().toISOString();
const lead = (id: number, over: Record<string, unknown> = {}) => ({
  id,
  first_name: 'דנה',
  last_name: 'לוי',
  phone_e164: '+972521234567',
  status: 'new',
  needs_reply: true,
  assignee_user_id: null,
  created_at: now,
  last_activity_at: now,
  last_inbound_at: now,
  last_message: { body: 'אפשר תור מחר?', direction: 'in', is_ai: false, status: null, at: now },
  ...over,
});
const activity = (id: number, kind: string, body: string, message_status: string | null = null) => ({
  id,
  kind,
  body,
  created_at: new Date(Date.now() - (10 - id) * 60_000).toISOString(),
  message_status,
  data: null,
});

function serve(answers: Record<string, unknown>) {
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => {
      const path = url.split('?')[0] ?? url;
      const body = answers[path];
      return Promise.resolve(
        body === undefined
          ? new Response(JSON.stringify({ error: 'not_authenticated' }), { status: 401 })
          : new Response(JSON.stringify(body), { status: 200 }),
      );
    }),
  );
}

const at = (href: string) => new URL(href) as unknown as Location;

beforeEach(() => {
  document.body.innerHTML = '<div id="root"><div class="fd-boot">frontdesk</div></div>';
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('first view', () => {
  it('is drawn for the inbox, the lead list and a lead', () => {
    expect(hasFirstView('/inbox')).toBe(true);
    expect(hasFirstView('/leads/12')).toBe(true);
    expect(hasFirstView('/leads')).toBe(true);
    expect(hasFirstView('/leads/12/x')).toBe(false);
    expect(hasFirstView('/login')).toBe(false);
  });

  it('draws the inbox rows from the early answers and keeps the app unseen', async () => {
    serve({
      '/api/auth/me': me,
      '/api/leads': {
        items: [
          lead(1),
          lead(2, {
            needs_reply: false,
            assignee_user_id: 3,
            last_message: { body: 'נתראה', direction: 'out', is_ai: false, status: 'read', at: now },
          }),
        ],
        total: 2,
        page: 1,
        page_size: 25,
      },
    });
    const location = at('http://x/inbox');
    startEarlyRequests(location);
    expect(await drawFirstView(location, () => false)).toBe(true);
    const view = document.getElementById(FIRST_VIEW_ID);
    expect(view?.getAttribute('aria-busy')).toBe('true');
    const rows = view?.querySelectorAll('a.fd-convo') ?? [];
    expect([...rows].map((r) => r.getAttribute('href'))).toEqual(['/leads/1', '/leads/2']);
    expect(rows[0]?.textContent).toContain('דנה לוי');
    expect(rows[0]?.textContent).toContain('אפשר תור מחר?');
    expect(rows[0]?.querySelector('.fd-fv-badge')).not.toBeNull();
    // Ours, read: who sent it and the blue ticks.
    expect(rows[1]?.textContent).toContain('אתם: ');
    expect(rows[1]?.querySelector('.fd-tick-blue')).not.toBeNull();
    const root = document.getElementById('root');
    expect(root?.classList.contains('fd-app-pending')).toBe(true);
    expect(view?.querySelector('[aria-current="page"]')?.getAttribute('href')).toBe('/inbox');
  });

  it("draws a lead's messages oldest first, ours with their mark", async () => {
    serve({
      '/api/auth/me': me,
      '/api/leads/7': lead(7, { status: 'won' }),
      '/api/leads/7/activities': {
        items: [
          activity(3, 'ai_reply', 'מחר ב-10 פנוי', 'delivered'),
          activity(2, 'note', 'not a message'),
          activity(1, 'message_in', 'שלום'),
        ],
      },
    });
    const location = at('http://x/leads/7');
    startEarlyRequests(location);
    expect(await drawFirstView(location, () => false)).toBe(true);
    const view = document.getElementById(FIRST_VIEW_ID);
    expect(view?.querySelector('h2')?.textContent).toBe('דנה לוי');
    expect(view?.querySelector('a[href="tel:+972521234567"]')).not.toBeNull();
    const bubbles = [...(view?.querySelectorAll('.fd-bubble') ?? [])];
    expect(bubbles.map((b) => b.querySelector('p')?.textContent)).toEqual(['שלום', 'מחר ב-10 פנוי']);
    expect(bubbles[1]?.classList.contains('fd-bubble-out')).toBe(true);
    expect(bubbles[1]?.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('נמסרה');
  });

  it('draws the lead list: a row per lead, the search field with its placeholder', async () => {
    serve({
      '/api/auth/me': me,
      '/api/leads': { items: [lead(4, { tags: ['vip'], source: 'whatsapp' })], total: 1, page: 1, page_size: 25 },
    });
    const location = at('http://x/leads');
    startEarlyRequests(location);
    expect(await drawFirstView(location, () => false)).toBe(true);
    const view = document.getElementById(FIRST_VIEW_ID);
    const cells = [...(view?.querySelectorAll('tbody td') ?? [])].map((td) => td.textContent);
    expect(cells.slice(0, 5)).toEqual(['דנה לוי', '052-123-4567', 'חדש', 'vip', 'וואטסאפ']);
    expect(view?.querySelector('input[type="search"]')?.getAttribute('placeholder')).toBe('שם, טלפון או אימייל');
    expect(document.getElementById('root')?.dataset.readyWhen).toContain('leads-table');
  });

  it('draws the sign-in card at once, waiting for nothing', () => {
    expect(drawSignIn(at('http://x/inbox'))).toBe(false);
    expect(drawSignIn(at('http://x/login'))).toBe(true);
    expect(document.querySelector(`#${FIRST_VIEW_ID} h1`)?.textContent).toBe('frontdesk');
  });

  it('draws nothing when signed out, or when the app started first', async () => {
    serve({});
    const location = at('http://x/inbox');
    startEarlyRequests(location);
    expect(await drawFirstView(location, () => false)).toBe(false);
    serve({ '/api/auth/me': me, '/api/leads': { items: [lead(1)], total: 1, page: 1, page_size: 25 } });
    startEarlyRequests(location);
    expect(await drawFirstView(location, () => true)).toBe(false);
    expect(document.getElementById(FIRST_VIEW_ID)).toBeNull();
    expect(document.getElementById('root')?.classList.contains('fd-app-pending')).toBe(false);
  });

  it("gives way to the app once the app's page is there", async () => {
    serve({ '/api/auth/me': me, '/api/leads': { items: [lead(1)], total: 1, page: 1, page_size: 25 } });
    const location = at('http://x/inbox');
    startEarlyRequests(location);
    await drawFirstView(location, () => false);
    const root = document.getElementById('root') as HTMLElement;
    handOverFirstView(root);
    root.innerHTML = '<div class="mantine-Loader-root"></div>';
    await Promise.resolve();
    expect(document.getElementById(FIRST_VIEW_ID)).not.toBeNull();
    root.innerHTML = '<ul data-testid="conversation-list"></ul>';
    await vi.waitFor(() => expect(document.getElementById(FIRST_VIEW_ID)).toBeNull());
    expect(root.classList.contains('fd-app-pending')).toBe(false);
  });
});
