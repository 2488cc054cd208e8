import { describe, expect, it, beforeEach, afterEach, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { api } from '@/lib/api-client';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import i18n from '@/i18n';
import { NewLeadForm } from './new-lead-form';

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label, { exact: false }), { target: { value } });
}

describe('NewLeadForm', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('validates lightly and sends nothing for a bad phone', async () => {
    const { calls, impl } = stubFetch({});
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<NewLeadForm onCreated={() => {}} />);
    fill('First name', 'Dana');
    fill('Phone', 'call me');
    fireEvent.click(screen.getByTestId('lead-submit'));
    expect(await screen.findByText(/Enter a phone number/)).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('posts the lead and reports the created one', async () => {
    const created = { id: 9, first_name: 'Dana' };
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads': () => [201, created],
    });
    vi.stubGlobal('fetch', impl);
    const onCreated = vi.fn();
    renderWithProviders(<NewLeadForm onCreated={onCreated} />);
    fill('First name', ' Dana ');
    fill('Last name', 'Levi');
    fill('Phone', '052-123-4567');
    fireEvent.click(screen.getByTestId('lead-submit'));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({
      first_name: 'Dana',
      last_name: 'Levi',
      phone_e164: '052-123-4567',
      source: 'manual',
      status: 'new',
    });
    expect(post.headers['X-CSRFToken']).toBe('tok');
  });

  it('offers a link to the existing lead on 409 duplicate_lead', async () => {
    const { impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads': () => [
        409,
        {
          error: 'duplicate_lead',
          lead_id: 42,
          message: 'A lead with this phone already exists',
          hint: 'Open lead 42 instead',
        },
      ],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<NewLeadForm onCreated={() => {}} />);
    fill('First name', 'Dana');
    fill('Phone', '0521234567');
    fireEvent.click(screen.getByTestId('lead-submit'));
    expect(await screen.findByText('A lead with this phone already exists')).toBeInTheDocument();
    expect(screen.getByTestId('error-hint')).toHaveTextContent('Open lead 42 instead');
    expect(screen.getByTestId('duplicate-lead-link')).toHaveAttribute('href', '/leads/42');
  });

  it('disables the submit button while the request runs (no double submit)', async () => {
    let resolve: (v: Response) => void = () => {};
    let posts = 0;
    vi.stubGlobal('fetch', async (url: string) => {
      if (url === '/api/auth/csrf') return new Response(JSON.stringify({ csrfToken: 't' }), { status: 200 });
      posts++;
      return new Promise<Response>((r) => (resolve = r));
    });
    renderWithProviders(<NewLeadForm onCreated={() => {}} />);
    fill('First name', 'Dana');
    fill('Phone', '0521234567');
    const submit = screen.getByTestId('lead-submit');
    fireEvent.click(submit);
    await waitFor(() => expect(submit).toHaveAttribute('data-loading', 'true'));
    fireEvent.click(submit);
    fireEvent.submit(screen.getByTestId('new-lead-form'));
    expect(posts).toBe(1);
    resolve(new Response(JSON.stringify({ id: 1 }), { status: 201 }));
  });
});
