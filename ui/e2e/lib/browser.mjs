/** Helpers for Mantine's widgets. */
import { TIMEOUT } from './config.mjs';

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

/** Pick `value` in a Mantine Select whose input carries data-testid=`testId`. */
export async function pickOption(page, testId, value) {
  await byTestId(page, testId).click();
  const option = page.locator(`[role="option"][value="${value}"]:visible`).first();
  await option.waitFor({ timeout: TIMEOUT });
  await option.click();
}

/** Fill a Mantine MaskedDateInput by pasting "YYYY-MM-DD HH:mm:ss" into its first field. */
export async function fillDateTime(page, testId, value) {
  const root = byTestId(page, testId);
  const first = root.locator('input').first();
  await first.click();
  await first.evaluate((el, v) => {
    const dt = new DataTransfer();
    dt.setData('text', v);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, value);
}
