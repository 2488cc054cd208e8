/**
 * Leads: create one (later scenarios use it, through `ctx.leadUrl`), find it,
 * change its status; import a CSV file and export the list.
 */
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
  {
    name: 'import-csv',
    async run({ page, stamp }) {
      const tag = `csv${stamp}`;
      const local = `052-${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      // Row 1: a Hebrew name and a local phone; row 2: a phone that is no phone.
      const csv = `first_name,last_name,phone,notes\nיעל,${tag},${local},מיובא\nשגוי,${tag},12,\n`;
      await page.goto(`${BASE}/leads`);
      // The list, filtered to this file's leads: empty until the import.
      await byTestId(page, 'leads-search').fill(tag);
      await byTestId(page, 'leads-empty').waitFor();

      await byTestId(page, 'import-csv').click();
      await page
        .locator('[data-testid="import-form"] input[type="file"]')
        .setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      const preview = page.locator('[data-testid="import-summary"][data-dry-run="true"]');
      await preview.waitFor();
      const count = async (root, id) => Number(await root.locator(`[data-testid="${id}"]`).getAttribute('data-value'));
      assert((await count(preview, 'import-rows')) === 2, 'the preview counts 2 rows');
      assert((await count(preview, 'import-created')) === 1, 'the preview would create 1 lead');
      assert((await count(preview, 'import-invalid')) === 1, 'the preview lists 1 invalid row');
      const bad = preview.locator('[data-testid="import-invalid-row"]');
      assert((await bad.count()) === 1, `invalid entries: ${await bad.count()}`);
      assert((await bad.getAttribute('data-row')) === '2', `invalid row number: ${await bad.getAttribute('data-row')}`);
      assert(
        (await bad.getAttribute('data-field')) === 'phone',
        `invalid field: ${await bad.getAttribute('data-field')}`,
      );
      await shot(page, 'import-preview');

      await byTestId(page, 'import-submit').click();
      const done = page.locator('[data-testid="import-summary"][data-dry-run="false"]');
      await done.waitFor();
      assert((await count(done, 'import-created')) === 1, 'the import created 1 lead');
      await shot(page, 'import-done');
      await byTestId(page, 'import-close').click();

      // The list refreshed by itself: the new lead is there, its phone in the business's format.
      const row = page.locator('[data-testid="lead-row"]', { hasText: 'יעל' });
      await row.waitFor();
      const e164 = `+972${local.replace(/\D/g, '').slice(1)}`;
      const lead = await page.evaluate(
        async (q) =>
          (await (await fetch(`/api/leads?q=${encodeURIComponent(q)}`, { credentials: 'include' })).json()).items,
        tag,
      );
      assert(lead.length === 1 && lead[0].phone_e164 === e164, `imported: ${JSON.stringify(lead)}`);

      // Export with the same filter: the link carries it, the file holds the lead.
      const href = await byTestId(page, 'export-csv').getAttribute('href');
      assert(href?.includes(`q=${tag}`), `export link: ${href}`);
      const exported = await page.evaluate(async (url) => (await fetch(url, { credentials: 'include' })).text(), href);
      assert(exported.includes('יעל') && exported.includes(e164), `exported: ${exported.slice(0, 300)}`);
    },
  },
];
