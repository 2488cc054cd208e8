import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { LeadImportResult } from '@/types/api';

/** POST /api/leads/import: the CSV file as the body; `dryRun` decides the same and writes nothing. */
export const importLeads = (file: Blob, dryRun: boolean): Promise<LeadImportResult> =>
  api.postRaw<LeadImportResult>(
    '/api/leads/import',
    { data: file, contentType: 'text/csv' },
    { query: { dry_run: dryRun } },
  );

/** The dry run: what an import of this file would do. */
export const usePreviewLeadsImport = () =>
  useMutation({
    mutationFn: (file: Blob) => importLeads(file, true),
    meta: { inlineError: true },
  });

/** The import itself; refreshes the lead lists and details (and the timelines the updates wrote to). */
export const useImportLeads = (onSuccess?: (result: LeadImportResult) => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: Blob) => importLeads(file, false),
    meta: { inlineError: true },
    onSuccess: (result) => {
      void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
      void qc.invalidateQueries({ queryKey: queryKeys.activities.all });
      onSuccess?.(result);
    },
  });
};
