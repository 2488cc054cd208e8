import { ActionIcon, Badge, Button, Group, Indicator, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { DateTime } from '@/components/ui/date-time';
import { paths } from '@/config/paths';
import type { AppNotification } from '@/types/api';
import { useNotifications } from '../api/get-notifications';
import { useMarkNotificationRead } from '../api/mark-notification-read';

function BellIcon() {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** Header bell: unread count, recent notifications, mark read. Live via /api/events. */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [opened, { toggle, close }] = useDisclosure(false);
  const query = useNotifications({ page: 1, page_size: 20 });
  const markRead = useMarkNotificationRead();
  const unread = query.data?.unread ?? 0;
  const items = query.data?.items ?? [];

  const open = (n: AppNotification) => {
    if (!n.read_at) markRead.mutate(n.id);
    close();
    if (n.lead_id) void navigate(paths.lead.getHref(n.lead_id));
  };

  return (
    <Popover
      opened={opened}
      onChange={(o) => (o ? undefined : close())}
      position="bottom-end"
      width={340}
      shadow="md"
      withinPortal
      trapFocus
    >
      <Popover.Target>
        {/* The button itself is the popover's target (its aria-expanded belongs on a button). */}
        <ActionIcon
          variant="subtle"
          color="gray"
          size="lg"
          onClick={toggle}
          aria-label={t('notifications.bellLabel', { count: unread })}
          data-testid="bell"
          data-unread={unread}
        >
          <Indicator
            label={unread > 99 ? '99+' : unread}
            size={18}
            disabled={unread === 0}
            color="red.9"
            offset={-2}
            inline
          >
            <BellIcon />
          </Indicator>
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown p="xs" data-testid="bell-dropdown">
        <Group justify="space-between" mb="xs" px={4}>
          <Text fw={600}>{t('notifications.title')}</Text>
          {unread > 0 && (
            <Badge color="red" variant="light" data-testid="bell-unread">
              {t('notifications.unread', { count: unread })}
            </Badge>
          )}
        </Group>
        {query.error && <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />}
        {!query.error && items.length === 0 && (
          <Text size="sm" c="dimmed" p="sm">
            {t('notifications.empty')}
          </Text>
        )}
        <Stack gap={2} className="fd-bell-list" role="list">
          {items.map((n) => (
            <div role="listitem" key={n.id}>
              <UnstyledButton
                className={`fd-notif ${n.read_at ? '' : 'fd-notif-unread'}`}
                onClick={() => open(n)}
                data-testid="notification-item"
                data-kind={n.kind}
                data-read={n.read_at ? 'true' : 'false'}
              >
                <Text size="sm" fw={n.read_at ? 400 : 600}>
                  {n.title}
                </Text>
                {n.body && (
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {n.body}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  <DateTime value={n.created_at} />
                </Text>
              </UnstyledButton>
            </div>
          ))}
        </Stack>
        {items.some((n) => !n.read_at) && (
          <Button
            variant="subtle"
            size="xs"
            fullWidth
            mt="xs"
            loading={markRead.isPending}
            onClick={() => items.filter((n) => !n.read_at).forEach((n) => markRead.mutate(n.id))}
            data-testid="bell-mark-all"
          >
            {t('notifications.markAllRead')}
          </Button>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
