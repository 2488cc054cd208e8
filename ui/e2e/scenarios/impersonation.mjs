/** The platform admin acts inside business #1 (the banner on every page), then exits through the banner. */
import { BASE } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert, shot } from '../lib/harness.mjs';
import { fetchMe } from '../lib/session.mjs';

export const scenarios = [
  {
    name: 'impersonate',
    async run({ page }) {
      await page.goto(`${BASE}/admin/businesses`);
      await byTestId(page, 'impersonate-1').click();
      await byTestId(page, 'impersonation-banner').waitFor();
      await page.waitForURL(/\/leads/);
      // The banner stays on every page.
      await page.goto(`${BASE}/reminders`);
      await byTestId(page, 'impersonation-banner').waitFor();
      await shot(page, 'impersonating');
      await byTestId(page, 'impersonation-exit').click();
      await byTestId(page, 'impersonation-banner').waitFor({ state: 'detached' });
      await page.waitForURL(/\/admin\/businesses/);
      const me = await fetchMe(page);
      assert(me.impersonating === false && me.user.role === 'system_admin', `after exit: ${JSON.stringify(me)}`);
    },
  },
];
