/**
 * "Send later" from a lead's composer on a 390 px phone, from the keyboard:
 * the clock beside Send opens a time in the business's zone (24-hour,
 * prefilled an hour or so ahead), Enter on Schedule queues the text, the
 * composer empties, the item waits in the lead's scheduled sends and is
 * cancelled there. axe with the picker open in Hebrew and English.
 * Screenshot: send-later-phone (e2e-artifacts/).
 */
import { ARTIFACTS, BASE } from '../lib/config.mjs';
import { axeCheck } from '../lib/axe.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

export const scenarios = [
  {
    name: 'scheduled-send',
    async run({ page, stamp, leadUrl, leadId }) {
      await page.setViewportSize(PHONE);
      await page.goto(leadUrl);
      const composer = byTestId(page, 'whatsapp-text');
      await composer.waitFor();
      const text = `נתראה מחר ${stamp}`;
      await composer.focus();
      await page.keyboard.type(text);
      // The clock beside Send, from the keyboard.
      const toggle = byTestId(page, 'send-later-toggle');
      await toggle.focus();
      await page.keyboard.press('Enter');
      const panel = byTestId(page, 'send-later');
      await panel.waitFor();
      assert((await toggle.getAttribute('aria-expanded')) === 'true', 'the clock does not say it is open');
      const field = byTestId(page, 'send-later-at');
      await field.waitFor();
      // 24-hour: an hours field of two digits and no AM/PM anywhere in the picker.
      const hours = await panel
        .getByRole('spinbutton', { name: 'שעות' })
        .evaluate((e) => e.value || e.getAttribute('aria-valuenow') || e.textContent);
      const shown =
        (await panel.innerText()) + (await panel.locator('input').evaluateAll((l) => l.map((e) => e.value)));
      assert(/^([01]\d|2[0-3])$/.test(hours) && !/AM|PM|לפנה"צ|אחה"צ/i.test(shown), `not a 24-hour time: ${shown}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `the composer is ${overflow}px wider than a phone`);
      await axeCheck(page, 'send later (phone, he)');
      await page.screenshot({ path: `${ARTIFACTS}/send-later-phone-he.png` });
      await byTestId(page, 'send-later-confirm').focus();
      await page.keyboard.press('Enter');
      await byTestId(page, 'send-later-done').waitFor();
      assert((await composer.inputValue()) === '', 'the composer kept the text');
      await panel.waitFor({ state: 'detached' });

      // It waits in the lead's scheduled sends, sent as one with send_at.
      const api = await (await page.request.get(`${BASE}/api/leads/${leadId}/scheduled-messages`)).json();
      const queued = api.items.find((m) => m.text === text);
      assert(queued && queued.status === 'pending', `not queued: ${JSON.stringify(api.items)}`);
      const ahead = (Date.parse(queued.send_at) - Date.now()) / 60_000;
      assert(ahead > 50 && ahead < 80, `queued ${ahead.toFixed(0)} minutes ahead, not about an hour`);
      const section = byTestId(page, 'lead-section-scheduled');
      await section.getByRole('button').first().click();
      const item = section.locator('[data-testid="scheduled-item"]', { hasText: stamp });
      await item.waitFor();
      assert((await item.getAttribute('data-status')) === 'pending', 'the item is not waiting');
      await item.locator('[data-testid="scheduled-cancel"]').click();
      await section.locator('[data-testid="scheduled-item"][data-status="cancelled"]', { hasText: stamp }).waitFor();

      // English, on a desktop: the same control, axe-clean.
      await page.setViewportSize(DESKTOP);
      await byTestId(page, 'lang-en').click();
      await page.waitForFunction(() => document.documentElement.dir === 'ltr');
      await composer.fill(`See you tomorrow ${stamp}`);
      await toggle.click();
      await panel.waitFor();
      await axeCheck(page, 'send later (desktop, en)');
      await byTestId(page, 'send-later-close').click();
      await panel.waitFor({ state: 'detached' });
      await byTestId(page, 'lang-he').click();
      await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    },
  },
];
