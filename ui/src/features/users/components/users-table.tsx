import { Badge, Button, Group, Select, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DateTime } from '@/components/ui/date-time';
import { notifySuccess } from '@/lib/notify';
import type { BusinessUser, Role } from '@/types/api';
import { useEndUserSessions } from '../api/end-user-sessions';
import { useUpdateUser } from '../api/update-user';

function UserRow({ user, isSelf }: { user: BusinessUser; isSelf: boolean }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const endSessions = useEndUserSessions(() =>
    notifySuccess(t('users.sessionsEnded', { name: user.name || user.email })),
  );
  const editable = !isSelf && user.role !== 'system_admin';
  return (
    <Table.Tr data-testid="user-row" data-user-email={user.email}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {user.name}
        </Text>
        <Text size="xs" c="dimmed" dir="ltr" ta="start">
          {user.email}
        </Text>
      </Table.Td>
      <Table.Td>
        {editable ? (
          <Select
            size="xs"
            w={120}
            aria-label={t('users.role')}
            data={[
              { value: 'agent', label: t('roles.agent') },
              { value: 'owner', label: t('roles.owner') },
            ]}
            value={user.role}
            onChange={(v) => v && v !== user.role && update.mutate({ userId: user.id, data: { role: v as Role } })}
            allowDeselect={false}
            disabled={update.isPending}
          />
        ) : (
          <Text size="sm">{t(`roles.${user.role}`)}</Text>
        )}
      </Table.Td>
      <Table.Td>
        {user.disabled ? (
          <Badge color="gray" variant="light">
            {t('users.disabled')}
          </Badge>
        ) : (
          <Badge color="green" variant="light">
            {t('users.active')}
          </Badge>
        )}
      </Table.Td>
      <Table.Td className="fd-hide-mobile">
        <Text size="xs" c="dimmed">
          <DateTime value={user.created_at} />
        </Text>
      </Table.Td>
      <Table.Td>
        {editable && (
          <Group gap={4} wrap="nowrap">
            <Button
              size="compact-xs"
              variant="light"
              color={user.disabled ? 'teal' : 'orange'}
              loading={update.isPending}
              onClick={() => update.mutate({ userId: user.id, data: { disabled: !user.disabled } })}
              data-testid="user-toggle-disabled"
            >
              {user.disabled ? t('users.enable') : t('users.disable')}
            </Button>
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              loading={endSessions.isPending}
              onClick={() => endSessions.mutate(user.id)}
              data-testid="user-end-sessions"
            >
              {t('users.endSessions')}
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function UsersTable({ users, selfId }: { users: BusinessUser[]; selfId: number }) {
  const { t } = useTranslation();
  return (
    <div className="fd-table-wrap" tabIndex={0}>
      <Table verticalSpacing="xs" data-testid="users-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('users.user')}</Table.Th>
            <Table.Th>{t('users.role')}</Table.Th>
            <Table.Th>{t('users.status')}</Table.Th>
            <Table.Th className="fd-hide-mobile">{t('users.created')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <UserRow key={u.id} user={u} isSelf={u.id === selfId} />
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
