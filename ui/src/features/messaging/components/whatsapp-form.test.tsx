import { describe, expect, it, beforeEach, afterEach, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { api } from '@/lib/api-client';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import i18n from '@/i18n';
import { matchReplies, WhatsappForm } from './whatsapp-form';

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

  it('opens "send later" beside Send with the text, and clears it once queued', async () => {
    vi.stubGlobal('fetch', stubFetch({}).impl);
    const slot = vi.fn();
    renderWithProviders(
      <WhatsappForm
        compact
        leadId={7}
        sendLater={(p) => {
          slot(p.text);
          return (
            <button type="button" onClick={() => p.onScheduled('2026-12-08T10:00:00Z')}>
              queue it
            </button>
          );
        }}
      />,
    );
    const toggle = screen.getByTestId('send-later-toggle');
    expect(toggle).toBeDisabled();
    fireEvent.change(screen.getByTestId('whatsapp-text'), { target: { value: 'later please' } });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(slot).toHaveBeenLastCalledWith('later please');
    fireEvent.click(screen.getByText('queue it'));
    expect(screen.getByTestId('send-later-done')).toHaveTextContent('Scheduled for');
    expect(screen.getByTestId('whatsapp-text')).toHaveValue('');
    expect(screen.queryByText('queue it')).toBeNull();
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

  it('offers the approved template when the 24 h window is closed, and sends it', async () => {
    let sends = 0;
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads/7/message/whatsapp': () =>
        sends++ === 0
          ? [
              409,
              {
                error: 'whatsapp_window_closed',
                message: 'The customer last wrote more than 24 hours ago.',
                hint: 'Send the approved template.',
              },
            ]
          : [200, { message_id: 6, provider: 'twilio' }],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<WhatsappForm leadId={7} templateSid={`HX${'0'.repeat(32)}`} defaultVariable="Dana" />);
    fireEvent.change(screen.getByTestId('whatsapp-text'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByTestId('whatsapp-send'));
    expect(await screen.findByTestId('whatsapp-error-explained')).toHaveTextContent('approved template');
    expect(screen.getByTestId('error-message')).toHaveTextContent('more than 24 hours ago');
    fireEvent.click(screen.getByTestId('whatsapp-send-template'));
    expect(await screen.findByTestId('whatsapp-sent')).toHaveAttribute('data-provider', 'twilio');
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts[1]!.body).toEqual({ template: true, variables: { '1': 'Dana' } });
  });

  it('says there is no template to send when the business has none; explains a refusal', async () => {
    let code = 'whatsapp_window_closed';
    const { impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'POST /api/leads/7/message/whatsapp': () => [
        code === 'message_refused' ? 422 : 409,
        { error: code, message: 'no' },
      ],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<WhatsappForm leadId={7} />);
    fireEvent.change(screen.getByTestId('whatsapp-text'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByTestId('whatsapp-send'));
    expect(await screen.findByTestId('whatsapp-no-template')).toBeInTheDocument();
    expect(screen.queryByTestId('whatsapp-send-template')).toBeNull();
    code = 'message_refused';
    fireEvent.click(screen.getByTestId('whatsapp-send'));
    await waitFor(() => expect(screen.getByTestId('whatsapp-error')).toHaveAttribute('data-error', 'message_refused'));
    expect(screen.getByTestId('whatsapp-error-explained')).toHaveTextContent('refused');
    expect(screen.queryByTestId('whatsapp-template')).toBeNull();
  });
});

describe('quick replies in the composer', () => {
  const replies = [
    { shortcut: 'hello', text: 'Hello Dana' },
    { shortcut: 'hours', text: 'We open at 09:00' },
    { shortcut: 'price', text: 'Our hours and prices' },
  ];
  it('lists replies for a /query: shortcut prefix first, then text matches', () => {
    expect(matchReplies('/', replies)?.map((r) => r.shortcut)).toEqual(['hello', 'hours', 'price']);
    expect(matchReplies('/ho', replies)?.map((r) => r.shortcut)).toEqual(['hours', 'price']);
    expect(matchReplies('/zzz', replies)).toEqual([]);
  });
  it('opens no list for plain text or once a space is typed', () => {
    expect(matchReplies('hello', replies)).toBeNull();
    expect(matchReplies('/hello there', replies)).toBeNull();
  });
  it('Enter inserts the chosen reply', () => {
    renderWithProviders(<WhatsappForm leadId={1} compact replies={replies} />);
    const box = screen.getByTestId('whatsapp-text');
    fireEvent.change(box, { target: { value: '/ho' } });
    expect(screen.getAllByTestId('quick-reply')).toHaveLength(2);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box).toHaveValue('Our hours and prices');
    expect(screen.queryByTestId('quick-replies')).toBeNull();
  });
});
