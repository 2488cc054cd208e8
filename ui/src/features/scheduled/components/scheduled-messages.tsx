import { Badge, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { ZonedDateTimeInput } from '@/components/form/zoned-date-time-input';
import { DateTime } from '@/components/ui/date-time';
import { useTimezone } from '@/lib/auth';
import { toRfc3339, wallTimeToDate } from '@/lib/zoned-time';
import { useCancelScheduled, useScheduleMessage, useScheduledMessages } from '../api/scheduled';

const STATUS_COLOR: Record<string, string> = {
  pending: 'blue',
  sending: 'blue',
  sent: 'teal',
  failed: 'red',
  cancelled: 'gray',
};

/** "Send later": a WhatsApp text queued for a time in the business's zone (sent then by the server). */
export function ScheduleForm({ leadId }: { leadId: number }) {
  const { t } = useTranslation();
  const tz = useTimezone();
  const [text, setText] = useState('');
  const [at, setAt] = useState<string | null>(null);
  // Checked when sending (the time only passes then), cleared when the time changes.
  const [notFuture, setNotFuture] = useState(false);
  const schedule = useScheduleMessage(leadId, () => setText(''));
  const when = at ? wallTimeToDate(at, tz) : null;
  const whenError = notFuture ? t('scheduled.future') : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const past = !when || when.getTime() <= Date.now();
    setNotFuture(past);
    if (!text.trim() || !when || past || schedule.isPending) return;
    schedule.mutate({ text: text.trim(), send_at: toRfc3339(when) });
  };
  return (
    <form onSubmit={submit} data-testid="schedule-form">
      <Stack gap="xs">
        {schedule.error && <ErrorAlert error={schedule.error} />}
        <Textarea
          dir="auto"
          label={t('scheduled.text')}
          autosize
          minRows={1}
          maxRows={5}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          data-testid="schedule-text"
        />
        <ZonedDateTimeInput
          label={t('scheduled.sendAt')}
          description={t('reminders.timezone', { tz })}
          value={at}
          onChange={(v) => {
            setAt(v);
            setNotFuture(false);
          }}
          error={whenError}
          required
          testId="schedule-at"
        />
        <Group justify="flex-end">
          <Button
            type="submit"
            size="sm"
            loading={schedule.isPending}
            disabled={!text.trim()}
            data-testid="schedule-send"
          >
            {t('scheduled.sendLater')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The lead's scheduled sends and follow-up steps; a waiting one can be cancelled. */
export function ScheduledList({ leadId }: { leadId: number }) {
  const { t } = useTranslation();
  const query = useScheduledMessages(leadId);
  const cancel = useCancelScheduled(leadId);
  if (query.error) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data?.items ?? [];
  if (query.isPending) return null;
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('scheduled.none')}
      </Text>
    );
  return (
    <Stack gap="xs" data-testid="scheduled-list">
      {cancel.error && <ErrorAlert error={cancel.error} />}
      {items.map((m) => (
        <Group
          key={m.id}
          justify="space-between"
          wrap="nowrap"
          align="flex-start"
          data-testid="scheduled-item"
          data-status={m.status}
        >
          <div>
            <Group gap={6}>
              <Badge size="sm" variant="light" color={STATUS_COLOR[m.status] ?? 'gray'}>
                {t(`scheduled.status.${m.status}`)}
              </Badge>
              {m.kind === 'follow_up' && (
                <Badge size="sm" variant="outline">
                  {t('scheduled.followUpStep', { step: m.step ?? 1 })}
                </Badge>
              )}
              <Text size="sm" fw={500}>
                <DateTime value={m.send_at} />
              </Text>
            </Group>
            <Text size="sm" className="fd-pre" dir="auto">
              {m.text}
            </Text>
            {m.last_error && m.status !== 'sent' && (
              <Text size="xs" c="dimmed">
                {m.last_error}
              </Text>
            )}
          </div>
          {m.status === 'pending' && (
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              loading={cancel.isPending && cancel.variables === m.id}
              onClick={() => cancel.mutate(m.id)}
              data-testid="scheduled-cancel"
            >
              {t('scheduled.cancel')}
            </Button>
          )}
        </Group>
      ))}
    </Stack>
  );
}
