#!/usr/bin/env node
/**
 * A tiny static server for ui/dist that sends the same CSP as the Rust
 * binary, so CSP violations show up in a real browser without rebuilding the
 * binary. Optionally proxies /api/* to a running backend (same origin for the
 * browser, so cookies and CSRF behave as in production).
 *
 *   node e2e/csp-server.mjs [--port 5180] [--api http://127.0.0.1:8080]
 *
 * Assets are compressed as the binary serves them (brotli at its best
 * quality, else gzip, by Accept-Encoding), so page-speed measurements against
 * this server (npm run lighthouse) match the binary's byte counts.
 */
import http from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const PORT = Number(opt('port', process.env.PORT || 5180));
const API = opt('api', process.env.FRONTDESK_API || '');
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json']);
const compressed = new Map();

/** The file's bytes in the best encoding the request accepts (compressed once, kept). */
function encoded(file, acceptEncoding) {
  const coding = !COMPRESSIBLE.has(path.extname(file))
    ? null
    : /\bbr\b/.test(acceptEncoding)
      ? 'br'
      : /\bgzip\b/.test(acceptEncoding)
        ? 'gzip'
        : null;
  if (!coding) return { coding, body: readFileSync(file) };
  const key = `${coding}:${file}`;
  if (!compressed.has(key)) {
    const raw = readFileSync(file);
    compressed.set(
      key,
      coding === 'br'
        ? zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } })
        : zlib.gzipSync(raw, { level: 9 }),
    );
  }
  return { coding, body: compressed.get(key) };
}

const PROXIED = ['/api/', '/webhook/', '/healthz', '/readyz', '/livez', '/version'];

function proxy(req, res) {
  const target = new URL(req.url, API);
  const upstream = http.request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (up) => {
      res.writeHead(up.statusCode || 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'bad_gateway', message: e.message, hint: `is the API running at ${API}?` }));
  });
  req.pipe(upstream);
}

http
  .createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    if (API && PROXIED.some((p) => pathname.startsWith(p))) return proxy(req, res);
    res.setHeader('Content-Security-Policy', CSP);
    const file = path.join(DIST, path.normalize(pathname));
    const isFile = file.startsWith(DIST) && pathname !== '/index.html' && existsSync(file) && statSync(file).isFile();
    if (isFile) {
      const { coding, body } = encoded(file, req.headers['accept-encoding'] || '');
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        Vary: 'Accept-Encoding',
        ...(coding ? { 'Content-Encoding': coding } : {}),
      });
      return res.end(body);
    }
    if (pathname.startsWith('/api/')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end(
        JSON.stringify({
          error: 'not_found',
          message: 'No API behind this static server.',
          hint: 'start it with --api URL',
        }),
      );
    }
    const html = readFileSync(path.join(DIST, 'index.html'), 'utf8').replace('__FRONTDESK_BUILD__', 'csp-server');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html);
  })
  .listen(PORT, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${PORT}${API ? ` (API: ${API})` : ''}`));
