/** CSRF: both tries of a write carry a bogus X-CSRFToken; the server's hint (naming the header) is shown. */
import { byTestId } from '../lib/browser.mjs';
import { assert, expectConsoleErrors, shot } from '../lib/harness.mjs';

export const scenarios = [
  {
    name: 'csrf-hint',
    async run({ page, leadUrl }) {
      assert(leadUrl, 'no lead from create-lead');
      await page.goto(leadUrl);
      expectConsoleErrors([{ status: 403, url: '/activities' }]);
      let attempts = 0;
      const pattern = '**/api/leads/*/activities';
      await page.route(pattern, async (route) => {
        const req = route.request();
        if (req.method() !== 'POST') return route.continue();
        attempts++;
        await route.continue({ headers: { ...req.headers(), 'x-csrftoken': 'bogus-token' } });
      });
      try {
        await byTestId(page, 'note-body').fill('this note will be refused');
        await byTestId(page, 'note-submit').click();
        // The server's message and its hint (which names the header) are shown.
        await byTestId(page, 'error-hint').filter({ hasText: 'X-CSRFToken' }).first().waitFor();
        assert(attempts === 2, `expected one retry (2 attempts), saw ${attempts}`);
        await shot(page, 'csrf-hint');
      } finally {
        await page.unroute(pattern);
      }
    },
  },
];
