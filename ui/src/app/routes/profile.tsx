import { Paper } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/ui/page-header';
import { useSession } from '@/lib/auth';
import { ProfileForm } from '@/features/profile/components/profile-form';

export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  return (
    <>
      <PageHeader title={t('profile.title')} />
      <Paper withBorder p="md">
        <ProfileForm me={me} />
      </Paper>
    </>
  );
}
