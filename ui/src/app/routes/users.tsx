import { Button, Modal, Paper } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { useSession } from '@/lib/auth';
import { useUsers } from '@/features/users/api/get-users';
import { NewUserForm } from '@/features/users/components/new-user-form';
import { UsersTable } from '@/features/users/components/users-table';

export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  const users = useUsers();
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <PageHeader
        title={t('users.title')}
        actions={
          <Button onClick={open} data-testid="new-user">
            {t('users.add')}
          </Button>
        }
      />
      <Paper withBorder p="sm">
        {users.isPending && <PageLoader />}
        {users.error && <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />}
        {users.data && <UsersTable users={users.data.items} selfId={me.user.id} />}
      </Paper>
      <Modal opened={opened} onClose={close} title={t('users.add')}>
        <NewUserForm onDone={close} onCancel={close} />
      </Modal>
    </>
  );
}
