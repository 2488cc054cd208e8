/** The headless Chromium the scenarios drive, and helpers for Mantine's widgets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, TIMEOUT } from './config.mjs';
import { watch } from './harness.mjs';

/**
 * One persistent context on a fresh profile (Hebrew locale, desktop size) and
 * its page, watched for console errors, page errors and CSP violations.
 * `close()` closes the browser and removes the profile.
 */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'frontdesk-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 860 },
    locale: 'he-IL',
  });
  context.setDefaultTimeout(TIMEOUT);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(
        `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`,
      );
    });
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}

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
