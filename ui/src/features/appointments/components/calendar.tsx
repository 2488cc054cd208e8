import '@/i18n/appointments';
import './calendar.css';
import { ActionIcon, Button, Group, NativeSelect, SegmentedControl, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { intlLocale } from '@/lib/format';
import type { Appointment, BusinessHours, Service } from '@/types/api';
import { WEEKDAYS } from '@/types/api';
import { useAppointmentsInRange } from '../api/appointments';
import {
  addDays,
  clock,
  daysRange,
  gridRows,
  placement,
  today,
  visibleHours,
  weekDays,
  weekdayIndex,
} from '../lib/calendar-grid';
import { AppointmentDialog } from './appointment-dialog';
import { BookingDialog, type BookingStart, type StaffMember } from './booking-dialog';

/** Each row of the grid: half an hour. */
const ROW_MIN = 30;

export type CalendarView = 'day' | 'week';
export type CalendarState = { view: CalendarView; day: string; staffId: number | null };

type Placed = { a: Appointment; start: number; end: number; lane: number; lanes: number };

/** Side-by-side lanes for overlapping appointments of one column. */
function lay(items: { a: Appointment; start: number; end: number }[]): Placed[] {
  const sorted = [...items].sort((x, y) => x.start - y.start || x.end - y.end);
  const laneEnds: number[] = [];
  const placed = sorted.map((it) => {
    let lane = laneEnds.findIndex((end) => end <= it.start);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = it.end;
    return { ...it, lane, lanes: 1 };
  });
  return placed.map((p) => ({ ...p, lanes: Math.max(1, laneEnds.length) }));
}

function dayLabel(day: string, locale: string, style: 'long' | 'short'): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    weekday: style,
    day: 'numeric',
    month: style === 'long' ? 'long' : 'numeric',
  }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

function openAt(hours: BusinessHours | null | undefined, day: string, minutes: number): boolean {
  if (!hours) return true;
  const list = hours[WEEKDAYS[weekdayIndex(day)]!] ?? [];
  return list.some(([from, to]) => {
    const [fh, fm] = from.split(':').map(Number);
    const [th, tm] = to.split(':').map(Number);
    return minutes >= (fh ?? 0) * 60 + (fm ?? 0) && minutes < (th ?? 0) * 60 + (tm ?? 0);
  });
}

function Column({
  day,
  rows,
  range,
  items,
  hours,
  label,
  onCell,
  onOpen,
  testId,
}: {
  day: string;
  rows: number[];
  range: { start: number };
  items: Placed[];
  hours: BusinessHours | null | undefined;
  label: string;
  onCell: (minutes: number) => void;
  onOpen: (a: Appointment) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="fd-cal-col" data-testid={testId} data-day={day}>
      {rows.map((m) => (
        <button
          key={m}
          type="button"
          className="fd-cal-cell"
          data-closed={openAt(hours, day, m) ? 'false' : 'true'}
          data-minutes={m}
          data-time={clock(m)}
          aria-label={t('calendar.bookAt', { time: clock(m), where: label })}
          onClick={() => onCell(m)}
          data-testid="calendar-cell"
        />
      ))}
      {items.map(({ a, start, end, lane, lanes }) => (
        <button
          key={a.id}
          type="button"
          className={`fd-cal-appt fd-appt-${a.status}`}
          style={{
            top: `calc(${(start - range.start) / ROW_MIN} * var(--fd-cal-row))`,
            height: `calc(${(end - start) / ROW_MIN} * var(--fd-cal-row) - 2px)`,
            insetInlineStart: `calc(${(lane * 100) / lanes}% + 2px)`,
            width: `calc(${100 / lanes}% - 4px)`,
          }}
          onClick={() => onOpen(a)}
          data-testid="calendar-appointment"
          data-id={a.id}
          data-status={a.status}
          data-lead-id={a.lead_id}
        >
          <span className="fd-cal-appt-time">
            {clock(start)}–{clock(end)}{' '}
          </span>
          <span className="fd-cal-appt-line" dir="auto">
            {a.lead_name}
            <span className="fd-visually-hidden">, </span>
          </span>
          <span className="fd-cal-appt-line" dir="auto">
            {a.service_name}
          </span>
          <span className="fd-visually-hidden">
            {t('calendar.appointmentMore', { staff: a.staff_name, status: t(`appointments.status.${a.status}`) })}
          </span>
        </button>
      ))}
    </div>
  );
}

