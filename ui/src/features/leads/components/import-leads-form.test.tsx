import { describe, expect, it, beforeEach, afterEach, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import i18n from '@/i18n';
import type { LeadImportResult } from '@/types/api';
import { ImportLeadsForm } from './import-leads-form';

const CSV = 'first_name,last_name,phone\nדנה,כהן,052-1234567\nרון,,not-a-phone\nשרה,,053-7654321\n';

const outcome = (dry: boolean): LeadImportResult => ({
  dry_run: dry,
  rows: 3,
  created: 1,
  updated: 0,
  duplicates: [{ row: 3, lead_id: 42 }],
  invalid: [{ row: 2, field: 'phone', message: 'Not a phone number.' }],
});

function chooseFile(content: string) {
  const input = document.querySelector('input[type="file"]')!;
  fireEvent.change(input, { target: { files: [new File([content], 'leads.csv', { type: 'text/csv' })] } });
}

describe('ImportLeadsForm', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('previews with a dry run, then imports the same bytes and refreshes the leads', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads/import': (c) => [200, outcome(c.url.includes('dry_run=true'))],
    });
    vi.stubGlobal('fetch', impl);
    const { queryClient } = renderWithProviders(<ImportLeadsForm onClose={() => {}} />);
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    expect(screen.getByTestId('import-submit')).toBeDisabled();

    chooseFile(CSV);
    const summary = await screen.findByTestId('import-summary');
    expect(summary).toHaveAttribute('data-dry-run', 'true');
    expect(within(summary).getByTestId('import-rows')).toHaveAttribute('data-value', '3');
    expect(within(summary).getByTestId('import-created')).toHaveAttribute('data-value', '1');
    expect(within(summary).getByTestId('import-invalid')).toHaveAttribute('data-value', '1');
    const bad = within(summary).getByTestId('import-invalid-row');
    expect(bad).toHaveAttribute('data-row', '2');
    expect(bad).toHaveTextContent('Not a phone number.');
    expect(within(summary).getByTestId('import-duplicate-link')).toHaveAttribute('href', '/leads/42');

    const dry = calls.find((c) => c.url === '/api/leads/import?dry_run=true')!;
    expect(dry.headers['Content-Type']).toBe('text/csv');
    expect(dry.headers['X-CSRFToken']).toBe('tok');
    expect(await (dry.body as Blob).text()).toBe(CSV);

    fireEvent.click(screen.getByTestId('import-submit'));
    await waitFor(() => expect(screen.getByTestId('import-summary')).toHaveAttribute('data-dry-run', 'false'));
    const real = calls.find((c) => c.url === '/api/leads/import?dry_run=false')!;
    expect(await (real.body as Blob).text()).toBe(CSV);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.leads.all });
    expect(screen.queryByTestId('import-submit')).not.toBeInTheDocument();
  });

  it("shows the server's message and hint, and offers no import", async () => {
    const { impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads/import': () => [
        400,
        {
          error: 'invalid',
          field: 'header',
          message: 'The file has no `first_name` column.',
          hint: 'The first line names the columns.',
        },
      ],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<ImportLeadsForm onClose={() => {}} />);
    chooseFile('name;tel\nדנה;052-1234567\n');
    expect(await screen.findByTestId('error-message')).toHaveTextContent('The file has no `first_name` column.');
    expect(screen.getByTestId('error-hint')).toHaveTextContent('The first line names the columns.');
    expect(screen.getByTestId('import-submit')).toBeDisabled();
  });
});
