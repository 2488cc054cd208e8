/**
 * The installable app and alerts: the web app manifest and its icons, the
 * service worker (registered at load, scope /), a push delivered to it over
 * the DevTools protocol (ServiceWorker.deliverPushMessage) showing a
 * notification that carries the lead's link, and the needs-reply inbox and
 * its navigation badge updating live when a WhatsApp message arrives.
 * (A click on a system notification cannot be driven headless: the worker's
 * notificationclick handler is unit-tested in src/lib/sw.test.ts.)
 */
import { BASE, BRIDGE_SECRET } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { deliverInbound } from '../lib/bridge.mjs';
import { assert, shot } from '../lib/harness.mjs';

/** Width and height from a PNG's IHDR. */
const pngSize = (bytes) => {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  assert(v.getUint32(0) === 0x89504e47, 'not a PNG');
  return [v.getUint32(16), v.getUint32(20)];
};

/** A write from inside the page, with the session's CSRF token. */
async function pageWrite(page, method, path, body) {
  // A fresh test's page is still blank: relative URLs need the app's origin.
  if (!page.url().startsWith(BASE)) await page.goto(`${BASE}/profile`);
  return page.evaluate(
    async ({ method, path, body }) => {
      const { csrfToken } = await (await fetch('/api/auth/csrf', { credentials: 'include' })).json();
      const res = await fetch(path, {
        method,
        credentials: 'include',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, path, body },
  );
}

const badge = async (page, id) => {
  const el = byTestId(page, `${id}-count`);
  return (await el.count()) ? Number(await el.first().innerText()) : 0;
};

export const scenarios = [
  {
    name: 'manifest',
    async run({ page }) {
      await page.goto(`${BASE}/`);
      const href = await page.locator('link[rel="manifest"]').getAttribute('href');
      assert(href === '/manifest.webmanifest', `manifest link is ${href}`);
      const res = await fetch(`${BASE}${href}`);
      assert(res.status === 200, `manifest: HTTP ${res.status}`);
      assert(res.headers.get('content-type')?.startsWith('application/manifest+json'), 'manifest content type');
      const m = await res.json();
      assert(m.name && m.short_name, 'manifest names');
      assert(m.start_url === '/' && m.display === 'standalone', 'start_url / and standalone');
      assert(/^#[0-9a-f]{6}$/i.test(m.theme_color), 'theme colour');
      for (const size of [192, 512]) {
        const icon = m.icons.find((i) => i.sizes === `${size}x${size}` && i.type === 'image/png');
        assert(icon, `no ${size} PNG icon`);
        const r = await fetch(`${BASE}${icon.src}`);
        assert(r.status === 200 && r.headers.get('content-type') === 'image/png', `icon ${icon.src}`);
        const [w, h] = pngSize(new Uint8Array(await r.arrayBuffer()));
        assert(w === size && h === size, `icon ${icon.src} is ${w}x${h}`);
      }
    },
  },
  {
    name: 'service-worker',
    async run({ page }) {
      const sw = await fetch(`${BASE}/sw.js`);
      assert(sw.headers.get('content-type')?.startsWith('text/javascript'), 'sw.js content type');
      assert(sw.headers.get('cache-control') === 'no-cache', `sw.js cache-control ${sw.headers.get('cache-control')}`);
      await page.goto(`${BASE}/`);
      const reg = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.ready;
        return { scope: r.scope, script: r.active?.scriptURL };
      });
      assert(reg.scope === `${BASE}/`, `scope ${reg.scope}`);
      assert(reg.script === `${BASE}/sw.js`, `script ${reg.script}`);
    },
  },
  {
    name: 'push-shows-notification',
    async run({ page, leadUrl }) {
      assert(leadUrl, 'no lead from create-lead');
      const leadPath = new URL(leadUrl).pathname;
      await page.context().grantPermissions(['notifications'], { origin: BASE });
      await page.goto(`${BASE}/`);
      await page.evaluate(() => navigator.serviceWorker.ready);
      const cdp = await page.context().newCDPSession(page);
      const registrationId = new Promise((resolve) =>
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const r = registrations.find((x) => x.scopeURL === `${BASE}/` && !x.isDeleted);
          if (r) resolve(r.registrationId);
        }),
      );
      await cdp.send('ServiceWorker.enable');
      const id = await registrationId;
      const payload = {
        title: 'Reminder: e2e',
        body: 'call back',
        url: leadPath,
        lead_id: 1,
        kind: 'reminder',
        alert_id: 1,
      };
      await cdp.send('ServiceWorker.deliverPushMessage', {
        origin: BASE,
        registrationId: id,
        data: JSON.stringify(payload),
      });
      const shown = await page.waitForFunction(
        async () => {
          const list = await (await navigator.serviceWorker.ready).getNotifications();
          return list.length ? { title: list[0].title, body: list[0].body, data: list[0].data } : false;
        },
        null,
        { timeout: 10_000, polling: 200 },
      );
      const n = await shown.jsonValue();
      assert(n.title === 'Reminder: e2e' && n.body === 'call back', `notification ${JSON.stringify(n)}`);
      assert(n.data?.url === leadPath, `the notification opens ${n.data?.url}, not ${leadPath}`);
      await cdp.detach();
    },
  },
  {
    name: 'profile',
    async run({ page }) {
      await page.goto(`${BASE}/profile`);
      await byTestId(page, 'profile-phone').fill('054-555-0101');
      await byTestId(page, 'profile-whatsapp').check({ force: true });
      await byTestId(page, 'profile-save').click();
      await byTestId(page, 'profile-saved').waitFor();
      const me = await page.evaluate(async () => (await fetch('/api/auth/me', { credentials: 'include' })).json());
      assert(me.user.phone_e164 === '+972545550101', `phone ${me.user.phone_e164}`);
      assert(me.user.notify_whatsapp === true, 'WhatsApp alerts on');
      await shot(page, 'profile');
      // Switched off again: the rest of the run sends no alerts to this made-up number.
      const off = await pageWrite(page, 'PATCH', '/api/auth/me', { notify_whatsapp: false });
      assert(off.status === 200, `PATCH /api/auth/me: ${off.status}`);
    },
  },
  {
    name: 'inbox-live',
    needsBridge: true,
    async run({ page, stamp }) {
      const instance = `e2e-inbox-${stamp}`;
      const set = await pageWrite(page, 'PATCH', '/api/admin/businesses/1', { whatsapp_instance: instance });
      assert(set.status === 200, `set the instance: ${set.status} ${JSON.stringify(set.body)}`);
      await page.goto(`${BASE}/inbox`);
      await byTestId(page, 'nav-inbox').waitFor();
      const before = await badge(page, 'nav-inbox');
      const rowsBefore = await byTestId(page, 'lead-row').count();
      // A new conversation arrives by WhatsApp: the badge and the list follow without a reload.
      const phone = `97252${String(Date.now()).slice(-7)}`;
      const hook = await deliverInbound(BASE, BRIDGE_SECRET, {
        instance,
        phone,
        id: `E2EINBOX${stamp}`,
        pushName: `Inbox ${stamp}`,
        text: 'Is anyone there?',
      });
      assert(hook.status === 200, `webhook: HTTP ${hook.status}`);
      await page.waitForFunction(
        (n) => Number(document.querySelector('[data-testid="nav-inbox-count"]')?.textContent || 0) > n,
        before,
        { timeout: 10_000 },
      );
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="lead-row"]').length > n,
        Math.min(rowsBefore, 24),
        { timeout: 10_000 },
      );
      await byTestId(page, 'lead-row')
        .filter({ hasText: `Inbox ${stamp}` })
        .first()
        .waitFor();
      await shot(page, 'inbox');
    },
  },
];
