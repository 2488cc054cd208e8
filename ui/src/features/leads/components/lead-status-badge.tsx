import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LEAD_STATUS_COLORS as COLORS } from '../lib/status-colors';

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
