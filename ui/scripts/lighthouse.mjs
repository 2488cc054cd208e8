/**
 * Lighthouse 12 (mobile defaults: simulated slow 4G, 4x CPU slowdown) on the
 * signed-in pages a phone opens first, against a running server:
 *
 *   FRONTDESK_LH_BASE=http://127.0.0.1:8080 FRONTDESK_LH_EMAIL=... \
 *   FRONTDESK_LH_PASSWORD=... npm run lighthouse [-- out.json]
 *
 * Runs through the Node API on a page that has signed in: a Cookie passed as
 * an extra header would be replaced by the one the page sets. Each page is a
 * cold load (Lighthouse clears the cache, not the cookies). Writes
 * performance, LCP, FCP, TBT and bytes transferred per page to a JSON file
 * (default `lighthouse-results.json`, git-ignored) and prints them.
 */
import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const BASE = (process.env.FRONTDESK_LH_BASE || '').replace(/\/+$/, '');
const EMAIL = process.env.FRONTDESK_LH_EMAIL || '';
const PASSWORD = process.env.FRONTDESK_LH_PASSWORD || '';
const OUT = process.argv[2] || 'lighthouse-results.json';
if (!BASE || !EMAIL || !PASSWORD) {
  console.error('set FRONTDESK_LH_BASE, FRONTDESK_LH_EMAIL and FRONTDESK_LH_PASSWORD');
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
});
const page = await browser.newPage();

/** Signs in through the API from inside the page, so the browser keeps the session cookie. */
async function signIn() {
  await page.goto(`${BASE}/login`, { waitUntil: 'load' });
  return page.evaluate(
    async ({ email, password }) => {
      const csrf = await (await fetch('/api/auth/csrf', { credentials: 'include' })).json();
      const res = await fetch('/api/auth/login', {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf.csrfToken },
        body: JSON.stringify({ email, password }),
      });
      if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      const { csrfToken } = await res.json();
      const leads = await (await fetch('/api/leads?per_page=1', { credentials: 'include' })).json();
      if (leads.items?.length) return leads.items[0].id;
      const made = await fetch('/api/leads', {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken },
        body: JSON.stringify({ first_name: 'Dana', last_name: 'Levi', phone_e164: '+972521234567' }),
      });
      if (!made.ok) throw new Error(`creating a lead failed: ${made.status} ${await made.text()}`);
      return (await made.json()).id;
    },
    { email: EMAIL, password: PASSWORD },
  );
}

async function audit(url) {
  const { lhr } = await lighthouse(
    url,
    { logLevel: 'error', output: 'json', onlyCategories: ['performance'] },
    undefined,
    page,
  );
  const num = (id) => lhr.audits[id]?.numericValue ?? null;
  // LH_FULL=dir keeps each page's whole report, for looking into one number.
  if (process.env.LH_FULL)
    writeFileSync(`${process.env.LH_FULL}/${new URL(url).pathname.replace(/\W+/g, '_')}.json`, JSON.stringify(lhr));
  return {
    url: lhr.finalDisplayedUrl,
    performance: Math.round((lhr.categories.performance.score ?? 0) * 100),
    lcp_ms: Math.round(num('largest-contentful-paint')),
    fcp_ms: Math.round(num('first-contentful-paint')),
    tbt_ms: Math.round(num('total-blocking-time')),
    cls: Number((num('cumulative-layout-shift') ?? 0).toFixed(3)),
    speed_index_ms: Math.round(num('speed-index')),
    transferred_kib: Math.round(num('total-byte-weight') / 1024),
  };
}

const results = {};
// /login first, while signed out; then the signed-in pages.
results['/login'] = await audit(`${BASE}/login`);
const leadId = await signIn();
for (const path of ['/inbox', '/leads', `/leads/${leadId}`]) {
  results[path.startsWith('/leads/') ? '/leads/:id' : path] = await audit(`${BASE}${path}`);
}
await browser.close();

const report = { lighthouse: '12.2.3', form_factor: 'mobile', throttling: 'simulated slow 4G, 4x CPU', pages: results };
writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
for (const [path, r] of Object.entries(results)) {
  console.log(
    `${path.padEnd(12)} performance ${r.performance}  LCP ${(r.lcp_ms / 1000).toFixed(1)} s  FCP ${(r.fcp_ms / 1000).toFixed(1)} s  TBT ${r.tbt_ms} ms  ${r.transferred_kib} KiB  (${r.url})`,
  );
}
console.log(`written to ${OUT}`);
