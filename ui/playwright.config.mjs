/**
 * Browser tests (@playwright/test) against a running frontdesk serving the
 * embedded UI; tests/api/ui.rs starts the binary (and gives the fake
 * WhatsApp bridge a port) and runs `npx playwright test`. Debian's Chromium,
 * never a downloaded browser. See ui/README.md.
 */
import { mkdirSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { ARTIFACTS, BASE, CHROMIUM, EMAIL, PASSWORD, TIMEOUT } from './e2e/lib/config.mjs';

if (!BASE || !EMAIL || !PASSWORD) {
  throw new Error('set FRONTDESK_E2E_BASE, FRONTDESK_E2E_EMAIL and FRONTDESK_E2E_PASSWORD');
}
mkdirSync(ARTIFACTS, { recursive: true });

export default defineConfig({
  testDir: './e2e/tests',
  testMatch: /.*\.spec\.mjs$/,
  // Files run in parallel; the tests of one file in order (some share a setting).
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: TIMEOUT },
  outputDir: 'test-results',
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: BASE,
    locale: 'he-IL',
    timezoneId: 'Asia/Jerusalem',
    viewport: { width: 1280, height: 860 },
    actionTimeout: TIMEOUT,
    navigationTimeout: TIMEOUT,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
});
