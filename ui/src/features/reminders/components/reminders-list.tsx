import { Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DateTime } from '@/components/ui/date-time';
import { paths } from '@/config/paths';
import type { Reminder } from '@/types/api';
import { ReminderActions } from './reminder-actions';
import { ReminderStatusBadge } from './reminder-status-badge';

export function RemindersList({ items, empty }: { items: Reminder[]; empty: string }) {
  const { t } = useTranslation();
  if (items.length === 0)
    return (
      <Text c="dimmed" py="md" ta="center">
        {empty}
      </Text>
    );
  return (
    <Stack gap="xs">
      {items.map((r) => (
        <Paper key={r.id} withBorder p="sm" data-testid="my-reminder" data-status={r.status}>
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2}>
              <Group gap={6}>
                <ReminderStatusBadge status={r.status} />
                <Text fw={500} size="sm">
                  <DateTime value={r.due_at} />
                </Text>
                <Anchor component={Link} to={paths.lead.getHref(r.lead_id)} size="sm">
                  {t('reminders.lead', { id: r.lead_id })}
                </Anchor>
              </Group>
              {r.note && (
                <Text size="sm" className="fd-pre">
                  {r.note}
                </Text>
              )}
            </Stack>
            <ReminderActions reminder={r} />
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
