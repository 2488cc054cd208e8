/**
 * What the scenarios share: the console watch (any console error, CSP
 * violation or page error fails the test it happened in, see
 * e2e/fixtures.mjs), screenshots and a plain assert.
 */
import path from 'node:path';
import { ALLOW_STATUS, ARTIFACTS } from './config.mjs';

/**
 * Console errors the running test expects (e.g. the 403s it provokes).
 * Tests in one worker run one at a time, so one list per worker is enough.
 */
let expected = [];

/**
 * Tolerate, until the current test ends, "Failed to load resource" console
 * errors of these answers: [{status, url?}] (url: a substring).
 * `expectConsoleErrors([])` stops tolerating them earlier.
 */
export function expectConsoleErrors(list) {
  expected = list;
}

export function resetExpectedConsoleErrors() {
  expected = [];
}

function isExpected(text, url) {
  if (ALLOW_STATUS.some((st) => text.includes(`status of ${st}`))) return true;
  return expected.some((e) => text.includes(`status of ${e.status}`) && (!e.url || (url || '').includes(e.url)));
}

/** Collects the page's console errors, page errors and CSP violations into the returned list. */
export function watch(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = msg.location()?.url || '';
    if (/Failed to load resource/.test(text) && isExpected(text, url)) return;
    problems.push(`console error: ${text}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

/** Saves a full-page screenshot as e2e-artifacts/<name>.png. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}
