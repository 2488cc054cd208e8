#!/usr/bin/env node
/**
 * End-to-end scenarios against a running frontdesk (the real binary serving
 * the embedded UI). Plain ESM, no build step; drives the system Chromium.
 *
 *   FRONTDESK_E2E_BASE=http://127.0.0.1:8080 \
 *   FRONTDESK_E2E_EMAIL=admin@example.com FRONTDESK_E2E_PASSWORD=... \
 *   [CHROMIUM_PATH=/usr/bin/chromium] [E2E_ONLY=login,create-lead] npm run e2e
 *
 * WhatsApp scenarios need the server started with
 * FRONTDESK_BAILEYS_URL=http://127.0.0.1:$P and FRONTDESK_BAILEYS_SECRET=$S,
 * and FRONTDESK_E2E_BRIDGE_PORT=$P FRONTDESK_E2E_BRIDGE_SECRET=$S here: this
 * script then plays the Baileys bridge (Evolution API) on that port. Without
 * them those scenarios are skipped.
 *
 * Prints one line per scenario, saves screenshots into ui/e2e-artifacts/
 * (stale FAIL-*.png removed first), exits non-zero on any failure, console
 * error, CSP violation or page error.
 *
 * Layout: lib/ holds the harness (runner, console watch, screenshots), the
 * browser and its widget helpers, the session look-ups and the fake bridge;
 * scenarios/ one file per area, each exporting its scenarios in order. They
 * share one page and one `ctx` ({page, bridge, stamp, leadUrl}): later
 * scenarios use the lead that create-lead made.
 */
import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE, BRIDGE_PORT, BRIDGE_SECRET, EMAIL, PASSWORD } from './lib/config.mjs';
import { startBridge } from './lib/bridge.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { runScenario, summary } from './lib/harness.mjs';
import * as auth from './scenarios/auth.mjs';
import * as leads from './scenarios/leads.mjs';
import * as reminders from './scenarios/reminders.mjs';
import * as prompts from './scenarios/prompts.mjs';
import * as frontdesk from './scenarios/frontdesk.mjs';
import * as impersonation from './scenarios/impersonation.mjs';
import * as i18n from './scenarios/i18n.mjs';
import * as csrf from './scenarios/csrf.mjs';
import * as whatsapp from './scenarios/whatsapp.mjs';
import * as layout from './scenarios/layout.mjs';
import * as pwa from './scenarios/pwa.mjs';

/** In this order: each group may rely on what the previous ones left (signed in, a lead). */
const GROUPS = [auth, leads, reminders, prompts, frontdesk, impersonation, i18n, csrf, whatsapp, layout, pwa];

if (!BASE || !EMAIL || !PASSWORD) {
  console.error('set FRONTDESK_E2E_BASE, FRONTDESK_E2E_EMAIL and FRONTDESK_E2E_PASSWORD');
  process.exit(2);
}
mkdirSync(ARTIFACTS, { recursive: true });
// Artifacts describe the last run only: drop the failure shots of earlier runs.
for (const f of readdirSync(ARTIFACTS)) {
  if (/^FAIL-.*\.png$/.test(f)) unlinkSync(path.join(ARTIFACTS, f));
}

const bridge = BRIDGE_PORT && BRIDGE_SECRET ? await startBridge(BRIDGE_PORT, BRIDGE_SECRET) : null;
const browser = await launchBrowser();

const ctx = { page: browser.page, bridge, stamp: Date.now().toString(36), leadUrl: '' };
for (const group of GROUPS) {
  for (const scenario of group.scenarios) await runScenario(scenario, ctx);
}

await browser.close();
await bridge?.close();

process.exit(summary());
