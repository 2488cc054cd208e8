import { Badge, Text } from '@mantine/core';
import { useDeferredValue, useEffect, useRef } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageLoader } from '@/components/ui/page-loader';
import { useTimezone } from '@/lib/auth';
import { formatDateTime, formatMessageTime } from '@/lib/format';
import type { Activity } from '@/types/api';
import { useActivities } from '../api/get-activities';
import { deliveryTick } from '../lib/describe';
import { MessageMedia, mediaOf } from './message-media';

const MESSAGE_KINDS: ReadonlySet<string> = new Set(['message_in', 'message_out', 'ai_reply']);

// A bubble takes the texts and the zone from the list (one hook each for the whole chat).
function Bubble({ activity, t, lng, tz }: { activity: Activity; t: TFunction; lng: string; tz: string }) {
  const incoming = activity.kind === 'message_in';
  const tick = incoming ? null : deliveryTick(activity.message_status);
  const files = mediaOf(activity.data);
  const tickLabel = tick ? t(`delivery.${tick.state}`) : '';
  return (
    <li
      className={`fd-bubble ${incoming ? 'fd-bubble-in' : 'fd-bubble-out'}`}
      data-testid="chat-message"
      data-kind={activity.kind}
      data-direction={incoming ? 'in' : 'out'}
    >
      <span className="fd-visually-hidden">{incoming ? t('chat.fromCustomer') : t('chat.fromUs')}</span>
      {activity.kind === 'ai_reply' && (
        <Badge size="xs" color="cyan.9" variant="filled" className="fd-bubble-ai" data-testid="chat-ai">
          {t('chat.ai')}
        </Badge>
      )}
      {activity.body && (
        <Text size="sm" className="fd-pre" dir="auto" data-testid="chat-body">
          {activity.body}
        </Text>
      )}
      {files.map((m, i) => (
        <div key={i} className="fd-bubble-media">
          <MessageMedia media={m} />
        </div>
      ))}
      <div className="fd-bubble-meta">
        <time dateTime={activity.created_at} title={formatDateTime(activity.created_at, lng, tz)}>
          {formatMessageTime(activity.created_at, lng, tz)}
        </time>
        {tick && (
          <span
            className={`fd-tick fd-tick-${tick.color}`}
            role="img"
            aria-label={tickLabel}
            title={tickLabel}
            data-testid="chat-tick"
            data-state={tick.state}
          >
            {tick.symbol}
          </span>
        )}
      </div>
      {tick?.state === 'failed' && activity.message_error && (
        <Text size="xs" c="red.8" dir="auto" data-testid="chat-error">
          {activity.message_error}
        </Text>
      )}
    </li>
  );
}

/**
 * The lead's messages as a chat: the customer's on the start side, ours on
 * the end side (the AI's marked), oldest first, kept scrolled to the newest.
 */
export function Conversation({ leadId }: { leadId: number }) {
  const { t, i18n } = useTranslation();
  const tz = useTimezone();
  const query = useActivities(leadId);
  // The bubbles render as a transition (in slices) when they arrive, not in one long task.
  const items = useDeferredValue(query.data?.items);
  const listRef = useRef<HTMLOListElement>(null);
  const messages = (items ?? [])
    .filter((a) => MESSAGE_KINDS.has(a.kind))
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
  const last = messages.at(-1)?.id;
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [last]);
  if (query.error) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (!items) return <PageLoader />;
  if (messages.length === 0) {
    return (
      <Text c="dimmed" ta="center" py="lg" size="sm" data-testid="chat-empty">
        {t('chat.empty')}
      </Text>
    );
  }
  return (
    // Focusable, so the history scrolls from the keyboard too.
    <ol ref={listRef} className="fd-chat" data-testid="chat" tabIndex={0} aria-label={t('chat.title')}>
      {messages.map((m) => (
        <Bubble key={m.id} activity={m} t={t} lng={i18n.language} tz={tz} />
      ))}
    </ol>
  );
}
