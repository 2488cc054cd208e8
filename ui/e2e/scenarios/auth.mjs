/** Signing in: the redirect to /login, the defaults of a signed-out page, the form. */
import { BASE, EMAIL, PASSWORD } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert, expectConsoleErrors, shot } from '../lib/harness.mjs';

export const scenarios = [
  {
    name: 'login',
    async run({ page }) {
      // Signed out, the bootstrap `me` answers 401: expected, nothing else is.
      expectConsoleErrors([{ status: 401, url: '/api/auth/me' }]);
      await page.goto(`${BASE}/leads`);
      await page.waitForURL(/\/login/);
      assert((await page.evaluate(() => document.documentElement.dir)) === 'rtl', 'default direction is not rtl');
      const build = await page.locator('meta[name="frontdesk-build"]').getAttribute('content');
      assert(build && build !== '__FRONTDESK_BUILD__', `build id was not filled in (${build})`);
      await byTestId(page, 'login-email').waitFor();
      await shot(page, 'login');
      await byTestId(page, 'login-email').fill(EMAIL);
      await byTestId(page, 'login-password').fill(PASSWORD);
      await byTestId(page, 'login-submit').click();
      await page.waitForURL(/\/leads(\?|$)/);
      await byTestId(page, 'user-menu').waitFor();
      await byTestId(page, 'leads-table').or(byTestId(page, 'leads-empty')).first().waitFor();
      await shot(page, 'leads');
    },
  },
];
