import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { api } from '@/lib/api-client';
import i18n from '@/i18n';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import type { Lead } from '@/types/api';
import { AiSwitch } from './ai-switch';
import { LeadTags } from './lead-tags';

const lead: Lead = {
  id: 7,
  tenant_id: 1,
  first_name: 'Dana',
  last_name: null,
  phone_e164: '+972501234567',
  whatsapp_id: null,
  email: null,
  source: 'whatsapp',
  status: 'new',
  notes: null,
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-01T10:00:00Z',
  last_activity_at: null,
  tags: ['vip'],
  ai_paused_until: null,
  assignee_user_id: null,
  last_inbound_at: null,
  needs_reply: false,
  last_message: null,
};

describe('AiSwitch', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('pauses for the business default hours, or the hours chosen', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads/7/ai': () => [200, { ...lead, ai_paused_until: '2099-01-01T00:00:00Z' }],
      'GET /api/leads/7/activities': () => [200, { items: [] }],
      'GET *': () => [200, { items: [], total: 0, page: 1, page_size: 25 }],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<AiSwitch lead={lead} defaultHours={24} />);
    expect(screen.getByTestId('ai-state')).toHaveTextContent('AI answering');
    expect(screen.getByTestId('ai-pause-hours')).toHaveValue('24');
    fireEvent.change(screen.getByTestId('ai-pause-hours'), { target: { value: '3' } });
    fireEvent.click(screen.getByTestId('ai-pause'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ paused: true, hours: 3 });
  });

  it('shows a pause with its end, and resumes', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads/7/ai': () => [200, { ...lead, ai_paused_until: null }],
      'GET *': () => [200, { items: [] }],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<AiSwitch lead={{ ...lead, ai_paused_until: '2099-01-01T00:00:00Z' }} defaultHours={24} />);
    const state = screen.getByTestId('ai-state');
    expect(state).toHaveAttribute('data-state', 'paused');
    expect(state).toHaveTextContent('AI paused until');
    expect(state.querySelector('time')).toHaveAttribute('datetime', '2099-01-01T00:00:00Z');
    fireEvent.click(screen.getByTestId('ai-resume'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ paused: false });
  });

  it('refuses hours out of 1-720 before asking the server', () => {
    renderWithProviders(<AiSwitch lead={lead} defaultHours={24} />);
    fireEvent.change(screen.getByTestId('ai-pause-hours'), { target: { value: '721' } });
    expect(screen.getByTestId('ai-pause')).toBeDisabled();
    expect(screen.getByText('From 1 to 720 hours.')).toBeInTheDocument();
  });
});

describe('LeadTags', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('adds and removes tags with PATCH {tags}, checking the limits first', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'PATCH /api/leads/7': (c) => [200, { ...lead, ...(c.body as object) }],
      'GET *': () => [200, { items: [] }],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<LeadTags lead={lead} />);
    fireEvent.change(screen.getByTestId('tag-input'), { target: { value: 'vip' } });
    fireEvent.click(screen.getByTestId('tag-add'));
    expect(await screen.findByText('The lead already has this tag.')).toBeInTheDocument();
    fireEvent.change(screen.getByTestId('tag-input'), { target: { value: 'x'.repeat(41) } });
    fireEvent.click(screen.getByTestId('tag-add'));
    expect(await screen.findByText('A tag is at most 40 characters.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);

    fireEvent.change(screen.getByTestId('tag-input'), { target: { value: ' haircut ' } });
    fireEvent.click(screen.getByTestId('tag-add'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ tags: ['vip', 'haircut'] });
    await waitFor(() => expect(screen.getByTestId('tag-input')).toHaveValue(''));

    fireEvent.click(screen.getByTestId('tag-remove'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'PATCH')[1]!.body).toEqual({ tags: [] });
  });
});
