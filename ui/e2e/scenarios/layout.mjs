/** Layout: a 375 px phone screen never scrolls sideways. */
import { BASE } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert, shot } from '../lib/harness.mjs';

export const scenarios = [
  {
    name: 'phone-width',
    async run({ page, leadUrl }) {
      await page.setViewportSize({ width: 375, height: 780 });
      await page.goto(leadUrl || `${BASE}/leads`);
      await byTestId(page, 'bell').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `page is ${overflow}px wider than a 375px screen`);
      await shot(page, 'phone-lead');
      await page.goto(`${BASE}/leads`);
      await byTestId(page, 'new-lead').waitFor();
      await shot(page, 'phone-leads');
      await page.setViewportSize({ width: 1280, height: 860 });
    },
  },
];
