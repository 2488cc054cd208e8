/** Leads: create one (later scenarios use it, through `ctx.leadUrl`), find it, change its status. */
import { BASE } from '../lib/config.mjs';
import { byTestId, pickOption } from '../lib/browser.mjs';
import { assert, shot } from '../lib/harness.mjs';

export const scenarios = [
  {
    name: 'create-lead',
    async run(ctx) {
      const { page, stamp } = ctx;
      await page.goto(`${BASE}/leads`);
      await byTestId(page, 'new-lead').click();
      const phone = `05${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
      await byTestId(page, 'lead-first-name').fill(`E2E ${stamp}`);
      await byTestId(page, 'lead-last-name').fill('Playwright');
      await byTestId(page, 'lead-phone').fill(phone);
      await shot(page, 'new-lead-form');
      await byTestId(page, 'lead-submit').click();
      await page.waitForURL(/\/leads\/\d+$/);
      ctx.leadUrl = page.url();
      const title = await byTestId(page, 'lead-title').textContent();
      assert(title?.includes(`E2E ${stamp}`), `lead title is ${title}`);
      await byTestId(page, 'activity').first().waitFor();
      // The list shows it too, and search finds it.
      await page.goto(`${BASE}/leads`);
      await byTestId(page, 'leads-search').fill(stamp);
      await page.locator('[data-testid="lead-row"]', { hasText: `E2E ${stamp}` }).waitFor();
    },
  },
  {
    name: 'change-status',
    async run({ page, leadUrl }) {
      assert(leadUrl, 'no lead from create-lead');
      await page.goto(leadUrl);
      await pickOption(page, 'status-select', 'contacted');
      await byTestId(page, 'status-note').fill('called back');
      await byTestId(page, 'status-submit').click();
      await page.locator('[data-testid="lead-status-badge"][data-status="contacted"]').waitFor();
      await page.locator('[data-testid="activity"][data-kind="status_change"]').first().waitFor();
      await shot(page, 'lead-detail');
    },
  },
];
