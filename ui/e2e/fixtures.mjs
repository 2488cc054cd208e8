/**
 * The fixtures every browser test uses:
 * - `page`: watched; any console error, page error or CSP violation the test
 *   did not expect (`expectConsoleErrors`) fails it;
 * - `signIn(page)`: signs the page's browser in through the API (the cookie
 *   lands in the page's context);
 * - `ctx`: a signed-in page with a fresh lead ({page, stamp, leadUrl, leadId}),
 *   the shape the scenarios in e2e/scenarios/ take;
 * - `bridge`: the fake WhatsApp (Baileys) bridge on FRONTDESK_E2E_BRIDGE_PORT,
 *   one per worker, or null when the run has none;
 * - `axe(page, what)`: WCAG 2.1 A/AA check of the page; any violation fails.
 */
import { test as base, expect } from '@playwright/test';
import { BASE, BRIDGE_PORT, BRIDGE_SECRET, EMAIL, PASSWORD } from './lib/config.mjs';
import { axeCheck } from './lib/axe.mjs';
import { startBridge } from './lib/bridge.mjs';
import { resetExpectedConsoleErrors, watch } from './lib/harness.mjs';

export { expect };

/** Signs the page's browser context in as the e2e user; returns the CSRF token. */
export async function signIn(page, email = EMAIL, password = PASSWORD) {
  const csrf = await (await page.request.get(`${BASE}/api/auth/csrf`)).json();
  const res = await page.request.post(`${BASE}/api/auth/login`, {
    data: { email, password },
    headers: { 'X-CSRFToken': csrf.csrfToken },
  });
  expect(res.status(), `login as ${email}`).toBe(200);
  return (await res.json()).csrfToken;
}

/** A write through the page's context (its cookies), with the CSRF token. */
export async function apiWrite(page, token, method, path, data) {
  const res = await page.request.fetch(`${BASE}${path}`, { method, data, headers: { 'X-CSRFToken': token } });
  const text = await res.text();
  return { status: res.status(), body: text ? JSON.parse(text) : null };
}

const phone = () => `+97252${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

export const test = base.extend({
  page: async ({ page }, use) => {
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(
          `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`,
        );
      });
    });
    const problems = watch(page);
    await use(page);
    resetExpectedConsoleErrors();
    expect(problems, 'console errors, page errors or CSP violations').toEqual([]);
  },
  ctx: async ({ page }, use) => {
    const token = await signIn(page);
    const s = stamp();
    const made = await apiWrite(page, token, 'POST', '/api/leads', {
      first_name: `Lead ${s}`,
      last_name: 'Fixture',
      phone_e164: phone(),
    });
    expect(made.status, `create a lead: ${JSON.stringify(made.body)}`).toBe(201);
    await use({ page, token, stamp: s, leadId: made.body.id, leadUrl: `${BASE}/leads/${made.body.id}`, bridge: null });
  },
  bridge: [
    // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      if (!BRIDGE_PORT || !BRIDGE_SECRET) {
        await use(null);
        return;
      }
      const bridge = await startBridge(BRIDGE_PORT, BRIDGE_SECRET);
      await use(bridge);
      await bridge.close();
    },
    { scope: 'worker' },
  ],
  // eslint-disable-next-line no-empty-pattern
  axe: async ({}, use) => {
    await use(axeCheck);
  },
});

/** One Playwright test per scenario of a scenarios module (e2e/scenarios/*.mjs), in order. */
export function scenarioTests(scenarios, { signedIn = true } = {}) {
  for (const s of scenarios) {
    if (!signedIn) {
      test(s.name, async ({ page }) => s.run({ page, stamp: stamp(), leadUrl: '', bridge: null }));
    } else if (s.needsBridge) {
      test(s.name, async ({ ctx, bridge }) => {
        test.skip(!bridge, 'set FRONTDESK_E2E_BRIDGE_PORT and FRONTDESK_E2E_BRIDGE_SECRET');
        await s.run({ ...ctx, bridge });
      });
    } else {
      test(s.name, async ({ ctx }) => s.run({ ...ctx }));
    }
  }
}
