import '@/i18n/appointments';
import { Paper, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useTimezone } from '@/lib/auth';
import type { CurrentBusiness } from '@/types/api';
import { BookingSettingsForm } from '@/features/business/components/booking-settings-form';
import { StaffHours } from '@/features/business/components/staff-hours';
import { ServicesManager } from '@/features/services/components/services-manager';
import { useStaff } from './use-staff';

/** Settings of appointments (owners): services, each staff member's hours and time off, booking rules. */
export function AppointmentSettings({ business }: { business: CurrentBusiness }) {
  const { t } = useTranslation();
  const tz = useTimezone();
  const staff = useStaff();
  return (
    <>
      <Paper withBorder p="md" data-testid="settings-services">
        <Title order={3} size="h5" mb="sm">
          {t('services.title')}
        </Title>
        <ServicesManager staff={staff} />
      </Paper>
      <Paper withBorder p="md" data-testid="settings-staff-hours">
        <Title order={3} size="h5" mb="sm">
          {t('staffHours.title')}
        </Title>
        <StaffHours staff={staff} tz={tz} editable selfId={0} />
      </Paper>
      <Paper withBorder p="md" data-testid="settings-booking">
        <Title order={3} size="h5" mb="sm">
          {t('booking.title')}
        </Title>
        <BookingSettingsForm business={business} />
      </Paper>
    </>
  );
}
