import { Badge } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '@/config/paths';
import { useTimezone } from '@/lib/auth';
import { formatMessageTime, formatWaited, leadDisplayName } from '@/lib/format';
import type { Lead } from '@/types/api';

/** ✓ sent, ✓✓ delivered, ✓✓ (blue) read, ✗ failed, a clock while queued. */
const TICKS: Record<string, string> = {
  queued: '🕓',
  pending: '🕓',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '✗',
};

type RowContext = { t: TFunction; lng: string; tz: string; assigneeName: (id: number) => string };

// Rows are plain elements and take the texts and the zone from the list: 25 of
// them render on a phone's first paint, each Mantine component or hook counts.
function Row({ lead, ctx: { t, lng, tz, assigneeName } }: { lead: Lead; ctx: RowContext }) {
  const name = leadDisplayName(lead) || t('leads.unnamed');
  const last = lead.last_message ?? null;
  const when = last?.at ?? lead.last_activity_at ?? lead.created_at;
  const tick = last && last.direction === 'out' && last.status ? TICKS[last.status] : undefined;
  const who = last ? (last.direction === 'in' ? '' : last.is_ai ? t('inbox.byAi') : t('inbox.byUs')) : '';
  const waited = lead.needs_reply ? formatWaited(lead.last_inbound_at ?? last?.at, lng) : '';
  return (
    <li>
      <Link
        to={paths.lead.getHref(lead.id)}
        className={`fd-convo ${lead.needs_reply ? 'fd-convo-waiting' : ''}`}
        data-testid="lead-row"
        data-lead-id={lead.id}
        data-needs-reply={lead.needs_reply ? 'true' : 'false'}
      >
        <span className="fd-convo-avatar" aria-hidden="true">
          {name.trim().charAt(0).toUpperCase() || '?'}
        </span>
        <span className="fd-convo-main">
          <span className="fd-convo-line">
            <span className="fd-grow fd-truncate fd-convo-name" dir="auto">
              {name}
            </span>
            <time className="fd-convo-time" dateTime={when} data-testid="convo-time">
              {formatMessageTime(when, lng, tz)}
            </time>
          </span>
          <span className="fd-convo-line">
            <span className="fd-grow fd-truncate fd-convo-preview" data-testid="convo-preview">
              {tick && (
                <span
                  className={`fd-tick ${last?.status === 'read' ? 'fd-tick-blue' : last?.status === 'failed' ? 'fd-tick-red' : ''}`}
                >
                  <span aria-hidden="true">{tick} </span>
                  <span className="fd-visually-hidden">
                    {t(`delivery.${last?.status === 'queued' ? 'pending' : last?.status}`)}:{' '}
                  </span>
                </span>
              )}
              {who && <span>{who}: </span>}
              <bdi>{last ? last.body : t('inbox.noMessages')}</bdi>
            </span>
            {lead.needs_reply && (
              <Badge size="sm" color="#9c3508" variant="filled" data-testid="needs-reply-badge">
                {waited ? t('inbox.waited', { time: waited }) : t('inbox.needsReply')}
              </Badge>
            )}
          </span>
          <span className="fd-convo-assignee" data-testid="convo-assignee">
            {lead.assignee_user_id === null
              ? t('inbox.nobody')
              : t('inbox.assignee', { name: assigneeName(lead.assignee_user_id) })}
          </span>
        </span>
      </Link>
    </li>
  );
}

/** Leads as a WhatsApp-like list of conversations: the last message, its time, the wait, the assignee. */
export function ConversationList({ leads, names }: { leads: Lead[]; names: ReadonlyMap<number, string> }) {
  const { t, i18n } = useTranslation();
  const tz = useTimezone();
  const ctx: RowContext = {
    t,
    lng: i18n.language,
    tz,
    assigneeName: (id: number) => names.get(id) ?? t('activity.userN', { id }),
  };
  return (
    <ul className="fd-convo-list" data-testid="conversation-list">
      {leads.map((l) => (
        <Row key={l.id} lead={l} ctx={ctx} />
      ))}
    </ul>
  );
}
