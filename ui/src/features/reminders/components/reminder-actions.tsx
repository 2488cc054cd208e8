import { Button, Group, Menu, Modal, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZonedDateTimeInput } from '@/components/form/zoned-date-time-input';
import { useTimezone } from '@/lib/auth';
import { dateToWallTime, toRfc3339, wallTimeToDate } from '@/lib/zoned-time';
import type { Reminder } from '@/types/api';
import { useCancelReminder } from '../api/cancel-reminder';
import { useSnoozeReminder } from '../api/snooze-reminder';
import { PRESETS, presetDate } from './reminder-presets';

/** Snooze (presets or a chosen time) and cancel, for a pending reminder. */
export function ReminderActions({ reminder }: { reminder: Reminder }) {
  const { t } = useTranslation();
  const tz = useTimezone();
  const snooze = useSnoozeReminder();
  const cancel = useCancelReminder();
  const [opened, { open, close }] = useDisclosure(false);
  const [custom, setCustom] = useState<string | null>(null);
  if (reminder.status !== 'pending' && reminder.status !== 'failed') return null;
  const busy = snooze.isPending || cancel.isPending;

  const openCustom = () => {
    setCustom(dateToWallTime(new Date(reminder.due_at), tz));
    open();
  };
  const customDate = custom ? wallTimeToDate(custom, tz) : null;

  return (
    <Group gap={4} wrap="nowrap">
      <Menu withinPortal position="bottom-end">
        <Menu.Target>
          <Button
            size="compact-xs"
            variant="light"
            loading={snooze.isPending}
            disabled={busy}
            data-testid="reminder-snooze"
          >
            {t('reminders.snooze')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {PRESETS.map((p) => (
            <Menu.Item
              key={p}
              onClick={() => snooze.mutate({ reminderId: reminder.id, due_at: toRfc3339(presetDate(p, tz)) })}
            >
              {t(`reminders.presets.${p}`)}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={openCustom}>{t('reminders.pickTime')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Button
        size="compact-xs"
        variant="subtle"
        color="red"
        loading={cancel.isPending}
        disabled={busy}
        onClick={() => cancel.mutate(reminder.id)}
        data-testid="reminder-cancel"
      >
        {t('reminders.cancel')}
      </Button>
      <Modal opened={opened} onClose={close} title={t('reminders.snooze')}>
        <Stack>
          <ZonedDateTimeInput
            label={t('reminders.due')}
            description={t('reminders.timezone', { tz })}
            value={custom}
            onChange={setCustom}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button
              disabled={!customDate}
              loading={snooze.isPending}
              onClick={() =>
                customDate &&
                snooze.mutate({ reminderId: reminder.id, due_at: toRfc3339(customDate) }, { onSuccess: close })
              }
            >
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Group>
  );
}
