import { describe, expect, it, beforeEach, afterEach, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { api } from '@/lib/api-client';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import i18n from '@/i18n';
import { WhatsappForm } from './whatsapp-form';

describe('WhatsappForm', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends {text} and shows the provider that carried it', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads/7/message/whatsapp': () => [
        200,
        { message_id: 5, provider: 'baileys', provider_message_id: 'BAE5' },
      ],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<WhatsappForm leadId={7} />);
    fireEvent.change(screen.getByTestId('whatsapp-text'), { target: { value: '  see you at 10  ' } });
    fireEvent.click(screen.getByTestId('whatsapp-send'));
    const sent = await screen.findByTestId('whatsapp-sent');
    expect(sent).toHaveAttribute('data-provider', 'baileys');
    expect(sent).toHaveTextContent('Sent via baileys');
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ text: 'see you at 10' });
    expect(post.headers['X-CSRFToken']).toBe('tok');
    await waitFor(() => expect(screen.getByTestId('whatsapp-text')).toHaveValue(''));
  });

  it('shows the message and hint of 503 provider_unavailable and keeps the text', async () => {
    const { impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads/7/message/whatsapp': () => [
        503,
        {
          error: 'provider_unavailable',
          message:
            'No WhatsApp provider could send this message (baileys: the WhatsApp session is not connected (state close)).',
          hint: 'Configure the Baileys bridge (FRONTDESK_BAILEYS_URL, ...) or Twilio, and check that it is connected.',
        },
      ],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<WhatsappForm leadId={7} />);
    fireEvent.change(screen.getByTestId('whatsapp-text'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByTestId('whatsapp-send'));
    expect(await screen.findByTestId('error-message')).toHaveTextContent('(state close)');
    expect(screen.getByTestId('error-hint')).toHaveTextContent('FRONTDESK_BAILEYS_URL');
    expect(screen.queryByTestId('whatsapp-sent')).toBeNull();
    expect(screen.getByTestId('whatsapp-text')).toHaveValue('hello');
  });
});
