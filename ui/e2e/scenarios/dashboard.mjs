/**
 * The owner's dashboard in Hebrew, on a desktop and a phone: its numbers are
 * the API's, the charts read right to left, nothing overflows a phone, and
 * axe finds nothing. Then two leads with the same email: the lead page lists
 * the duplicate, the merge dialog previews both side by side, and the merge
 * deletes the other. Screenshots: dashboard-desktop-he, dashboard-phone-he,
 * merge-preview (e2e-artifacts/).
 */
import { ARTIFACTS, BASE } from '../lib/config.mjs';
import { axeCheck } from '../lib/axe.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert } from '../lib/harness.mjs';
import { apiWrite } from '../fixtures.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

const viewportShot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
const phone = () => `+97254${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

export const scenarios = [
  {
    name: 'dashboard-he',
    async run({ page }) {
      await page.setViewportSize(DESKTOP);
      await page.goto(`${BASE}/dashboard`);
      await byTestId(page, 'dashboard-leads-by-day').waitFor();
      assert((await page.evaluate(() => document.documentElement.dir)) === 'rtl', 'the page is not right to left');
      const api = await page.evaluate(async () => (await fetch('/api/dashboard')).json());
      const total = Object.values(api.leads_by_source).reduce((a, b) => a + b, 0);
      const shown = (await byTestId(page, 'dashboard-total-leads').innerText()).trim();
      assert(shown === String(total), `the page shows ${shown} new leads, the API ${total}`);
      assert(
        (await byTestId(page, 'dashboard-missed').innerText()).trim() === String(api.calls.missed),
        'missed calls differ from the API',
      );
      // Right to left: the count axis is on the right of the day chart.
      // The count axis's 0 (the only text "0" on a chart whose days are dates) sits on the right.
      const zero = await page.waitForFunction(() => {
        const chart = document.querySelector('[data-testid="dashboard-leads-by-day"] svg.recharts-surface');
        const label = [...(chart?.querySelectorAll('text') ?? [])].find((t) => t.textContent.trim() === '0');
        if (!chart || !label) return null;
        const [c, y] = [chart.getBoundingClientRect(), label.getBoundingClientRect()];
        return { axis: y.left + y.width / 2, middle: c.left + c.width / 2 };
      });
      const sides = await zero.jsonValue();
      assert(sides && sides.axis > sides.middle, `the count axis is not on the right: ${JSON.stringify(sides)}`);
      await axeCheck(page, 'the dashboard (desktop, he)');
      await viewportShot(page, 'dashboard-desktop-he');
      // Another range: the request and the line follow.
      await byTestId(page, 'dashboard-preset').getByText('7 הימים האחרונים').click();
      await page.waitForFunction(() => {
        const line = document.querySelector('[data-testid="dashboard-range"]')?.textContent || '';
        const [from, to] = line.match(/\d{4}-\d{2}-\d{2}/g) || [];
        return from && to && (Date.parse(to) - Date.parse(from)) / 86_400_000 === 6;
      });

      await page.setViewportSize(PHONE);
      await page.goto(`${BASE}/dashboard`);
      await byTestId(page, 'dashboard-appointments').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `the dashboard is ${overflow}px wider than a phone`);
      await axeCheck(page, 'the dashboard (phone, he)');
      await viewportShot(page, 'dashboard-phone-he');
    },
  },
  {
    name: 'merge-duplicates',
    async run({ page, token, stamp }) {
      await page.setViewportSize(DESKTOP);
      const email = `dup-${stamp}@example.com`;
      const make = async (first, mail) => {
        const r = await apiWrite(page, token, 'POST', '/api/leads', {
          first_name: first,
          phone_e164: phone(),
          email: mail,
          source: 'manual',
        });
        assert(r.status === 201, `create a lead: ${JSON.stringify(r.body)}`);
        return r.body;
      };
      const keep = await make(`דנה ${stamp}`, email);
      const other = await make(`דנה לוי ${stamp}`, email.toUpperCase());
      await page.goto(`${BASE}/leads/${keep.id}`);
      const dup = byTestId(page, 'duplicate');
      await dup.waitFor();
      await byTestId(page, 'merge-open').click();
      const preview = byTestId(page, 'merge-preview');
      await preview.waitFor();
      assert((await preview.innerText()).includes(other.phone_e164), 'the preview does not show the other lead');
      await axeCheck(page, 'the merge preview');
      await page.screenshot({ path: `${ARTIFACTS}/merge-preview.png` });
      await byTestId(page, 'merge-confirm').click();
      await byTestId(page, 'merge-preview').waitFor({ state: 'detached' });
      const gone = await page.request.get(`${BASE}/api/leads/${other.id}`);
      assert(gone.status() === 404, `the other lead answers ${gone.status()}`);
      const kinds = (await (await page.request.get(`${BASE}/api/leads/${keep.id}/activities`)).json()).items.map(
        (a) => a.kind,
      );
      assert(kinds.includes('merged'), `no merged activity: ${kinds}`);
    },
  },
];
