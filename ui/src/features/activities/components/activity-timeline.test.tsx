import { describe, expect, it, beforeEach, afterEach, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { api } from '@/lib/api-client';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import i18n from '@/i18n';
import type { Activity } from '@/types/api';
import { ActivityTimeline } from './activity-timeline';
import { formatDuration } from './call-transcript';

let nextId = 1;
function activity(kind: string, body: string, data: unknown, extra: Partial<Activity> = {}): Activity {
  return {
    id: nextId++,
    tenant_id: 1,
    lead_id: 7,
    kind,
    body,
    data,
    actor_user_id: null,
    actor_name: null,
    impersonating: false,
    created_at: '2026-11-26T10:00:00Z',
    message_status: null,
    message_error: null,
    ...extra,
  };
}

// The shapes the server writes (src/voice, src/webhooks, src/messaging, src/ai).
const completedCall = activity('call', 'caller: שלום, אני רוצה לקבוע תור\nagent: בשמחה, לאיזה יום?', {
  call_id: 11,
  call_sid: 'CA123',
  status: 'completed',
  duration_s: 95,
  transcript: [
    { speaker: 'caller', text: 'שלום, אני רוצה לקבוע תור' },
    { speaker: 'agent', text: 'בשמחה, לאיזה יום?' },
  ],
  dtmf: ['1', '#'],
  ended_by: 'twilio_stop',
});
const missedCall = activity('call', 'Missed call (the AI agent is not configured)', {
  call_id: 12,
  call_sid: 'CA456',
  status: 'missed',
  direction: 'inbound',
});
const failedCall = activity('call', '', {
  call_id: 13,
  call_sid: 'CA789',
  status: 'failed',
  duration_s: 3,
  transcript: [],
  dtmf: [],
  ended_by: 'model_closed',
});
const messageIn = activity('message_in', 'Hi, are you open on Friday?', {
  message_id: 21,
  provider: 'baileys',
  media: [{ kind: 'image', url: 'https://example.com/a.jpg', content_type: 'image/jpeg' }],
});
const messageOut = activity('message_out', 'Yes, until 14:00.', {
  message_id: 22,
  provider: 'twilio',
  provider_message_id: 'SM123',
});
const aiReply = activity('ai_reply', 'Thanks! Shall I book you for 10:00?', {
  message_id: 23,
  provider: 'baileys',
  provider_message_id: 'BAE5F00',
});
const aiError = activity('ai_error', 'the model answered 429: rate limited', { channel: 'whatsapp' });

function item(a: Activity): HTMLElement {
  const el = document.querySelector<HTMLElement>(
    `[data-testid="activity"][data-kind="${a.kind}"][data-activity-id="${a.id}"]`,
  );
  if (!el) throw new Error(`activity ${a.id} (${a.kind}) not rendered`);
  return el;
}

describe('ActivityTimeline', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  async function renderItems(items: Activity[]) {
    const { impl } = stubFetch({ 'GET /api/leads/7/activities': () => [200, { items }] });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<ActivityTimeline leadId={7} />);
    await screen.findByTestId('timeline');
  }

  it('shows a finished AI call: status, duration, keys and the caller/agent transcript', async () => {
    await renderItems([completedCall]);
    const call = item(completedCall);
    expect(within(call).getByTestId('call-status')).toHaveTextContent('Completed');
    expect(within(call).getByTestId('call-status')).toHaveAttribute('data-status', 'completed');
    expect(within(call).getByTestId('call-duration')).toHaveTextContent('Duration: 1:35');
    expect(within(call).getByTestId('call-dtmf')).toHaveTextContent('1 #');
    const lines = within(call).getAllByTestId('transcript-line');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveAttribute('data-speaker', 'caller');
    expect(lines[0]).toHaveTextContent('Caller');
    expect(lines[0]).toHaveTextContent('שלום, אני רוצה לקבוע תור');
    expect(lines[1]).toHaveAttribute('data-speaker', 'agent');
    expect(lines[1]).toHaveTextContent('AI agent');
    expect(lines[1]).toHaveTextContent('בשמחה, לאיזה יום?');
    // The body repeats the transcript: not shown twice.
    expect(within(call).queryByTestId('activity-body')).toBeNull();
  });

  it('shows a missed call with its status and the reason in the body', async () => {
    await renderItems([missedCall]);
    const call = item(missedCall);
    expect(within(call).getByTestId('call-status')).toHaveTextContent('Missed');
    expect(within(call).getByTestId('call-status')).toHaveAttribute('data-status', 'missed');
    expect(within(call).getByTestId('activity-body')).toHaveTextContent('Missed call (the AI agent is not configured)');
    expect(within(call).queryByTestId('call-duration')).toBeNull();
    expect(within(call).queryByTestId('transcript-line')).toBeNull();
    expect(within(call).queryByText('No transcript for this call.')).toBeNull();
  });

  it('shows a failed call with an empty transcript', async () => {
    await renderItems([failedCall]);
    const call = item(failedCall);
    expect(within(call).getByTestId('call-status')).toHaveTextContent('Failed');
    expect(within(call).getByTestId('call-duration')).toHaveTextContent('0:03');
    expect(within(call).getByText('No transcript for this call.')).toBeInTheDocument();
  });

  it('shows messages in and out with their provider, AI replies marked as AI, AI errors as errors', async () => {
    await renderItems([aiError, aiReply, messageOut, messageIn]);
    const kinds = screen.getAllByTestId('activity').map((el) => el.getAttribute('data-kind'));
    expect(kinds).toEqual(['ai_error', 'ai_reply', 'message_out', 'message_in']);

    const inEl = item(messageIn);
    expect(within(inEl).getByTestId('activity-body')).toHaveTextContent('Hi, are you open on Friday?');
    expect(within(inEl).getByTestId('activity-provider')).toHaveTextContent('via baileys');
    expect(within(inEl).getByTestId('activity-media')).toHaveAttribute('href', 'https://example.com/a.jpg');
    expect(within(inEl).queryByTestId('ai-badge')).toBeNull();

    const outEl = item(messageOut);
    expect(within(outEl).getByTestId('activity-body')).toHaveTextContent('Yes, until 14:00.');
    expect(within(outEl).getByTestId('activity-provider')).toHaveAttribute('data-provider', 'twilio');
    expect(within(outEl).getByTestId('activity-provider')).toHaveTextContent('via twilio');
    expect(within(outEl).queryByTestId('ai-badge')).toBeNull();

    const aiEl = item(aiReply);
    expect(within(aiEl).getByTestId('ai-badge')).toHaveTextContent('AI');
    expect(within(aiEl).getByText('AI reply')).toBeInTheDocument();
    expect(within(aiEl).getByTestId('activity-body')).toHaveTextContent('Thanks! Shall I book you for 10:00?');
    expect(within(aiEl).getByTestId('activity-provider')).toHaveTextContent('via baileys');

    const errEl = item(aiError);
    const alert = within(errEl).getByTestId('ai-error');
    expect(alert).toHaveTextContent('The AI could not reply');
    expect(within(alert).getByTestId('activity-body')).toHaveTextContent('the model answered 429: rate limited');
    expect(within(errEl).getByText('AI error')).toBeInTheDocument();
  });

  it('reads Hebrew labels in Hebrew', async () => {
    await i18n.changeLanguage('he');
    await renderItems([missedCall, aiReply]);
    expect(within(item(missedCall)).getByTestId('call-status')).toHaveTextContent('שיחה שלא נענתה');
    expect(within(item(aiReply)).getByText('תשובת AI')).toBeInTheDocument();
  });
});

