import { Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { DateTime } from '@/components/ui/date-time';
import { useLeadReminders } from '../api/get-lead-reminders';
import { ReminderActions } from './reminder-actions';
import { ReminderStatusBadge } from './reminder-status-badge';

export function LeadReminders({ leadId }: { leadId: number }) {
  const { t } = useTranslation();
  const query = useLeadReminders(leadId);
  if (query.error) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data?.items ?? [];
  const order: Record<string, number> = { pending: 0, failed: 1, fired: 2, cancelled: 3 };
  const sorted = [...items].sort(
    (a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9) || a.due_at.localeCompare(b.due_at),
  );
  if (query.isPending) return null;
  if (sorted.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('reminders.noneForLead')}
      </Text>
    );
  return (
    <Stack gap="xs" data-testid="lead-reminders">
      {sorted.map((r) => (
        <div key={r.id} data-testid="lead-reminder" data-status={r.status}>
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <div>
              <Group gap={6}>
                <ReminderStatusBadge status={r.status} />
                {r.call && (
                  <Badge size="sm" variant="outline" color="blue" data-testid="reminder-call-badge">
                    {r.call_outcome
                      ? t(`activity.callbackOutcome.${r.call_outcome}`, { defaultValue: r.call_outcome })
                      : t('reminders.callBadge')}
                  </Badge>
                )}
                <Text size="sm" fw={500}>
                  <DateTime value={r.due_at} seconds />
                </Text>
              </Group>
              {r.note && (
                <Text size="sm" className="fd-pre">
                  {r.note}
                </Text>
              )}
              {r.last_error && (
                <Text size="xs" c="red">
                  {r.last_error}
                </Text>
              )}
            </div>
            <ReminderActions reminder={r} />
          </Group>
        </div>
      ))}
    </Stack>
  );
}
