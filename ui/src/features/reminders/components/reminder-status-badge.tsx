import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = { pending: 'blue', fired: 'green', failed: 'red', cancelled: 'gray' };

export function ReminderStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge
      size="sm"
      variant="light"
      color={COLORS[status] ?? 'gray'}
      data-testid="reminder-status"
      data-status={status}
    >
      {t(`reminderStatus.${status}`, { defaultValue: status })}
    </Badge>
  );
}
