import { beforeEach, describe, expect, it } from 'vitest';
import i18n from '@/i18n';
import { deliveryTick, describeAiAction, pauseReason } from './describe';

const t = (key: string, options?: Record<string, unknown>) => i18n.t(key, options);
const fmt = (iso: string) => `<${iso}>`;
const action = (tool: string, args: unknown, result: unknown = { ok: true }, body = '') => ({
  body,
  data: { tool, arguments: args, result, channel: 'whatsapp' },
});

describe('deliveryTick', () => {
  it('one tick sent, two delivered, two blue read, red failed, a clock while waiting', () => {
    expect(deliveryTick('sent')).toEqual({ state: 'sent', symbol: '✓', color: 'gray' });
    expect(deliveryTick('delivered')).toEqual({ state: 'delivered', symbol: '✓✓', color: 'gray' });
    expect(deliveryTick('read')).toEqual({ state: 'read', symbol: '✓✓', color: 'blue' });
    expect(deliveryTick('failed')).toEqual({ state: 'failed', symbol: '✗', color: 'red' });
    expect(deliveryTick('queued')?.state).toBe('pending');
    expect(deliveryTick('pending')?.state).toBe('pending');
  });
  it('has no mark for incoming messages or no status', () => {
    expect(deliveryTick('received')).toBeNull();
    expect(deliveryTick(null)).toBeNull();
    expect(deliveryTick(undefined)).toBeNull();
    expect(deliveryTick('something new')).toBeNull();
  });
});

describe('describeAiAction', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('puts each tool in words', () => {
    expect(
      describeAiAction(action('create_callback_reminder', { due_at: '2026-12-04T08:00:00Z', note: 'quote' }), t, fmt)
        .text,
    ).toBe('Set a callback reminder for <2026-12-04T08:00:00Z>: quote');
    expect(describeAiAction(action('set_lead_status', { status: 'qualified' }), t, fmt).text).toBe(
      'Marked the lead as Qualified',
    );
    expect(describeAiAction(action('update_lead', { first_name: 'Dana', email: 'd@x.com' }), t, fmt).text).toBe(
      "Filled in the lead's details: Dana, d@x.com",
    );
    expect(describeAiAction(action('add_tag', { tag: 'haircut' }), t, fmt).text).toBe('Tagged the lead “haircut”');
    const handoff = describeAiAction(action('handoff_to_human', { reason: 'wants a manager' }), t, fmt);
    expect(handoff).toEqual({
      text: 'Handed the conversation to a person: wants a manager',
      refused: false,
      reason: null,
      tool: 'handoff_to_human',
      channel: 'whatsapp',
    });
  });

  it('marks a refused action with the reason', () => {
    const d = describeAiAction(
      action(
        'create_callback_reminder',
        { due_at: '2020-01-01T00:00:00Z', note: 'x' },
        { error: 'due_at must be in the future and within 90 days' },
      ),
      t,
      fmt,
    );
    expect(d.refused).toBe(true);
    expect(d.reason).toBe('due_at must be in the future and within 90 days');
  });

  it("falls back to the server's summary for an unknown tool", () => {
    expect(describeAiAction(action('book_table', {}, { ok: true }, 'booked a table'), t, fmt).text).toBe(
      'booked a table',
    );
    expect(describeAiAction({ body: '', data: null }, t, fmt).text).toBe('Used the tool ?');
  });

  it('speaks Hebrew', async () => {
    await i18n.changeLanguage('he');
    expect(describeAiAction(action('add_tag', { tag: 'תספורת' }), t, fmt).text).toBe('תייג את הליד „תספורת”');
  });
});

describe('pauseReason', () => {
  it("translates the server's fixed takeover reasons and keeps the others", async () => {
    await i18n.changeLanguage('en');
    expect(pauseReason('a person replied', t)).toBe('A person replied to the customer.');
    expect(pauseReason('The AI paused itself on this lead: 30 replies', t)).toBe(
      'The AI paused itself on this lead: 30 replies',
    );
    expect(pauseReason('', t)).toBeNull();
    await i18n.changeLanguage('he');
    expect(pauseReason('replied from the phone', t)).toBe('מישהו ענה מהטלפון של העסק.');
  });
});
