import '@/i18n/appointments';
import './staff-hours.css';
import { ActionIcon, Button, Group, NativeSelect, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { ZonedDateTimeInput } from '@/components/form/zoned-date-time-input';
import { PageLoader } from '@/components/ui/page-loader';
import { fieldError } from '@/lib/field-error';
import { formatDateTime } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import { toRfc3339, wallTimeToDate } from '@/lib/zoned-time';
import { WEEKDAYS, type BusinessHours, type StaffSchedule, type TimeOff } from '@/types/api';
import { useSaveStaffSchedule, useStaffSchedule } from '../api/staff-schedule';
import { hoursFromJson, hoursToJson, validateHours, type HoursState } from '../lib/business-hours';
import { DayRow } from './hours-form';

type StaffMember = { id: number; name: string };

function TimeOffList({ items, tz, onRemove }: { items: TimeOff[]; tz: string; onRemove?: (index: number) => void }) {
  const { t, i18n } = useTranslation();
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('staffHours.noTimeOff')}
      </Text>
    );
  return (
    <ul className="fd-staff-list" data-testid="time-off-list">
      {items.map((o, k) => (
        <li key={`${o.starts_at}-${k}`} className="fd-staff-row" data-testid="time-off">
          <Text size="sm" className="fd-grow">
            <bdi>
              {formatDateTime(o.starts_at, i18n.language, tz)} – {formatDateTime(o.ends_at, i18n.language, tz)}
            </bdi>
            {o.note ? <span dir="auto"> · {o.note}</span> : null}
          </Text>
          {onRemove && (
            <ActionIcon
              size="sm"
              variant="subtle"
              color="gray"
              aria-label={t('staffHours.removeTimeOff')}
              title={t('staffHours.removeTimeOff')}
              onClick={() => onRemove(k)}
              data-testid="time-off-remove"
            >
              ×
            </ActionIcon>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Read-only: a person's week and time off (what a non-owner sees of their own). */
function ReadOnlySchedule({ schedule, tz }: { schedule: StaffSchedule; tz: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" data-testid="staff-hours-readonly">
      {schedule.uses_business_hours && (
        <Text size="sm" c="dimmed">
          {t('staffHours.usesBusiness')}
        </Text>
      )}
      <dl className="fd-staff-dl">
        {WEEKDAYS.map((d) => (
          <div key={d} className="fd-staff-dl-row">
            <dt>{t(`days.${d}`)}</dt>
            <dd>
              <bdi>
                {(schedule.work_hours[d] ?? []).map(([a, b]) => `${a}–${b}`).join(', ') || t('hours.closedDay')}
              </bdi>
            </dd>
          </div>
        ))}
      </dl>
      <Title order={4} size="h6">
        {t('staffHours.timeOff')}
      </Title>
      <TimeOffList items={schedule.time_off} tz={tz} />
    </Stack>
  );
}

function ScheduleEditor({ schedule, tz }: { schedule: StaffSchedule; tz: string }) {
  const { t } = useTranslation();
  const [own, setOwn] = useState(!schedule.uses_business_hours);
  const [hours, setHours] = useState<HoursState>(() => hoursFromJson(schedule.work_hours));
  const [off, setOff] = useState<TimeOff[]>(schedule.time_off);
  const [from, setFrom] = useState<string | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const save = useSaveStaffSchedule(() => notifySuccess(t('staffHours.saved')));
  const problems = own ? validateHours(hours) : {};
  const fromAt = from ? wallTimeToDate(from, tz) : null;
  const untilAt = until ? wallTimeToDate(until, tz) : null;
  const offProblem = fromAt && untilAt && untilAt <= fromAt ? t('staffHours.endsBeforeStart') : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending || Object.keys(problems).length > 0) return;
    save.mutate({
      userId: schedule.user_id,
      work_hours: own ? (hoursToJson(hours) as BusinessHours) : null,
      time_off: off,
    });
  };
  return (
    <form onSubmit={submit} data-testid="staff-hours-form">
      <Stack gap="sm">
        <Switch
          label={t('staffHours.own')}
          description={t('staffHours.ownHelp')}
          checked={own}
          onChange={(e) => setOwn(e.currentTarget.checked)}
          data-testid="staff-hours-own"
        />
        {own && (
          <div className="fd-hours" data-testid="staff-hours-editor">
            {WEEKDAYS.map((day) => (
              <DayRow
                key={day}
                day={day}
                state={hours}
                problem={problems[day] ? t(`hours.problem.${problems[day]}`, { max: 8 }) : null}
                onChange={setHours}
                prefix="staff-hours"
              />
            ))}
          </div>
        )}
        {fieldError(save.error, 'work_hours') && (
          <Text size="sm" c="red.7" role="alert">
            {fieldError(save.error, 'work_hours')}
          </Text>
        )}
        <Title order={4} size="h6" mt="sm">
          {t('staffHours.timeOff')}
        </Title>
        <TimeOffList items={off} tz={tz} onRemove={(k) => setOff(off.filter((_, i) => i !== k))} />
        <div className="fd-settings-grid">
          <ZonedDateTimeInput label={t('staffHours.from')} value={from} onChange={setFrom} testId="time-off-from" />
          <ZonedDateTimeInput
            label={t('staffHours.until')}
            value={until}
            onChange={setUntil}
            error={offProblem}
            testId="time-off-until"
          />
        </div>
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            className="fd-grow"
            label={t('staffHours.note')}
            value={note}
            maxLength={200}
            dir="auto"
            onChange={(e) => setNote(e.currentTarget.value)}
            data-testid="time-off-note"
          />
          <Button
            variant="default"
            disabled={!fromAt || !untilAt || !!offProblem}
            onClick={() => {
              if (!fromAt || !untilAt) return;
              const entry: TimeOff = { starts_at: toRfc3339(fromAt), ends_at: toRfc3339(untilAt) };
              if (note.trim()) entry.note = note.trim();
              setOff([...off, entry].sort((a, b) => a.starts_at.localeCompare(b.starts_at)));
              setFrom(null);
              setUntil(null);
              setNote('');
            }}
            data-testid="time-off-add"
          >
            {t('staffHours.addTimeOff')}
          </Button>
        </Group>
        {fieldError(save.error, 'time_off') && (
          <Text size="sm" c="red.7" role="alert">
            {fieldError(save.error, 'time_off')}
          </Text>
        )}
        {save.error && !fieldError(save.error, 'work_hours', 'time_off') && <ErrorAlert error={save.error} />}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} data-testid="staff-hours-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Each staff member's weekly hours (their own, or the business's) and time
 * off. Owners pick anyone and edit; everyone else sees their own, read-only.
 */
export function StaffHours({
  staff,
  tz,
  editable,
  selfId,
}: {
  staff: StaffMember[];
  tz: string;
  editable: boolean;
  selfId: number;
}) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<number | null>(null);
  const userId = editable ? (picked ?? staff[0]?.id ?? null) : selfId;
  const schedule = useStaffSchedule(userId);
  return (
    <Stack gap="sm" data-testid="staff-hours">
      {editable && (
        <NativeSelect
          label={t('staffHours.who')}
          value={userId ? String(userId) : ''}
          onChange={(e) => setPicked(Number(e.currentTarget.value) || null)}
          data={staff.map((s) => ({ value: String(s.id), label: s.name }))}
          data-testid="staff-hours-who"
        />
      )}
      {userId === null && (
        <Text size="sm" c="dimmed">
          {t('calendar.noStaff')}
        </Text>
      )}
      {schedule.isPending && userId !== null && <PageLoader />}
      {schedule.error && <ErrorAlert error={schedule.error} onRetry={() => void schedule.refetch()} />}
      {schedule.data &&
        (editable ? (
          <ScheduleEditor key={`${schedule.data.user_id}-${schedule.dataUpdatedAt}`} schedule={schedule.data} tz={tz} />
        ) : (
          <ReadOnlySchedule schedule={schedule.data} tz={tz} />
        ))}
    </Stack>
  );
}
