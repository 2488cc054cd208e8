import { describe, expect, it, vi } from 'vitest';
import swSource from '../../public/sw.js?raw';

/**
 * public/sw.js run against a fake service-worker global: its push handler
 * shows the payload's notification, and its notificationclick handler opens
 * (or focuses) the lead. Headless Chromium cannot click a system
 * notification, so the click is proven here; the e2e test proves the push.
 */
type Handler = (event: Record<string, unknown>) => void;

function loadWorker(
  windows: { url: string; focus: () => Promise<unknown>; navigate?: (u: string) => Promise<unknown> }[],
) {
  const handlers: Record<string, Handler> = {};
  const shown: { title: string; options: Record<string, unknown> }[] = [];
  const self = {
    location: { origin: 'https://crm.example.com' },
    addEventListener: (name: string, fn: Handler) => (handlers[name] = fn),
    skipWaiting: vi.fn(),
    registration: {
      showNotification: vi.fn((title: string, options: Record<string, unknown>) => {
        shown.push({ title, options });
        return Promise.resolve();
      }),
    },
    clients: {
      claim: vi.fn(() => Promise.resolve()),
      matchAll: vi.fn(() => Promise.resolve(windows)),
      openWindow: vi.fn(() => Promise.resolve(null)),
    },
  };
  new Function('self', swSource)(self);
  return { self, handlers, shown };
}

async function dispatch(handlers: Record<string, Handler>, name: string, event: Record<string, unknown>) {
  let waited: Promise<unknown> = Promise.resolve();
  handlers[name]!({ ...event, waitUntil: (p: Promise<unknown>) => (waited = p) });
  await waited;
}

describe('service worker', () => {
  it('shows a push as a notification that remembers the lead', async () => {
    const { handlers, shown } = loadWorker([]);
    const payload = {
      title: 'Reminder: Dana',
      body: '+972521234567\ncall back',
      url: '/leads/7',
      lead_id: 7,
      alert_id: 3,
    };
    await dispatch(handlers, 'push', { data: { json: () => payload, text: () => JSON.stringify(payload) } });
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toBe('Reminder: Dana');
    expect(shown[0]!.options.body).toBe('+972521234567\ncall back');
    expect(shown[0]!.options.data).toEqual({ url: '/leads/7', lead_id: 7 });
    expect(shown[0]!.options.tag).toBe('alert-3');
  });

  it('never follows a link off the site', async () => {
    const { handlers, shown } = loadWorker([]);
    const payload = { title: 'x', url: '//evil.example/leads/7' };
    await dispatch(handlers, 'push', { data: { json: () => payload, text: () => '' } });
    expect(shown[0]!.options.data).toEqual({ url: '/', lead_id: null });
  });

  it('a click opens the lead in a new window when none is open', async () => {
    const { self, handlers } = loadWorker([]);
    const close = vi.fn();
    await dispatch(handlers, 'notificationclick', { notification: { close, data: { url: '/leads/7', lead_id: 7 } } });
    expect(close).toHaveBeenCalled();
    expect(self.clients.openWindow).toHaveBeenCalledWith('https://crm.example.com/leads/7');
  });

  it('a click takes an open window of the app to the lead', async () => {
    const focus = vi.fn(() => Promise.resolve());
    const navigate = vi.fn(() => Promise.resolve(undefined));
    const { self, handlers } = loadWorker([{ url: 'https://crm.example.com/leads', focus, navigate }]);
    await dispatch(handlers, 'notificationclick', { notification: { close: vi.fn(), data: { url: '/leads/9' } } });
    expect(navigate).toHaveBeenCalledWith('https://crm.example.com/leads/9');
    expect(focus).toHaveBeenCalled();
    expect(self.clients.openWindow).not.toHaveBeenCalled();
  });
});
