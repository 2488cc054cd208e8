import '@/i18n/appointments';
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AppointmentStatus } from '@/types/api';

const COLORS: Record<AppointmentStatus, string> = {
  booked: 'blue',
  confirmed: 'teal',
  completed: 'gray',
  no_show: 'orange',
  cancelled: 'gray',
};

export function AppointmentStatusBadge({ status }: { status: AppointmentStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={COLORS[status] ?? 'gray'}
      variant={status === 'cancelled' ? 'outline' : 'light'}
      data-testid="appointment-status"
      data-status={status}
    >
      {t(`appointments.status.${status}`)}
    </Badge>
  );
}
