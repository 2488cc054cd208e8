/**
 * The AI front desk: the business's opening hours (Friday changed and saved,
 * then read back from the API), a tag on a lead (seen in the list and its
 * filter), and the AI paused and resumed on a lead (the state and the
 * timeline entries). Uses the lead that create-lead made.
 */
import { BASE } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert, shot } from '../lib/harness.mjs';
import { leadFromPage } from '../lib/session.mjs';

/** GET /api/business/current as the page's session. */
const currentBusiness = (page) =>
  page.evaluate(async () => (await fetch('/api/business/current', { credentials: 'include' })).json());

export const scenarios = [
  {
    name: 'business-hours',
    async run({ page }) {
      await page.goto(`${BASE}/settings`);
      await byTestId(page, 'hours-form').waitFor();
      await byTestId(page, 'open-status').waitFor();
      const fri = byTestId(page, 'hours-day-fri');
      if ((await fri.getAttribute('data-open')) !== 'true') {
        await fri.locator('label').first().click();
        await byTestId(page, 'hours-from-fri-0').waitFor();
      }
      // Something other than what is saved, so there is a change to save.
      const before = await currentBusiness(page);
      const to = JSON.stringify(before.business_hours.fri) === JSON.stringify([['08:00', '14:30']]) ? '15:00' : '14:30';
      await byTestId(page, 'hours-from-fri-0').fill('08:00');
      await byTestId(page, 'hours-to-fri-0').fill(to);
      // Only one interval on Friday.
      while ((await page.locator('[data-testid^="hours-remove-fri-"]').count()) > 1) {
        await byTestId(page, 'hours-remove-fri-1').click();
      }
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/business/current') && r.request().method() === 'PATCH'),
        byTestId(page, 'hours-save').click(),
      ]);
      assert(response.status() === 200, `PATCH business answered ${response.status()}: ${await response.text()}`);
      const sent = JSON.parse(response.request().postData() || '{}');
      assert(Object.keys(sent).sort().join(',') === 'business_hours,holidays', `PATCH body keys: ${Object.keys(sent)}`);
      const after = await currentBusiness(page);
      assert(
        JSON.stringify(after.business_hours.fri) === JSON.stringify([['08:00', to]]),
        `Friday is ${JSON.stringify(after.business_hours.fri)}`,
      );
      // The other days are as they were.
      for (const day of ['sun', 'mon', 'tue', 'wed', 'thu', 'sat']) {
        assert(
          JSON.stringify(after.business_hours[day]) === JSON.stringify(before.business_hours[day]),
          `${day} changed: ${JSON.stringify(before.business_hours[day])} -> ${JSON.stringify(after.business_hours[day])}`,
        );
      }
      assert(typeof after.open_now === 'boolean', `open_now is ${after.open_now}`);
      const open = await byTestId(page, 'open-status').getAttribute('data-open');
      assert(open === String(after.open_now), `the page says open=${open}, the API open_now=${after.open_now}`);
      // Saved: nothing left to save, and it survives a reload.
      await page.reload();
      await byTestId(page, 'hours-to-fri-0').waitFor();
      assert((await byTestId(page, 'hours-to-fri-0').inputValue()) === to, 'Friday did not persist on the page');
      await shot(page, 'settings-hours');
    },
  },
  {
    name: 'lead-tags',
    async run({ page, stamp, leadUrl }) {
      assert(leadUrl, 'no lead from create-lead');
      const tag = `e2e-${stamp}`;
      await page.goto(leadUrl);
      await byTestId(page, 'lead-tags').waitFor();
      await byTestId(page, 'tag-input').fill(`  ${tag} `);
      const [response] = await Promise.all([
        page.waitForResponse((r) => /\/api\/leads\/\d+$/.test(r.url()) && r.request().method() === 'PATCH'),
        byTestId(page, 'tag-add').click(),
      ]);
      assert(response.status() === 200, `PATCH lead answered ${response.status()}`);
      await page.locator(`[data-testid="tag-chip"][data-tag="${tag}"]`).waitFor();
      const lead = await leadFromPage(page);
      assert(lead.tags.includes(tag), `the lead's tags are ${JSON.stringify(lead.tags)}`);

      // The list shows it on the lead's row, and the tag filter (URL ?tag=) finds the lead only.
      await page.goto(`${BASE}/leads`);
      await byTestId(page, 'filter-tag').fill(tag);
      await page.waitForURL((u) => new URL(u).searchParams.get('tag') === tag);
      const row = page.locator(`[data-testid="lead-row"][data-lead-id="${lead.id}"]`);
      await row.locator(`[data-testid="row-tag"][data-tag="${tag}"]`).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="lead-row"]').length === 1);
      await shot(page, 'leads-tag-filter');
      // Straight from the URL too.
      await page.goto(`${BASE}/leads?tag=${encodeURIComponent(tag)}`);
      await row.waitFor();
      assert((await byTestId(page, 'filter-tag').inputValue()) === tag, 'the filter field does not show ?tag=');
    },
  },
  {
    name: 'ai-pause-resume',
    async run({ page, leadUrl }) {
      assert(leadUrl, 'no lead from create-lead');
      await page.goto(leadUrl);
      const state = byTestId(page, 'ai-state');
      await state.waitFor();
      if ((await state.getAttribute('data-state')) === 'paused') {
        await byTestId(page, 'ai-resume').click();
        await page.locator('[data-testid="ai-state"][data-state="answering"]').waitFor();
      }
      const pausedBefore = await page.locator('[data-testid="activity"][data-kind="ai_paused"]').count();
      const resumedBefore = await page.locator('[data-testid="activity"][data-kind="ai_resumed"]').count();
      await byTestId(page, 'ai-pause-hours').fill('2');
      const [response] = await Promise.all([
        page.waitForResponse((r) => /\/api\/leads\/\d+\/ai$/.test(r.url()) && r.request().method() === 'POST'),
        byTestId(page, 'ai-pause').click(),
      ]);
      assert(response.status() === 200, `POST ai answered ${response.status()}`);
      const sent = JSON.parse(response.request().postData() || '{}');
      assert(sent.paused === true && sent.hours === 2, `POST ai body: ${JSON.stringify(sent)}`);
      await page.locator('[data-testid="ai-state"][data-state="paused"]').waitFor();
      const lead = await leadFromPage(page);
      const left = Date.parse(lead.ai_paused_until) - Date.now();
      assert(left > 100 * 60_000 && left <= 120 * 60_000 + 5_000, `paused until ${lead.ai_paused_until}`);
      // The state shows the end of the pause in local time (Hebrew page).
      const text = (await state.textContent()) || '';
      assert(text.includes('מושהה'), `the paused state reads "${text}"`);
      assert((await state.locator('time').getAttribute('datetime')) === lead.ai_paused_until, 'the pause end differs');
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="activity"][data-kind="ai_paused"]').length === n + 1,
        pausedBefore,
      );
      await shot(page, 'lead-ai-paused');

      await byTestId(page, 'ai-resume').click();
      await page.locator('[data-testid="ai-state"][data-state="answering"]').waitFor();
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="activity"][data-kind="ai_resumed"]').length === n + 1,
        resumedBefore,
      );
      const resumed = await leadFromPage(page);
      assert(resumed.ai_paused_until === null, `still paused until ${resumed.ai_paused_until}`);
      // Newest first: the resume above the pause.
      const kinds = await page
        .locator('[data-testid="activity"]')
        .evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute('data-kind')));
      assert(kinds.join(',') === 'ai_resumed,ai_paused', `timeline starts with ${kinds}`);
      await shot(page, 'lead-ai-resumed');
    },
  },
];
