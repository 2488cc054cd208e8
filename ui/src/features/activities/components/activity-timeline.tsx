import { Badge, Group, Text, Timeline } from '@mantine/core';
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
};

function str(data: unknown, key: string): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const v = (data as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

function ActivityBody({ activity }: { activity: Activity }) {
  const { t } = useTranslation();
  if (activity.kind === 'call') {
    return (
      <>
        {activity.body && (
          <Text size="sm" className="fd-pre">
            {activity.body}
          </Text>
        )}
        <CallTranscript data={activity.data} />
      </>
    );
  }
  const from = str(activity.data, 'from');
  const to = str(activity.data, 'to');
  const provider = str(activity.data, 'provider');
  return (
    <>
      {activity.kind === 'status_change' && from && to && (
        <Text size="sm">
          {t(`leadStatus.${from}`, { defaultValue: from })} → {t(`leadStatus.${to}`, { defaultValue: to })}
        </Text>
      )}
      {activity.body && (
        <Text size="sm" className="fd-pre">
          <bdi>{activity.body}</bdi>
        </Text>
      )}
      {provider && (
        <Text size="xs" c="dimmed">
          {t('activity.viaProvider', { provider })}
        </Text>
      )}
    </>
  );
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
          title={
            <Group gap="xs" wrap="wrap">
              <Badge size="sm" variant="light" color={KIND_COLORS[a.kind] ?? 'gray'}>
                {t(`activityKind.${a.kind}`, { defaultValue: a.kind })}
              </Badge>
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
