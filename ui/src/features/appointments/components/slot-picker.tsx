import '@/i18n/appointments';
import { useEffect } from 'react';
import { ActionIcon, Button, Group, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import type { Slot } from '@/types/api';
import { useAvailability } from '../api/appointments';
import { addDays, clock, daysRange, wallMinutes } from '../lib/calendar-grid';

/** A slot chosen: its start and who gives it. */
export type Chosen = { starts_at: string; staff_user_id: number };

/** Free times of one day (one button per start; with anyone, the first free staff member). */
function uniqueStarts(slots: readonly Slot[], staffId: number | null): Slot[] {
  const seen = new Set<string>();
  const out: Slot[] = [];
  for (const s of slots) {
    if (staffId !== null && s.staff_user_id !== staffId) continue;
    if (seen.has(s.starts_at)) continue;
    seen.add(s.starts_at);
    out.push(s);
  }
  return out;
}

/**
 * A day (typed, or a day back and forth) and its free times for a service
 * (GET /api/availability), 24-hour, as toggle buttons.
 */
export function SlotPicker({
  serviceId,
  staffId,
  day,
  onDay,
  tz,
  chosen,
  onChoose,
  preferMinutes = null,
  onPreferred,
}: {
  serviceId: number | null;
  staffId: number | null;
  day: string;
  onDay: (day: string) => void;
  tz: string;
  chosen: Chosen | null;
  onChoose: (slot: Chosen) => void;
  /** A time (minutes after midnight) to choose by itself once it shows as free: the cell clicked. */
  preferMinutes?: number | null;
  onPreferred?: (slot: Chosen) => void;
}) {
  const { t } = useTranslation();
  const range = daysRange(day, day, tz);
  const availability = useAvailability(
    serviceId ? { service_id: serviceId, ...range, ...(staffId ? { staff_user_id: staffId } : {}) } : null,
  );
  const slots = uniqueStarts(availability.data?.slots ?? [], staffId);
  const preferred =
    chosen === null && preferMinutes !== null
      ? slots.find((s) => wallMinutes(s.starts_at, tz) === preferMinutes)
      : undefined;
  useEffect(() => {
    if (preferred) onPreferred?.({ starts_at: preferred.starts_at, staff_user_id: preferred.staff_user_id });
  }, [preferred, onPreferred]);
  return (
    <Stack gap="xs">
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <ActionIcon
          variant="default"
          size="lg"
          aria-label={t('calendar.previousDay')}
          onClick={() => onDay(addDays(day, -1))}
          data-testid="slot-day-prev"
        >
          <span aria-hidden="true" className="fd-flip-rtl">
            ‹
          </span>
        </ActionIcon>
        <TextInput
          type="date"
          label={t('appointments.day')}
          value={day}
          onChange={(e) => e.currentTarget.value && onDay(e.currentTarget.value)}
          className="fd-grow"
          data-testid="slot-day"
        />
        <ActionIcon
          variant="default"
          size="lg"
          aria-label={t('calendar.nextDay')}
          onClick={() => onDay(addDays(day, 1))}
          data-testid="slot-day-next"
        >
          <span aria-hidden="true" className="fd-flip-rtl">
            ›
          </span>
        </ActionIcon>
      </Group>
      <Text size="sm" fw={500} id="slot-times-label">
        {t('appointments.time')}
      </Text>
      {!serviceId && (
        <Text size="sm" c="dimmed">
          {t('appointments.pickServiceFirst')}
        </Text>
      )}
      {availability.isFetching && !availability.data && (
        <Loader size="sm" role="status" aria-label={t('common.loading')} />
      )}
      {availability.error && <ErrorAlert error={availability.error} />}
      {serviceId && availability.data && slots.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="slots-none">
          {t('appointments.noSlots')}
        </Text>
      )}
      <div className="fd-slots" role="group" aria-labelledby="slot-times-label" data-testid="slots">
        {slots.map((s) => {
          const on = chosen?.starts_at === s.starts_at && (staffId === null || chosen.staff_user_id === staffId);
          return (
            <Button
              key={s.starts_at}
              size="xs"
              variant={on ? 'filled' : 'default'}
              aria-pressed={on}
              onClick={() => onChoose({ starts_at: s.starts_at, staff_user_id: s.staff_user_id })}
              data-testid="slot"
              data-starts-at={s.starts_at}
            >
              {clock(wallMinutes(s.starts_at, tz))}
            </Button>
          );
        })}
      </div>
    </Stack>
  );
}
