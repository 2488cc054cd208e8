import { ActionIcon, Badge, Button, Group, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { LocalizedDates } from '@/components/form/localized-dates';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { fieldError, isFieldError } from '@/lib/field-error';
import { notifySuccess } from '@/lib/notify';
import { WEEKDAYS, type CurrentBusiness, type Weekday } from '@/types/api';
import { useUpdateCurrentBusiness } from '../api/update-current-business';
import {
  addHoliday,
  addInterval,
  hoursFromJson,
  hoursToJson,
  ISRAEL_PRESET,
  MAX_INTERVALS,
  removeHoliday,
  removeInterval,
  sameHours,
  setDayOpen,
  updateInterval,
  validateHours,
  type HoursState,
} from '../lib/business-hours';
import { OpenStatus } from './open-status';

export function DayRow({
  day,
  state,
  problem,
  onChange,
  prefix = 'hours',
}: {
  day: Weekday;
  state: HoursState;
  problem: string | null;
  onChange: (next: HoursState) => void;
  /** Test ids' prefix: two editors on one page stay apart. */
  prefix?: string;
}) {
  const { t } = useTranslation();
  const d = state[day];
  return (
    <div className="fd-hours-day" data-testid={`${prefix}-day-${day}`} data-open={d.open ? 'true' : 'false'}>
      <Switch
        className="fd-hours-toggle"
        label={t(`days.${day}`)}
        checked={d.open}
        onChange={(e) => onChange(setDayOpen(state, day, e.currentTarget.checked))}
        data-testid={`${prefix}-open-${day}`}
      />
      <Stack gap={6} className="fd-hours-intervals">
        {!d.open && (
          <Text size="sm" c="dimmed" data-testid={`${prefix}-closed-${day}`}>
            {t('hours.closedDay')}
          </Text>
        )}
        {d.open &&
          d.intervals.map((iv, k) => (
            <Group key={k} gap="xs" wrap="nowrap" dir="ltr" className="fd-hours-interval">
              <ClockInput
                aria-label={t('hours.from', { day: t(`days.${day}`) })}
                value={iv.from}
                onChange={(e) => onChange(updateInterval(state, day, k, { from: e.currentTarget.value }))}
                data-testid={`${prefix}-from-${day}-${k}`}
              />
              <Text size="sm" aria-hidden>
                –
              </Text>
              <ClockInput
                aria-label={t('hours.to', { day: t(`days.${day}`) })}
                value={iv.to}
                onChange={(e) => onChange(updateInterval(state, day, k, { to: e.currentTarget.value }))}
                data-testid={`${prefix}-to-${day}-${k}`}
              />
              <ActionIcon
                size="sm"
                variant="subtle"
                color="gray"
                aria-label={t('hours.removeInterval')}
                title={t('hours.removeInterval')}
                onClick={() => onChange(removeInterval(state, day, k))}
                data-testid={`${prefix}-remove-${day}-${k}`}
              >
                ×
              </ActionIcon>
            </Group>
          ))}
        {d.open && d.intervals.length < MAX_INTERVALS && (
          <div>
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => onChange(addInterval(state, day))}
              data-testid={`${prefix}-add-${day}`}
            >
              {t('hours.addInterval')}
            </Button>
          </div>
        )}
        {problem && (
          <Text size="xs" c="red.7" role="alert" data-testid={`${prefix}-problem-${day}`}>
            {problem}
          </Text>
        )}
      </Stack>
    </div>
  );
}

/**
 * Opening hours: Sunday first, each day closed or one or more from–to
 * intervals (an interval may end at 00:00, midnight), a preset for the usual
 * Israeli week, and the holidays (closed days). Saved together:
 * PATCH {business_hours, holidays}.
 */
/**
 * A time of day typed as HH:MM, 24-hour whatever the browser's locale (a
 * native time input shows AM/PM on an English system, even in Hebrew).
 */
function ClockInput(props: {
  'aria-label': string;
  value: string;
  onChange: (e: ChangeEvent<HTMLInputElement>) => void;
  'data-testid': string;
}) {
  return (
    <TextInput
      size="xs"
      w="4.75rem"
      inputMode="numeric"
      placeholder="HH:MM"
      maxLength={5}
      pattern="([01][0-9]|2[0-4]):[0-5][0-9]"
      autoComplete="off"
      {...props}
    />
  );
}