/**
 * The business's calendar: a day (one column per staff member; on a phone
 * one at a time) or a week (Sunday first, one column per day), in the
 * business's zone and 24-hour times. A free cell books, an appointment opens.
 */
export function Calendar({
  state,
  onState,
  staff,
  services,
  hours,
  tz,
  phone,
  leadHref,
}: {
  state: CalendarState;
  onState: (s: CalendarState) => void;
  staff: StaffMember[];
  services: Service[];
  hours: BusinessHours | null | undefined;
  tz: string;
  phone: boolean;
  leadHref: (id: number) => string;
}) {
  const { t, i18n } = useTranslation();
  const locale = intlLocale(i18n.language);
  const [showCancelled, setShowCancelled] = useState(false);
  const [booking, setBooking] = useState<BookingStart | null>(null);
  const [openId, setOpenId] = useState<{ id: number; last: Appointment } | null>(null);
  const { view, day } = state;
  const days = view === 'week' ? weekDays(day) : [day];
  const range = daysRange(days[0]!, days[days.length - 1]!, tz);
  const list = useAppointmentsInRange(range.from, range.to);
  const all = (list.data?.items ?? []).filter((a) => showCancelled || a.status !== 'cancelled');
  // In the day view on a phone, and in the week view, one staff member at a time (or everyone, in the week).
  const oneStaff = view === 'day' && phone ? (state.staffId ?? staff[0]?.id ?? null) : state.staffId;
  const shown = oneStaff ? all.filter((a) => a.staff_user_id === oneStaff) : all;
  const spans = days.flatMap((d) => shown.map((a) => placement(a, d, tz)).filter((p) => p !== null));
  const hoursRange = visibleHours(hours, spans);
  const rows = gridRows(hoursRange, ROW_MIN);
  const current = today(tz);
  const opened = openId ? (list.data?.items.find((a) => a.id === openId.id) ?? openId.last) : null;

  // Staff members with an appointment in view, even if no longer listed, keep a column.
  const staffCols: StaffMember[] = [...staff];
  for (const a of shown) {
    if (!staffCols.some((s) => s.id === a.staff_user_id)) staffCols.push({ id: a.staff_user_id, name: a.staff_name });
  }
  const dayCols = view === 'day' ? (oneStaff ? staffCols.filter((s) => s.id === oneStaff) : staffCols) : [];

  const placedIn = (d: string, staffId: number | null) =>
    lay(
      shown
        .filter((a) => staffId === null || a.staff_user_id === staffId)
        .map((a) => ({ a, p: placement(a, d, tz) }))
        .filter((x): x is { a: Appointment; p: { start: number; end: number } } => x.p !== null)
        .map(({ a, p }) => ({ a, ...p })),
    );

  const step = view === 'week' ? 7 : 1;
  const label =
    view === 'week'
      ? `${dayLabel(days[0]!, locale, 'short')} – ${dayLabel(days[6]!, locale, 'short')}`
      : dayLabel(day, locale, 'long');

  return (
    <div>
      <div className="fd-cal-toolbar">
        <Group gap={4} wrap="nowrap">
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={view === 'week' ? t('calendar.previousWeek') : t('calendar.previousDay')}
            onClick={() => onState({ ...state, day: addDays(day, -step) })}
            data-testid="calendar-prev"
          >
            <span aria-hidden="true" className="fd-flip-rtl">
              ‹
            </span>
          </ActionIcon>
          <Button
            variant="default"
            size="sm"
            onClick={() => onState({ ...state, day: current })}
            data-testid="calendar-today"
          >
            {t('calendar.today')}
          </Button>
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={view === 'week' ? t('calendar.nextWeek') : t('calendar.nextDay')}
            onClick={() => onState({ ...state, day: addDays(day, step) })}
            data-testid="calendar-next"
          >
            <span aria-hidden="true" className="fd-flip-rtl">
              ›
            </span>
          </ActionIcon>
        </Group>
        <Text className="fd-cal-label" aria-live="polite" data-testid="calendar-label">
          {label}
        </Text>
        <SegmentedControl
          aria-label={t('calendar.view')}
          size="xs"
          value={view}
          onChange={(v) => onState({ ...state, view: v === 'week' ? 'week' : 'day' })}
          data={[
            { value: 'day', label: t('calendar.day') },
            { value: 'week', label: t('calendar.week') },
          ]}
          data-testid="calendar-view"
        />
        {(phone || view === 'week') && (
          <NativeSelect
            aria-label={t('appointments.staff')}
            size="xs"
            value={oneStaff ? String(oneStaff) : ''}
            onChange={(e) => onState({ ...state, staffId: Number(e.currentTarget.value) || null })}
            data={[
              ...(view === 'week' ? [{ value: '', label: t('calendar.allStaff') }] : []),
              ...staffCols.map((s) => ({ value: String(s.id), label: s.name })),
            ]}
            data-testid="calendar-staff"
          />
        )}
        <Switch
          size="xs"
          label={t('calendar.showCancelled')}
          checked={showCancelled}
          onChange={(e) => setShowCancelled(e.currentTarget.checked)}
          data-testid="calendar-show-cancelled"
        />
        <Button size="xs" onClick={() => setBooking({ day, staffId: oneStaff })} data-testid="calendar-book">
          {t('appointments.book')}
        </Button>
      </div>
      {list.error && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {view === 'day' && dayCols.length === 0 && (
        <Text c="dimmed" size="sm" mb="sm">
          {t('calendar.noStaff')}
        </Text>
      )}
      <div
        className={`fd-cal ${view === 'week' ? 'fd-cal-week' : 'fd-cal-day'}`}
        data-testid="calendar"
        data-view={view}
        data-day={day}
        data-loading={list.isFetching ? 'true' : 'false'}
      >
        <div className="fd-cal-grid" style={{ '--fd-cal-cols': Math.max(1, dayCols.length) } as React.CSSProperties}>
          <div className="fd-cal-head fd-cal-corner" aria-hidden="true" />
          {view === 'week'
            ? days.map((d) => (
                <div key={d} className="fd-cal-head" data-today={d === current ? 'true' : 'false'}>
                  {dayLabel(d, locale, 'short')}
                </div>
              ))
            : dayCols.map((s) => (
                <div key={s.id} className="fd-cal-head" dir="auto" data-testid="calendar-staff-head">
                  {s.name}
                </div>
              ))}
          <div className="fd-cal-times" aria-hidden="true">
            {rows.map((m) => (
              <div key={m} className="fd-cal-time">
                {m % 60 === 0 ? clock(m) : ''}
              </div>
            ))}
          </div>
          {view === 'week'
            ? days.map((d) => (
                <Column
                  key={d}
                  day={d}
                  rows={rows}
                  range={hoursRange}
                  items={placedIn(d, oneStaff)}
                  hours={hours}
                  label={dayLabel(d, locale, 'long')}
                  onCell={(m) => setBooking({ day: d, minutes: m, staffId: oneStaff })}
                  onOpen={(a) => setOpenId({ id: a.id, last: a })}
                  testId="calendar-day"
                />
              ))
            : dayCols.map((s) => (
                <Column
                  key={s.id}
                  day={day}
                  rows={rows}
                  range={hoursRange}
                  items={placedIn(day, s.id)}
                  hours={hours}
                  label={s.name}
                  onCell={(m) => setBooking({ day, minutes: m, staffId: s.id })}
                  onOpen={(a) => setOpenId({ id: a.id, last: a })}
                  testId={`calendar-staff-${s.id}`}
                />
              ))}
        </div>
      </div>
      <BookingDialog start={booking} onClose={() => setBooking(null)} services={services} staff={staff} tz={tz} />
      <AppointmentDialog
        appointment={opened}
        onClose={() => setOpenId(null)}
        tz={tz}
        staff={staff}
        leadHref={leadHref}
      />
    </div>
  );
}
