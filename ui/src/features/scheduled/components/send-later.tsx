import { Button, Group, Text } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { ZonedDateTimeInput } from '@/components/form/zoned-date-time-input';
import { useTimezone } from '@/lib/auth';
import { dateToWallTime, toRfc3339, wallTimeToDate } from '@/lib/zoned-time';
import { useScheduleMessage } from '../api/scheduled';

export type SendLaterProps = {
  leadId: number;
  /** The composer's text, sent as it is when the time comes. */
  text: string;
  /** Called with the instant it was queued for (the composer clears and closes). */
  onScheduled: (sendAt: string) => void;
  onClose: () => void;
};

/** The next whole quarter hour at least an hour from now: a time nobody has to type. */
function defaultTime(timeZone: string): string {
  const quarter = 15 * 60_000;
  const at = new Date(Math.ceil((Date.now() + 3_600_000) / quarter) * quarter);
  return dateToWallTime(at, timeZone);
}

/**
 * The composer's "send later": a time in the business's zone (24-hour, typed
 * field by field or picked), then the composer's text is queued for it
 * (`send_at` on the same WhatsApp send). Inside the composer's form, so its
 * buttons act by click, not by submitting.
 */
export function SendLater({ leadId, text, onScheduled, onClose }: SendLaterProps) {
  const { t } = useTranslation();
  const tz = useTimezone();
  const titleId = useId();
  const [at, setAt] = useState<string | null>(() => defaultTime(tz));
  const [notFuture, setNotFuture] = useState(false);
  const schedule = useScheduleMessage(leadId);
  const confirm = () => {
    const when = at ? wallTimeToDate(at, tz) : null;
    const past = !when || when.getTime() <= Date.now();
    setNotFuture(past);
    if (!when || past || !text.trim() || schedule.isPending) return;
    const sendAt = toRfc3339(when);
    schedule.mutate({ text: text.trim(), send_at: sendAt }, { onSuccess: () => onScheduled(sendAt) });
  };
  return (
    <div role="group" aria-labelledby={titleId} className="fd-send-later" data-testid="send-later">
      <Text id={titleId} size="sm" fw={600}>
        {t('scheduled.sendLater')}
      </Text>
      {schedule.error && <ErrorAlert error={schedule.error} />}
      <ZonedDateTimeInput
        label={t('scheduled.sendAt')}
        description={t('reminders.timezone', { tz })}
        value={at}
        onChange={(v) => {
          setAt(v);
          setNotFuture(false);
        }}
        error={notFuture ? t('scheduled.future') : null}
        required
        testId="send-later-at"
      />
      <Group justify="flex-end" gap="xs" mt="xs">
        <Button variant="default" size="xs" onClick={onClose} data-testid="send-later-close">
          {t('common.cancel')}
        </Button>
        <Button
          size="xs"
          onClick={confirm}
          loading={schedule.isPending}
          disabled={!text.trim()}
          data-testid="send-later-confirm"
        >
          {t('scheduled.schedule')}
        </Button>
      </Group>
    </div>
  );
}