export function HoursForm({ business }: { business: CurrentBusiness }) {
  const { t } = useTranslation();
  const [hours, setHours] = useState<HoursState>(() => hoursFromJson(business.business_hours));
  const [holidays, setHolidays] = useState<string[]>(business.holidays ?? []);
  const [picked, setPicked] = useState<string | null>(null);
  const update = useUpdateCurrentBusiness(() => notifySuccess(t('hours.saved')));

  const problems = validateHours(hours);
  const invalid = Object.keys(problems).length > 0;
  const dirty =
    !sameHours(hours, hoursFromJson(business.business_hours)) ||
    JSON.stringify(holidays) !== JSON.stringify(business.holidays ?? []);
  const hoursError = fieldError(update.error, 'business_hours');
  const holidaysError = fieldError(update.error, 'holidays');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (update.isPending || !dirty || invalid) return;
    update.mutate({ business_hours: hoursToJson(hours), holidays });
  };

  return (
    <form onSubmit={submit} data-testid="hours-form">
      <Stack gap="sm">
        <OpenStatus business={business} />
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm" c="dimmed">
            {t('hours.help', { tz: business.timezone })}
          </Text>
          <Button
            size="xs"
            variant="default"
            onClick={() => setHours(hoursFromJson(ISRAEL_PRESET))}
            data-testid="hours-preset-israel"
          >
            {t('hours.presetIsrael')}
          </Button>
        </Group>
        <div className="fd-hours" data-testid="hours-editor">
          {WEEKDAYS.map((day) => (
            <DayRow
              key={day}
              day={day}
              state={hours}
              problem={problems[day] ? t(`hours.problem.${problems[day]}`, { max: MAX_INTERVALS }) : null}
              onChange={setHours}
            />
          ))}
        </div>
        {hoursError && (
          <Text size="sm" c="red.7" role="alert" data-testid="field-error-business_hours">
            {hoursError}
          </Text>
        )}

        <Title order={4} size="h6" mt="sm">
          {t('hours.holidays')}
        </Title>
        <Text size="xs" c="dimmed">
          {t('hours.holidaysHelp')}
        </Text>
        <Group gap={6} wrap="wrap" data-testid="holidays">
          {holidays.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('hours.noHolidays')}
            </Text>
          )}
          {holidays.map((d) => (
            <Badge
              key={d}
              variant="light"
              color="gray"
              size="lg"
              className="fd-badge-full"
              data-testid="holiday"
              data-date={d}
              rightSection={
                <ActionIcon
                  size="xs"
                  variant="transparent"
                  color="gray"
                  aria-label={t('hours.removeHoliday', { date: d })}
                  title={t('hours.removeHoliday', { date: d })}
                  onClick={() => setHolidays(removeHoliday(holidays, d))}
                  data-testid="holiday-remove"
                >
                  ×
                </ActionIcon>
              }
            >
              <bdi className="fd-ltr">{d}</bdi>
            </Badge>
          ))}
        </Group>
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <LocalizedDates>
            <DatePickerInput
              className="fd-grow"
              size="xs"
              label={t('hours.holidayDate')}
              placeholder={t('hours.pickDate')}
              value={picked}
              onChange={(v) => setPicked(typeof v === 'string' && v ? v.slice(0, 10) : null)}
              valueFormat="YYYY-MM-DD"
              clearable
              popoverProps={{ withinPortal: true }}
              error={holidaysError}
              data-testid="holiday-date"
            />
          </LocalizedDates>
          <Button
            size="xs"
            variant="default"
            disabled={!picked}
            onClick={() => {
              if (picked) setHolidays(addHoliday(holidays, picked));
              setPicked(null);
            }}
            data-testid="holiday-add"
          >
            {t('hours.addHoliday')}
          </Button>
        </Group>

        {update.error && !isFieldError(update.error, ['business_hours', 'holidays']) && (
          <ErrorAlert error={update.error} />
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending} disabled={!dirty || invalid} data-testid="hours-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
