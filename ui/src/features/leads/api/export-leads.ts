import { buildUrl } from '@/lib/api-client';
import type { LeadsExportParams } from '@/types/api';

/**
 * GET /api/leads/export.csv with the list's filters: a plain download link
 * (same origin, so the session cookie goes along), not a fetch.
 */
export const leadsExportUrl = (params: LeadsExportParams): string =>
  buildUrl('/api/leads/export.csv', { q: params.q, status: params.status, source: params.source, tag: params.tag });
