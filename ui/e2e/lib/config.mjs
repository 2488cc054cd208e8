/**
 * Everything the browser tests take from their environment, read once
 * (playwright.config.mjs checks the required variables).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const list = (value) =>
  (value || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** ui/e2e-artifacts/: screenshots (git-ignored). */
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'e2e-artifacts');
export const BASE = (process.env.FRONTDESK_E2E_BASE || '').replace(/\/+$/, '');
export const EMAIL = process.env.FRONTDESK_E2E_EMAIL || '';
export const PASSWORD = process.env.FRONTDESK_E2E_PASSWORD || '';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const TIMEOUT = 15_000;
// Development aid while a backend is incomplete: HTTP statuses whose
// "Failed to load resource" console errors are tolerated (e.g. "404").
export const ALLOW_STATUS = list(process.env.E2E_ALLOW_STATUS);

export const BRIDGE_PORT = Number(process.env.FRONTDESK_E2E_BRIDGE_PORT || 0);
export const BRIDGE_SECRET = process.env.FRONTDESK_E2E_BRIDGE_SECRET || '';
