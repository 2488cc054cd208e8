/**
 * The scenario runner: one line per scenario (`ok   name (N ms)`, `FAIL name:
 * why`, `skip name: why`), a screenshot on failure, and any console error,
 * CSP violation or page error failing the scenario it happened in.
 */
import path from 'node:path';
import { ALLOW_STATUS, ARTIFACTS, ONLY } from './config.mjs';

/** Console errors the current scenario expects (e.g. the 403s it provokes). */
let expected = [];
const problems = [];
const results = [];

/**
 * Tolerate, until the current scenario ends, "Failed to load resource"
 * console errors of these answers: [{status, url?}] (url: a substring).
 * `expectConsoleErrors([])` stops tolerating them earlier.
 */
export function expectConsoleErrors(list) {
  expected = list;
}

function isExpected(text, url) {
  if (ALLOW_STATUS.some((st) => text.includes(`status of ${st}`))) return true;
  return expected.some((e) => text.includes(`status of ${e.status}`) && (!e.url || (url || '').includes(e.url)));
}

/** Collects the page's console errors and page errors as problems of the running scenario. */
export function watch(page) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = msg.location()?.url || '';
    if (/Failed to load resource/.test(text) && isExpected(text, url)) return;
    problems.push(`console error: ${text}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
}

/**
 * Runs one scenario ({name, run(ctx), needsBridge?}) against `ctx` ({page,
 * bridge, ...}), unless E2E_ONLY leaves it out; skips it when it needs the
 * fake bridge and there is none.
 */
export async function runScenario({ name, run, needsBridge = false }, ctx) {
  if (ONLY.length && !ONLY.includes(name)) return;
  if (needsBridge && !ctx.bridge) {
    results.push({ name, ok: true, skipped: true });
    console.log(
      `skip ${name}: set FRONTDESK_E2E_BRIDGE_PORT and FRONTDESK_E2E_BRIDGE_SECRET (and start the server with FRONTDESK_BAILEYS_URL/SECRET)`,
    );
    return;
  }
  const started = Date.now();
  const before = problems.length;
  try {
    await run(ctx);
    const fresh = problems.slice(before);
    if (fresh.length) throw new Error(fresh.join('\n    '));
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : e}`);
    await shot(ctx.page, `FAIL-${name}`).catch(() => {});
  } finally {
    expected = [];
  }
}

/** Prints `N passed, M failed[, K skipped]`; the exit code: 1 on any failure or when nothing passed. */
export function summary() {
  const failed = results.filter((r) => !r.ok).length;
  const skipped = results.filter((r) => r.skipped).length;
  const passed = results.length - failed - skipped;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed || passed === 0 ? 1 : 0;
}

/** Saves a full-page screenshot as e2e-artifacts/<name>.png. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}
