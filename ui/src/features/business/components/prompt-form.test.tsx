import { describe, expect, it, beforeEach, afterEach, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { api } from '@/lib/api-client';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import i18n from '@/i18n';
import { PromptForm } from './prompt-form';

const prompt = { calls_prompt: 'old calls', whatsapp_prompt: 'old wa', updated_at: null, updated_by: null };

describe('PromptForm', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('saves both prompts in one PUT with exactly {calls_prompt, whatsapp_prompt}', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'PUT /api/business/current/prompt': (c) => [
        200,
        { ...(c.body as object), updated_at: '2026-11-26T10:00:00Z', updated_by: 1 },
      ],
      'GET /api/business/current/prompt': () => [200, prompt],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<PromptForm prompt={prompt} />);

    const save = screen.getByTestId('prompt-save');
    expect(save).toBeDisabled(); // nothing changed yet
    fireEvent.change(screen.getByLabelText('Phone calls prompt'), { target: { value: 'new calls' } });
    fireEvent.change(screen.getByLabelText('WhatsApp prompt'), { target: { value: 'new wa\nline 2' } });
    fireEvent.click(save);

    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.url).toBe('/api/business/current/prompt');
    expect(Object.keys(puts[0]!.body as object).sort()).toEqual(['calls_prompt', 'whatsapp_prompt']);
    expect(puts[0]!.body).toEqual({ calls_prompt: 'new calls', whatsapp_prompt: 'new wa\nline 2' });
    expect(puts[0]!.headers['X-CSRFToken']).toBe('tok');
  });

  it('sends the unchanged prompt too when only one was edited', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'PUT /api/business/current/prompt': () => [200, prompt],
      'GET /api/business/current/prompt': () => [200, prompt],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<PromptForm prompt={prompt} />);
    fireEvent.change(screen.getByLabelText('WhatsApp prompt'), { target: { value: '' } });
    fireEvent.click(screen.getByTestId('prompt-save'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ calls_prompt: 'old calls', whatsapp_prompt: '' });
  });

  it('shows the server message and hint when the save fails', async () => {
    const { impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'PUT /api/business/current/prompt': () => [
        400,
        { error: 'invalid_input', message: 'Prompt too long', hint: 'Keep each prompt under 20000 characters' },
      ],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<PromptForm prompt={prompt} />);
    fireEvent.change(screen.getByLabelText('Phone calls prompt'), { target: { value: 'x' } });
    fireEvent.click(screen.getByTestId('prompt-save'));
    expect(await screen.findByText('Prompt too long')).toBeInTheDocument();
    expect(screen.getByTestId('error-hint')).toHaveTextContent('Keep each prompt under 20000 characters');
  });
});
