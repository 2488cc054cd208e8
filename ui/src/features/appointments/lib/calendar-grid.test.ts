import { describe, expect, it } from 'vitest';
import {
  addDays,
  clock,
  dayLengthMinutes,
  daysRange,
  gridRows,
  instantAt,
  localDay,
  placement,
  visibleHours,
  wallMinutes,
  weekDays,
  weekStart,
} from './calendar-grid';
import type { BusinessHours } from '@/types/api';

const TZ = 'Asia/Jerusalem';

describe('calendar grid', () => {
  it('starts weeks on Sunday', () => {
    expect(weekStart('2026-12-07')).toBe('2026-12-06'); // Monday -> Sunday
    expect(weekStart('2026-12-06')).toBe('2026-12-06'); // Sunday itself
    expect(weekStart('2026-12-12')).toBe('2026-12-06'); // Saturday ends the week
    expect(weekDays('2026-12-31')).toEqual([
      '2026-12-27',
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
  });

  it('counts calendar days across months and clock changes', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-27', 1)).toBe('2026-03-28');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('knows how long a local day is when the clocks change', () => {
    // Israel: clocks go forward on Friday 27 March 2026, back on Sunday 25 October 2026.
    expect(dayLengthMinutes('2026-03-27', TZ)).toBe(23 * 60);
    expect(dayLengthMinutes('2026-10-25', TZ)).toBe(25 * 60);
    expect(dayLengthMinutes('2026-12-07', TZ)).toBe(24 * 60);
    expect(dayLengthMinutes('2026-03-08', 'America/New_York')).toBe(23 * 60);
  });

  it('turns local days into UTC bounds in the zone', () => {
    expect(daysRange('2026-12-06', '2026-12-12', TZ)).toEqual({
      from: '2026-12-05T22:00:00Z',
      to: '2026-12-12T22:00:00Z',
    });
    expect(daysRange('2026-07-01', '2026-07-01', TZ)).toEqual({
      from: '2026-06-30T21:00:00Z',
      to: '2026-07-01T21:00:00Z',
    });
  });

  it('places instants on the wall clock', () => {
    expect(localDay('2026-12-06T22:30:00Z', TZ)).toBe('2026-12-07');
    expect(wallMinutes('2026-12-07T08:30:00Z', TZ)).toBe(10 * 60 + 30);
    expect(instantAt('2026-12-07', 630, TZ)?.toISOString()).toBe('2026-12-07T08:30:00.000Z');
    expect(instantAt('2026-07-07', 630, TZ)?.toISOString()).toBe('2026-07-07T07:30:00.000Z');
    expect(placement({ starts_at: '2026-12-07T08:30:00Z', ends_at: '2026-12-07T09:15:00Z' }, '2026-12-07', TZ)).toEqual(
      { start: 630, end: 675 },
    );
    expect(placement({ starts_at: '2026-12-07T08:30:00Z', ends_at: '2026-12-07T09:15:00Z' }, '2026-12-08', TZ)).toBe(
      null,
    );
    // Ending after midnight: cut at the day's end.
    expect(placement({ starts_at: '2026-12-07T21:30:00Z', ends_at: '2026-12-07T22:30:00Z' }, '2026-12-07', TZ)).toEqual(
      { start: 1410, end: 1440 },
    );
  });

  it('shows the business hours, widened to hold appointments, in 24-hour times', () => {
    const hours: BusinessHours = {
      sun: [['09:00', '18:00']],
      mon: [['08:30', '12:00']],
      tue: [],
      wed: [],
      thu: [],
      fri: [['09:00', '13:00']],
      sat: [],
    };
    expect(visibleHours(hours)).toEqual({ start: 480, end: 1080 });
    expect(visibleHours(hours, [{ start: 1140, end: 1200 }])).toEqual({ start: 480, end: 1200 });
    expect(visibleHours(null)).toEqual({ start: 480, end: 1200 });
    expect(gridRows({ start: 480, end: 600 }, 30)).toEqual([480, 510, 540, 570]);
    expect(clock(13 * 60 + 5)).toBe('13:05');
    expect(clock(0)).toBe('00:00');
  });
});
