/**
 * WCAG 2.1 A and AA (axe-core): every page, in Hebrew and English, on a
 * desktop (1280x800) and a phone (390x844), finds no violation. The lead
 * page with messages is checked again in whatsapp.spec.mjs (chat bubbles
 * need the fake bridge).
 */
import { BASE } from '../lib/config.mjs';
import { apiWrite, expect, signIn, test } from '../fixtures.mjs';
import { axeViolations } from '../lib/axe.mjs';
import { expectConsoleErrors } from '../lib/harness.mjs';

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const PAGES = [
  '/inbox',
  '/inbox?tab=all',
  '/leads',
  'LEAD',
  '/reminders',
  '/calendar',
  '/settings',
  '/settings/replies',
  '/users',
  '/audit',
  '/profile',
  '/admin/businesses',
  '/admin/audit',
  '/no-such-page',
];

/** Waits until the page has drawn its data (no loader left); its violations, each naming the page. */
async function check(page, path, what) {
  await page.goto(`${BASE}${path}`);
  await page.locator('main h2, main h1, form').first().waitFor();
  await expect(page.locator('.mantine-Loader-root')).toHaveCount(0);
  return (await axeViolations(page)).map((v) => `${what}: ${v}`);
}

test.describe.configure({ mode: 'parallel' });

for (const lang of ['he', 'en']) {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    test(`axe: every page, ${lang}, ${size}`, async ({ page }) => {
      const found = [];
      await page.setViewportSize(viewport);
      await page.addInitScript((l) => window.localStorage.setItem('frontdesk.lang', l), lang);
      // Signed out: the sign-in page (its bootstrap 401 is expected).
      expectConsoleErrors([{ status: 401, url: '/api/auth/me' }]);
      await page.goto(`${BASE}/login`);
      await page.locator('form').first().waitFor();
      found.push(...(await axeViolations(page)).map((v) => `/login (${lang}, ${size}): ${v}`));
      expectConsoleErrors([]);
      const token = await signIn(page);
      const lead = await apiWrite(page, token, 'POST', '/api/leads', {
        first_name: `Axe ${lang} ${size}`,
        last_name: 'בדיקה',
        phone_e164: `+97254${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      });
      expect(lead.status).toBe(201);
      for (const p of PAGES) {
        const path = p === 'LEAD' ? `/leads/${lead.body.id}` : p;
        found.push(...(await check(page, path, `${path} (${lang}, ${size})`)));
      }
      expect(found, 'WCAG 2.1 A/AA violations').toEqual([]);
    });
  }
}
