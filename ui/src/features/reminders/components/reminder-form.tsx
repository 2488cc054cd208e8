import { Button, Checkbox, Group, Select, Stack, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { ZonedDateTimeInput } from '@/components/form/zoned-date-time-input';
import { useTimezone } from '@/lib/auth';
import { toRfc3339, wallTimeToDate } from '@/lib/zoned-time';
import { useCreateReminder } from '../api/create-reminder';
import { PRESETS, presetWallTime } from './reminder-presets';

type Props = {
  leadId: number;
  /** Who may be assigned (owners/admins see the business's users); empty = the server's default (me). */
  assignees?: { value: string; label: string }[];
  onDone?: () => void;
};

export function ReminderForm({ leadId, assignees, onDone }: Props) {
  const { t } = useTranslation();
  const tz = useTimezone();
  const [due, setDue] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState<string | null>(null);
  const [call, setCall] = useState(false);
  const [touched, setTouched] = useState(false);
  const create = useCreateReminder(() => {
    setDue(null);
    setNote('');
    setCall(false);
    setTouched(false);
    onDone?.();
  });

  const dueDate = due ? wallTimeToDate(due, tz) : null;
  const dueError = touched && !dueDate ? t('reminders.dueRequired') : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!dueDate || create.isPending) return;
    create.mutate({
      leadId,
      due_at: toRfc3339(dueDate),
      note: note.trim(),
      ...(assignee ? { assignee_user_id: Number(assignee) } : {}),
      ...(call ? { call: true } : {}),
    });
  };

  return (
    <form onSubmit={submit} data-testid="reminder-form">
      <Stack gap="xs">
        {create.error && <ErrorAlert error={create.error} />}
        <ZonedDateTimeInput
          label={t('reminders.due')}
          description={t('reminders.timezone', { tz })}
          value={due}
          onChange={setDue}
          error={dueError}
          required
          testId="reminder-due"
        />
        <Group gap={6}>
          {PRESETS.map((p) => (
            <Button
              key={p}
              type="button"
              size="compact-xs"
              variant="light"
              onClick={() => setDue(presetWallTime(p, tz))}
              data-testid={`reminder-preset-${p}`}
            >
              {t(`reminders.presets.${p}`)}
            </Button>
          ))}
        </Group>
        <Textarea
          dir="auto"
          label={t('reminders.note')}
          autosize
          minRows={1}
          maxRows={4}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          data-testid="reminder-note"
        />
        {assignees && assignees.length > 0 && (
          <Select
            label={t('reminders.assignee')}
            placeholder={t('reminders.assigneeMe')}
            clearable
            data={assignees}
            value={assignee}
            onChange={setAssignee}
            data-testid="reminder-assignee"
          />
        )}
        <Checkbox
          label={t('reminders.call')}
          description={t('reminders.callHint')}
          checked={call}
          onChange={(e) => setCall(e.currentTarget.checked)}
          data-testid="reminder-call"
        />
        <Group justify="flex-end">
          <Button type="submit" size="sm" loading={create.isPending} data-testid="reminder-submit">
            {t('reminders.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
