/** Reminders: one due in ~4 s reaches the bell live (server-sent events), then shows as fired. */
import { byTestId, fillDateTime } from '../lib/browser.mjs';
import { assert, shot } from '../lib/harness.mjs';
import { fetchMe } from '../lib/session.mjs';

/** Wall-clock "YYYY-MM-DD HH:mm:ss" of `date` in `timeZone`. */
function wallTime(date, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

async function unreadCount(page) {
  return Number((await byTestId(page, 'bell').getAttribute('data-unread')) || 0);
}

export const scenarios = [
  {
    name: 'reminder-bell',
    async run({ page, stamp, leadUrl }) {
      assert(leadUrl, 'no lead from create-lead');
      await page.goto(leadUrl);
      await byTestId(page, 'bell').waitFor();
      const me = await fetchMe(page);
      const tz = me?.tenant?.timezone || 'Asia/Jerusalem';
      const before = await unreadCount(page);
      // Due a few seconds after the form is sent: the server refuses a time
      // already past, and filling the form can take seconds on a loaded machine.
      const due = wallTime(new Date(Date.now() + 10_000), tz);
      await fillDateTime(page, 'reminder-due', due);
      await byTestId(page, 'reminder-note').fill(`call back ${stamp}`);
      await byTestId(page, 'reminder-submit').click();
      await page.locator('[data-testid="lead-reminder"]').first().waitFor();
      // The bell updates live (server-sent events): no reload.
      await page.waitForFunction(
        (n) => Number(document.querySelector('[data-testid="bell"]')?.getAttribute('data-unread') || 0) > n,
        before,
        { timeout: 30_000 },
      );
      await byTestId(page, 'bell').click();
      await byTestId(page, 'notification-item').first().waitFor();
      await shot(page, 'bell');
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="lead-reminder"][data-status="fired"]').first().waitFor({ timeout: 10_000 });
    },
  },
];
