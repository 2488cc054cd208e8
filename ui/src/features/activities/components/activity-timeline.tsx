import { Alert, Anchor, Badge, Group, Text, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { DateTime } from '@/components/ui/date-time';
import { PageLoader } from '@/components/ui/page-loader';
import type { Activity } from '@/types/api';
import { useActivities } from '../api/get-activities';
import { CallTranscript } from './call-transcript';

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
  updated: 'gray',
};

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

function ActivityBody({ activity }: { activity: Activity }) {
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
          <Provider data={data} />
        </div>
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

export function ActivityTimeline({ leadId }: { leadId: number }) {
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
              {a.kind === 'ai_reply' && (
                <Badge size="sm" variant="filled" color="cyan" data-testid="ai-badge" title={t('activity.aiTitle')}>
                  AI
                </Badge>
              )}
              <Text size="xs" c="dimmed">
                <DateTime value={a.created_at} />
                {a.actor_name ? ` · ${a.actor_name}` : ''}
              </Text>
            </Group>
          }
        >
          <ActivityBody activity={a} />
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
