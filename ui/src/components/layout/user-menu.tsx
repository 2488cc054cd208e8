import { Button, Menu, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useLogout, useSession } from '@/lib/auth';
import { paths } from '@/config/paths';
import { UserFace } from './user-face';

export function UserMenu() {
  const { t } = useTranslation();
  const me = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={240}>
      <Menu.Target>
        <Button variant="default" size="xs" radius="xl" title={t('header.userMenu')} data-testid="user-menu" px="xs">
          <UserFace />
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="dark">
            {me.user.name}
          </Text>
          <Text size="xs" c="dimmed" dir="ltr" ta="start">
            {me.user.email}
          </Text>
          <Text size="xs" c="dimmed">
            {t(`roles.${me.user.role}`)}
            {me.tenant ? ` · ${me.tenant.name}` : ''}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item data-testid="nav-profile" onClick={() => void navigate(paths.profile.getHref())}>
          {t('profile.title')}
        </Menu.Item>
        <Menu.Item
          data-testid="logout"
          color="red"
          disabled={logout.isPending}
          onClick={() =>
            logout.mutate(undefined, { onSettled: () => void navigate(paths.login.getHref(), { replace: true }) })
          }
        >
          {t('header.logout')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
