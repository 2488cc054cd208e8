/** A lead's first view: its header, actions and latest messages. */
import { LEAD_STATUS_COLORS } from '@/features/leads/lib/status-colors';
import { deliveryTick } from '@/features/activities/lib/delivery-tick';
import { formatMessageTime, leadDisplayName } from '@/lib/format';
import type { Activity, Lead } from '@/types/api';
import { button, frame, h, title, TEXT_SM, type Kid, type View } from './dom';

export const MESSAGE_KINDS = new Set(['message_in', 'message_out', 'ai_reply']);

export function bubble(a: Activity, { lng, tz, texts }: View) {
  const incoming = a.kind === 'message_in';
  const tick = incoming ? null : deliveryTick(a.message_status);
  return h(
    'li',
    { class: `fd-bubble ${incoming ? 'fd-bubble-in' : 'fd-bubble-out'}` },
    {},
    h('span', { class: 'fd-visually-hidden' }, {}, incoming ? texts.chat.fromCustomer : texts.chat.fromUs),
    a.kind === 'ai_reply' && h('span', { class: 'fd-fv-badge fd-fv-badge-ai fd-bubble-ai' }, {}, texts.chat.ai),
    a.body &&
      h(
        'p',
        { class: 'mantine-focus-auto fd-pre m_b6d8b162 mantine-Text-root', 'data-size': 'sm', dir: 'auto' },
        TEXT_SM,
        a.body,
      ),
    h(
      'div',
      { class: 'fd-bubble-meta' },
      {},
      h('time', { datetime: a.created_at }, {}, formatMessageTime(a.created_at, lng, tz)),
      tick &&
        h(
          'span',
          { class: `fd-tick fd-tick-${tick.color}`, role: 'img', 'aria-label': texts.delivery[tick.state] },
          {},
          tick.symbol,
        ),
    ),
  );
}

export function leadView(lead: Lead, activities: { items: Activity[] }, view: View) {
  const messages = activities.items
    .filter((a) => MESSAGE_KINDS.has(a.kind))
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
  if (messages.length === 0) return null;
  const t = view.texts.chat;
  const color = LEAD_STATUS_COLORS[lead.status] ?? 'gray';
  const status = h(
    'span',
    { class: 'fd-fv-badge fd-fv-badge-light' },
    { background: `var(--mantine-color-${color}-light)`, color: `var(--mantine-color-${color}-light-color)` },
    (view.texts.leadStatus as Record<string, string>)[lead.status] ?? lead.status,
  );
  const group = (gap: string, ...kids: Kid[]) =>
    h(
      'div',
      { class: 'm_4081bf90 mantine-Group-root' },
      { '--group-gap': gap, '--group-align': 'center', '--group-justify': 'space-between', '--group-wrap': 'wrap' },
      ...kids,
    );
  return frame(
    h(
      'div',
      { class: 'fd-lead' },
      {},
      h(
        'div',
        { class: 'fd-lead-top' },
        {},
        h(
          'a',
          {
            class: 'mantine-focus-auto m_849cf0da m_b6d8b162 mantine-Text-root mantine-Anchor-root',
            'data-size': 'sm',
            href: '/inbox',
          },
          TEXT_SM,
          t.back,
        ),
        group(
          'var(--mantine-spacing-xs)',
          group('var(--mantine-spacing-sm)', title(leadDisplayName(lead) || '?'), status),
          h(
            'div',
            { class: 'fd-fv-buttons' },
            {},
            lead.phone_e164 && button('a', { href: `tel:${lead.phone_e164}` }, t.call, 'light'),
            button('a', { href: '#composer' }, t.whatsapp, 'filled'),
            button('button', { type: 'button' }, view.texts.common.edit, 'default'),
          ),
        ),
      ),
      h(
        'div',
        { class: 'fd-lead-grid' },
        {},
        h(
          'section',
          { class: 'fd-lead-chat', 'aria-label': t.title },
          {},
          h('ol', { class: 'fd-chat' }, {}, ...messages.map((m) => bubble(m, view))),
        ),
      ),
    ),
  );
}
