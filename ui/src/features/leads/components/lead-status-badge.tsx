import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = {
  new: 'blue',
  contacted: 'cyan',
  qualified: 'violet',
  won: 'green',
  lost: 'red',
  archived: 'gray',
};

export function LeadStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={COLORS[status] ?? 'gray'}
      variant="light"
      className="fd-badge-full"
      data-testid="lead-status-badge"
      data-status={status}
    >
      {t(`leadStatus.${status}`, { defaultValue: status })}
    </Badge>
  );
}
