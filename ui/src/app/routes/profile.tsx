import '@/i18n/appointments';
import { Paper, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/ui/page-header';
import { canManage, useSession, useTimezone } from '@/lib/auth';
import { ProfileForm } from '@/features/profile/components/profile-form';
import { CalendarFeed } from '@/features/profile/components/calendar-feed';
import { StaffHours } from '@/features/business/components/staff-hours';

export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  const tz = useTimezone();
  return (
    <>
      <PageHeader title={t('profile.title')} />
      <Paper withBorder p="md">
        <ProfileForm me={me} />
      </Paper>
      <Paper withBorder p="md" mt="md">
        <Title order={3} size="h5" mb="sm">
          {t('icsFeed.title')}
        </Title>
        <CalendarFeed />
      </Paper>
      {!canManage(me) && (
        <Paper withBorder p="md" mt="md">
          <Title order={3} size="h5" mb="sm">
            {t('staffHours.mine')}
          </Title>
          <StaffHours staff={[]} tz={tz} editable={false} selfId={me.user.id} />
        </Paper>
      )}
    </>
  );
}
