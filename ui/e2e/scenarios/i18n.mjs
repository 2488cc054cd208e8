/** Languages: Hebrew (rtl) by default, English (ltr) remembered across a reload, and back. */
import { BASE } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert, shot } from '../lib/harness.mjs';

export const scenarios = [
  {
    name: 'language',
    async run({ page }) {
      await page.goto(`${BASE}/leads`);
      await byTestId(page, 'lang-switch').waitFor();
      assert((await page.evaluate(() => document.documentElement.dir)) === 'rtl', 'not rtl at start');
      await byTestId(page, 'lang-en').click();
      await page.waitForFunction(() => document.documentElement.dir === 'ltr');
      assert((await page.evaluate(() => document.documentElement.lang)) === 'en', 'lang is not en');
      await page.reload();
      await byTestId(page, 'lang-switch').waitFor();
      assert((await page.evaluate(() => document.documentElement.dir)) === 'ltr', 'English was not remembered');
      await shot(page, 'leads-en');
      await byTestId(page, 'lang-he').click();
      await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    },
  },
];
