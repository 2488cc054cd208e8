import { Alert, Anchor, Badge, Group, Text, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { DateTime } from '@/components/ui/date-time';
import { PageLoader } from '@/components/ui/page-loader';
import { useTimezone } from '@/lib/auth';
import { formatDateTime } from '@/lib/format';
import type { Activity } from '@/types/api';
import { useActivities } from '../api/get-activities';
import { assignedTo, deliveryTick, describeAiAction, OUTGOING_KINDS, pauseReason } from '../lib/describe';
import { CallTranscript } from './call-transcript';

/** Names of the business's users by id (for `assigned` entries); ids are shown when unknown. */
export type UserNames = ReadonlyMap<number, string>;

const KIND_COLORS: Record<string, string> = {
  created: 'blue',
  status_change: 'violet',
  note: 'gray',
  message_in: 'green',
  message_out: 'teal',
  call: 'orange',
  reminder_set: 'yellow',
  reminder_fired: 'yellow',
  ai_reply: 'cyan',
  ai_error: 'red',
  ai_action: 'cyan',
  ai_paused: 'orange',
  ai_resumed: 'teal',
  assigned: 'indigo',
  call_summary: 'orange',
  voicemail: 'orange',
  updated: 'gray',
};

/** Entries written by the AI itself (no user): shown with the AI as the actor. */
const AI_KINDS: ReadonlySet<string> = new Set(['ai_action', 'ai_reply']);

function field(data: unknown, key: string): unknown {
  if (!data || typeof data !== 'object') return undefined;
  return (data as Record<string, unknown>)[key];
}

function str(data: unknown, key: string): string | undefined {
  const v = field(data, key);
  return typeof v === 'string' ? v : undefined;
}

type Media = { kind?: string; url: string; content_type?: string };
function media(data: unknown): Media[] {
  const v = field(data, 'media');
  if (!Array.isArray(v)) return [];
  return v.filter(
    (m): m is Media =>
      !!m && typeof m === 'object' && typeof (m as Media).url === 'string' && /^https?:\/\//.test((m as Media).url),
  );
}

function Body({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <Text size="sm" className="fd-pre" data-testid="activity-body">
      <bdi>{text}</bdi>
    </Text>
  );
}

function Provider({ data }: { data: unknown }) {
  const { t } = useTranslation();
  const provider = str(data, 'provider');
  if (!provider) return null;
  return (
    <Text size="xs" c="dimmed" data-testid="activity-provider" data-provider={provider}>
      {t('activity.viaProvider', { provider })}
    </Text>
  );
}

/** ✓ sent, ✓✓ delivered, blue ✓✓ read, red ✗ failed with the reason. */
function Delivery({ activity }: { activity: Activity }) {
  const { t } = useTranslation();
  const tick = deliveryTick(activity.message_status);
  if (!tick) return null;
  const label = t(`delivery.${tick.state}`);
  return (
    <Group gap={4} wrap="nowrap" data-testid="delivery" data-state={tick.state}>
      <Text
        size="xs"
        fw={700}
        c={tick.color === 'blue' ? 'blue.6' : tick.color === 'red' ? 'red.7' : 'gray.6'}
        title={label}
        aria-label={label}
        className="fd-ltr"
      >
        {tick.symbol}
      </Text>
      <Text size="xs" c={tick.color === 'red' ? 'red.7' : 'dimmed'}>
        {label}
      </Text>
      {tick.state === 'failed' && activity.message_error && (
        <Text size="xs" c="red.7" data-testid="delivery-error">
          — <bdi>{activity.message_error}</bdi>
        </Text>
      )}
    </Group>
  );
}

function AiAction({ activity }: { activity: Activity }) {
  const { t, i18n } = useTranslation();
  const tz = useTimezone();
  const d = describeAiAction(activity, t, (iso) => formatDateTime(iso, i18n.language, tz));
  return (
    <div data-testid="ai-action" data-tool={d.tool} data-refused={d.refused ? 'true' : 'false'}>
      <Group gap="xs" wrap="wrap">
        {d.refused && (
          <Badge size="sm" color="red" variant="light" data-testid="ai-action-refused">
            {t('aiAction.refused')}
          </Badge>
        )}
        <Text size="sm" td={d.refused ? 'line-through' : undefined} data-testid="ai-action-text">
          <bdi>{d.text}</bdi>
        </Text>
      </Group>
      {d.refused && d.reason && (
        <Text size="xs" c="red.7" data-testid="ai-action-reason">
          {t('aiAction.refusedReason')}: <bdi>{d.reason}</bdi>
        </Text>
      )}
      {d.channel && (
        <Text size="xs" c="dimmed">
          {t(`aiAction.channel.${d.channel}`, { defaultValue: d.channel })}
        </Text>
      )}
    </div>
  );
}

function ActivityBody({ activity, userNames }: { activity: Activity; userNames?: UserNames }) {
  const { t } = useTranslation();
  const { kind, body, data } = activity;
  switch (kind) {
    case 'call':
      return <CallTranscript data={data} body={body} />;
    case 'ai_error':
      return (
        <Alert color="red" variant="light" p="xs" data-testid="ai-error" title={t('activity.aiErrorTitle')}>
          <Text size="sm" className="fd-pre" data-testid="activity-body">
            <bdi>{body || t('errors.unknown')}</bdi>
          </Text>
        </Alert>
      );
    case 'message_in':
    case 'message_out':
    case 'ai_reply': {
      const files = media(data);
      return (
        <div className={`fd-msg fd-msg-${kind === 'message_in' ? 'in' : 'out'}`}>
          <Body text={body} />
          {files.length > 0 && (
            <Group gap="xs" mt={4}>
              {files.map((m, i) => (
                <Anchor
                  key={i}
                  href={m.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  size="xs"
                  data-testid="activity-media"
                >
                  {t('activity.attachment', { kind: m.kind || m.content_type || '' })}
                </Anchor>
              ))}
            </Group>
          )}
          <Group gap="xs" wrap="wrap">
            {OUTGOING_KINDS.has(kind) && <Delivery activity={activity} />}
            {str(data, 'automatic') === 'missed_call_text' && (
              <Badge size="xs" variant="outline" color="gray" data-testid="automatic-text">
                {t('activity.automaticMissedCall')}
              </Badge>
            )}
            <Provider data={data} />
          </Group>
        </div>
      );
    }
    case 'ai_action':
      return <AiAction activity={activity} />;
    case 'call_summary': {
      const suggested = str(data, 'suggested_status');
      return (
        <div data-testid="call-summary">
          <Body text={body} />
          {suggested && (
            <Text size="xs" c="dimmed" data-testid="call-summary-status">
              {t('activity.suggestedStatus')}: {t(`leadStatus.${suggested}`, { defaultValue: suggested })}
            </Text>
          )}
        </div>
      );
    }
    case 'voicemail': {
      const callId = field(data, 'call_id');
      // The server fetches the recording from Twilio (with the account's
      // credentials) and serves it from this origin, which the page's CSP allows.
      const playable = str(data, 'recording_url') !== undefined && Number.isInteger(callId);
      const url = playable ? `/api/calls/${callId as number}/recording` : undefined;
      return url ? (
        <div data-testid="voicemail">
          <audio controls preload="none" src={url} aria-label={t('activity.voicemail')} />
          <Anchor href={url} target="_blank" rel="noopener noreferrer" size="xs" data-testid="voicemail-link">
            {t('activity.playVoicemail')}
          </Anchor>
        </div>
      ) : (
        <Text size="sm">{t('activity.voicemail')}</Text>
      );
    }
    case 'ai_paused': {
      const until = str(data, 'until');
      return (
        <>
          <Text size="sm" data-testid="ai-paused-text">
            {until ? (
              <>
                {t('activity.aiPausedUntil')} <DateTime value={until} />
              </>
            ) : (
              t('activity.aiPaused')
            )}
          </Text>
          <Body text={pauseReason(body, t)} />
        </>
      );
    }
    case 'ai_resumed':
      return (
        <>
          <Text size="sm" data-testid="ai-resumed-text">
            {t('activity.aiResumed')}
          </Text>
          <Body text={body} />
        </>
      );
    case 'assigned': {
      const { to } = assignedTo(data);
      const name = (id: number) => userNames?.get(id) ?? t('activity.userN', { id });
      return (
        <>
          <Text size="sm" data-testid="assigned-text">
            {to === null ? t('activity.unassigned') : t('activity.assignedTo', { name: name(to) })}
          </Text>
          <Body text={body} />
        </>
      );
    }
    case 'status_change': {
      const from = str(data, 'from');
      const to = str(data, 'to');
      return (
        <>
          {from && to && (
            <Text size="sm">
              {t(`leadStatus.${from}`, { defaultValue: from })} → {t(`leadStatus.${to}`, { defaultValue: to })}
            </Text>
          )}
          <Body text={body} />
        </>
      );
    }
    case 'updated': {
      const fields = field(data, 'fields');
      const names = Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
      return (
        <>
          {names.length > 0 && (
            <Text size="xs" c="dimmed">
              {t('activity.changedFields', { fields: names.join(', ') })}
            </Text>
          )}
          <Body text={body} />
        </>
      );
    }
    default:
      return (
        <>
          <Body text={body} />
          <Provider data={data} />
        </>
      );
  }
}

export function ActivityTimeline({ leadId, userNames }: { leadId: number; userNames?: UserNames }) {
  const { t } = useTranslation();
  const query = useActivities(leadId);
  if (query.isPending) return <PageLoader />;
  if (query.error) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data.items;
  if (items.length === 0) return <Text c="dimmed">{t('activity.empty')}</Text>;
  return (
    <Timeline bulletSize={14} lineWidth={2} data-testid="timeline">
      {items.map((a) => (
        <Timeline.Item
          key={a.id}
          color={KIND_COLORS[a.kind] ?? 'gray'}
          data-testid="activity"
          data-kind={a.kind}
          data-activity-id={a.id}
          title={
            <Group gap="xs" wrap="wrap">
              <Badge size="sm" variant="light" color={KIND_COLORS[a.kind] ?? 'gray'}>
                {t(`activityKind.${a.kind}`, { defaultValue: a.kind })}
              </Badge>
              {AI_KINDS.has(a.kind) && (
                <Badge size="sm" variant="filled" color="cyan" data-testid="ai-badge" title={t('activity.aiTitle')}>
                  AI
                </Badge>
              )}
              <Text size="xs" c="dimmed">
                <DateTime value={a.created_at} />
                {a.actor_name ? ` · ${a.actor_name}` : AI_KINDS.has(a.kind) ? ` · ${t('activity.actorAi')}` : ''}
              </Text>
            </Group>
          }
        >
          <ActivityBody activity={a} userNames={userNames} />
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