describe('ActivityTimeline: the AI front desk', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  const tag = activity('ai_action', 'tagged haircut', {
    tool: 'add_tag',
    arguments: { tag: 'haircut' },
    result: { ok: true, tags: ['haircut'] },
    channel: 'whatsapp',
  });
  const refused = activity('ai_action', 'refused create_callback_reminder: due_at must be in the future', {
    tool: 'create_callback_reminder',
    arguments: { due_at: '2020-01-01T00:00:00Z', note: 'call' },
    result: { error: 'due_at must be in the future and within 90 days' },
    channel: 'call',
  });
  const paused = activity(
    'ai_paused',
    'A person wrote from the UI',
    { until: '2026-11-27T10:00:00Z' },
    {
      actor_user_id: 1,
      actor_name: 'Owner',
    },
  );
  const resumed = activity('ai_resumed', '', { until: null });
  const assigned = activity('assigned', '', { from: null, to: 3 });
  const read = activity('message_out', 'See you', { provider: 'twilio' }, { message_status: 'read' });
  const failed = activity(
    'message_out',
    'Hello?',
    { provider: 'twilio' },
    { message_status: 'failed', message_error: '63016' },
  );
  const automatic = activity(
    'message_out',
    'Sorry we missed your call',
    { provider: 'twilio', automatic: 'missed_call_text' },
    { message_status: 'sent' },
  );
  const incoming = activity('message_in', 'hi', { provider: 'twilio' }, { message_status: 'received' });

  async function renderItems(items: Activity[], userNames?: Map<number, string>) {
    const { impl } = stubFetch({ 'GET /api/leads/7/activities': () => [200, { items }] });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<ActivityTimeline leadId={7} userNames={userNames} />);
    await screen.findByTestId('timeline');
  }

  it('shows AI actions with the AI as the actor, in words, refusals marked with the reason', async () => {
    await renderItems([tag, refused]);
    const ok = item(tag);
    expect(ok).toHaveTextContent('AI action');
    expect(ok).toHaveTextContent('· AI');
    expect(within(ok).getByTestId('ai-action-text')).toHaveTextContent('Tagged the lead “haircut”');
    expect(within(ok).getByTestId('ai-action')).toHaveAttribute('data-refused', 'false');
    expect(within(ok).queryByTestId('ai-action-refused')).toBeNull();

    const no = item(refused);
    expect(within(no).getByTestId('ai-action')).toHaveAttribute('data-refused', 'true');
    expect(within(no).getByTestId('ai-action-refused')).toHaveTextContent('Refused');
    expect(within(no).getByTestId('ai-action-reason')).toHaveTextContent(
      'due_at must be in the future and within 90 days',
    );
    expect(no).toHaveTextContent('During a call');
  });

  it('reads pauses, resumes and assignments', async () => {
    await renderItems([paused, resumed, assigned], new Map([[3, 'Dana']]));
    expect(within(item(paused)).getByTestId('ai-paused-text')).toHaveTextContent('AI paused until');
    expect(item(paused)).toHaveTextContent('A person wrote from the UI');
    expect(item(paused)).toHaveTextContent('Owner');
    expect(within(item(resumed)).getByTestId('ai-resumed-text')).toHaveTextContent('AI answers again');
    expect(within(item(assigned)).getByTestId('assigned-text')).toHaveTextContent('Assigned to Dana');
  });

  it('shows delivery ticks, the failure reason and automatic texts', async () => {
    await renderItems([read, failed, automatic, incoming]);
    expect(within(item(read)).getByTestId('delivery')).toHaveAttribute('data-state', 'read');
    expect(within(item(read)).getByTestId('delivery')).toHaveTextContent('✓✓');
    const bad = within(item(failed)).getByTestId('delivery');
    expect(bad).toHaveAttribute('data-state', 'failed');
    expect(within(item(failed)).getByTestId('delivery-error')).toHaveTextContent('63016');
    expect(within(item(automatic)).getByTestId('automatic-text')).toBeInTheDocument();
    expect(within(item(automatic)).getByTestId('delivery')).toHaveAttribute('data-state', 'sent');
    expect(within(item(incoming)).queryByTestId('delivery')).toBeNull();
  });

  it('shows who answered a call, its summary and a voicemail to play', async () => {
    const aiCall = activity('call', '', { status: 'completed', transcript: [], answered_by: 'ai' });
    const summary = activity('call_summary', 'Wants a cleaning on Sunday.', {
      call_id: 11,
      suggested_status: 'qualified',
    });
    const voicemail = activity('voicemail', '', { call_id: 12, recording_url: 'https://api.twilio.com/rec/RE1' });
    const unsafe = activity('voicemail', '', { call_id: 'javascript:alert(1)', recording_url: 'https://x' });
    await renderItems([aiCall, summary, voicemail, unsafe]);
    expect(within(item(aiCall)).getByTestId('call-answered-by')).toHaveTextContent('Answered by the AI');
    expect(within(item(summary)).getByTestId('call-summary')).toHaveTextContent('Wants a cleaning on Sunday.');
    expect(within(item(summary)).getByTestId('call-summary-status')).toHaveTextContent('Suggested status: Qualified');
    expect(within(item(voicemail)).getByTestId('voicemail-link')).toHaveAttribute('href', '/api/calls/12/recording');
    expect(within(item(unsafe)).queryByTestId('voicemail-link')).toBeNull();
  });

  it('shows how quickly the AI answered and how a callback went', async () => {
    const timed = activity('call', '', {
      status: 'completed',
      transcript: [],
      answered_by: 'ai',
      turn_latency_ms: { median: 420, max: 910, turns: 6 },
    });
    const callback = activity('call', 'Callback answered', { direction: 'outbound', outcome: 'person' });
    const broken = activity('call', '', { status: 'completed', turn_latency_ms: { median: 'x' } });
    await renderItems([timed, callback, broken]);
    expect(within(item(timed)).getByTestId('call-latency')).toHaveTextContent(
      'Response time: median 420 ms, max 910 ms, 6 turns',
    );
    expect(within(item(callback)).getByTestId('call-callback')).toHaveTextContent('Callback: answered');
    expect(within(item(broken)).queryByTestId('call-latency')).toBeNull();
  });

  it('names the AI in Hebrew', async () => {
    await i18n.changeLanguage('he');
    await renderItems([tag]);
    expect(item(tag)).toHaveTextContent('בינה מלאכותית');
    expect(within(item(tag)).getByTestId('ai-action-text')).toHaveTextContent('תייג את הליד „haircut”');
  });
});

describe('formatDuration', () => {
  it('formats seconds as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59)).toBe('0:59');
    expect(formatDuration(95)).toBe('1:35');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
});
