import { Badge, Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNow } from '@/hooks/use-now';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { useMyReminders } from '@/features/reminders/api/get-my-reminders';
import { RemindersList } from '@/features/reminders/components/reminders-list';

export function Component() {
  const { t } = useTranslation();
  const pending = useMyReminders({ status: 'pending' });
  const fired = useMyReminders({ status: 'fired' });
  const now = useNow(30_000);
  const pendingItems = [...(pending.data?.items ?? [])].sort((a, b) => a.due_at.localeCompare(b.due_at));
  const due = pendingItems.filter((r) => new Date(r.due_at).getTime() <= now);
  const upcoming = pendingItems.filter((r) => new Date(r.due_at).getTime() > now);
  const firedItems = [...(fired.data?.items ?? [])].sort((a, b) => b.due_at.localeCompare(a.due_at));

  return (
    <>
      <PageHeader title={t('reminders.mine')} />
      {pending.error && <ErrorAlert error={pending.error} onRetry={() => void pending.refetch()} />}
      {pending.isPending ? (
        <PageLoader />
      ) : (
        <Tabs defaultValue={due.length > 0 ? 'due' : 'upcoming'} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab
              value="due"
              rightSection={
                due.length ? (
                  <Badge size="xs" color="red">
                    {due.length}
                  </Badge>
                ) : null
              }
              data-testid="tab-due"
            >
              {t('reminders.due_tab')}
            </Tabs.Tab>
            <Tabs.Tab value="upcoming" data-testid="tab-upcoming">
              {t('reminders.upcoming_tab')}
            </Tabs.Tab>
            <Tabs.Tab value="fired" data-testid="tab-fired">
              {t('reminders.fired_tab')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="due">
            <RemindersList items={due} empty={t('reminders.noneDue')} />
          </Tabs.Panel>
          <Tabs.Panel value="upcoming">
            <RemindersList items={upcoming} empty={t('reminders.noneUpcoming')} />
          </Tabs.Panel>
          <Tabs.Panel value="fired">
            {fired.error ? (
              <ErrorAlert error={fired.error} />
            ) : (
              <RemindersList items={firedItems} empty={t('reminders.noneFired')} />
            )}
          </Tabs.Panel>
        </Tabs>
      )}
    </>
  );
}
