/**
 * The calendar's date math, in the business's zone: local days as
 * "YYYY-MM-DD", weeks from Sunday, a day's bounds as instants (23 or 25
 * hours long on the days clocks change), and where an instant falls on the
 * day's wall-clock grid.
 */
import { dateToWallTime, toRfc3339, wallTimeToDate } from '@/lib/zoned-time';
import type { BusinessHours } from '@/types/api';
import { WEEKDAYS } from '@/types/api';

const DAY_MS = 86_400_000;

function utcOf(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}
function dayOfUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The local day `n` days after `day` (calendar days, whatever the clocks do). */
export function addDays(day: string, n: number): string {
  return dayOfUtc(utcOf(day) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayIndex(day: string): number {
  return new Date(utcOf(day)).getUTCDay();
}

/** The Sunday that starts `day`'s week (the Israeli week). */
export function weekStart(day: string): string {
  return addDays(day, -weekdayIndex(day));
}

/** The seven local days of the week holding `day`, Sunday first. */
export function weekDays(day: string): string[] {
  const start = weekStart(day);
  return Array.from({ length: 7 }, (_, k) => addDays(start, k));
}

/** The local day an instant falls on in `tz`. */
export function localDay(instant: string | Date, tz: string): string {
  return dateToWallTime(instant instanceof Date ? instant : new Date(instant), tz).slice(0, 10);
}

/** Minutes after local midnight of an instant's wall-clock time in `tz` (10:30 -> 630). */
export function wallMinutes(instant: string | Date, tz: string): number {
  const wall = dateToWallTime(instant instanceof Date ? instant : new Date(instant), tz);
  return Number(wall.slice(11, 13)) * 60 + Number(wall.slice(14, 16));
}

/** The instant of a local day's wall time (minutes after midnight) in `tz`. */
export function instantAt(day: string, minutes: number, tz: string): Date | null {
  const h = String(Math.floor(minutes / 60)).padStart(2, '0');
  const m = String(minutes % 60).padStart(2, '0');
  return wallTimeToDate(`${day} ${h}:${m}:00`, tz);
}

/** [start, end) of local days `from`..`to` (inclusive) as RFC 3339 instants. */
export function daysRange(from: string, to: string, tz: string): { from: string; to: string } {
  const start = wallTimeToDate(`${from} 00:00:00`, tz) ?? new Date(utcOf(from));
  const end = wallTimeToDate(`${addDays(to, 1)} 00:00:00`, tz) ?? new Date(utcOf(to) + DAY_MS);
  return { from: toRfc3339(start), to: toRfc3339(end) };
}

/** How long a local day really is, in minutes (1380 or 1500 when the clocks change). */
export function dayLengthMinutes(day: string, tz: string): number {
  const r = daysRange(day, day, tz);
  return Math.round((Date.parse(r.to) - Date.parse(r.from)) / 60_000);
}

/** "HH:MM" of minutes after midnight (24-hour). */
export function clock(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function toMinutes(hhmm: string): number {
  if (hhmm === '24:00') return 1440;
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * The hours the grid shows: from the earliest opening to the latest closing
 * of the week (whole hours), widened to hold every appointment drawn;
 * 08:00–20:00 when the business has no hours.
 */
export function visibleHours(
  hours: BusinessHours | null | undefined,
  appointments: readonly { start: number; end: number }[] = [],
): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const day of WEEKDAYS) {
    for (const [from, to] of hours?.[day] ?? []) {
      start = Math.min(start, toMinutes(from));
      end = Math.max(end, toMinutes(to));
    }
  }
  if (!Number.isFinite(start)) {
    start = 8 * 60;
    end = 20 * 60;
  }
  for (const a of appointments) {
    start = Math.min(start, a.start);
    end = Math.max(end, a.end);
  }
  return { start: Math.floor(start / 60) * 60, end: Math.min(Math.ceil(end / 60) * 60, 1440) };
}

/** The grid's rows: starts (minutes after midnight) every `step` minutes in [start, end). */
export function gridRows(range: { start: number; end: number }, step: number): number[] {
  const rows: number[] = [];
  for (let m = range.start; m < range.end; m += step) rows.push(m);
  return rows;
}

/**
 * Where an appointment sits on a day's grid, in minutes after midnight: its
 * wall-clock start and end on that day (an end past midnight is cut at 24:00).
 */
export function placement(
  a: { starts_at: string; ends_at: string },
  day: string,
  tz: string,
): { start: number; end: number } | null {
  if (localDay(a.starts_at, tz) !== day) return null;
  const start = wallMinutes(a.starts_at, tz);
  const end = localDay(a.ends_at, tz) === day ? wallMinutes(a.ends_at, tz) : 1440;
  return { start, end: Math.max(end, start + 5) };
}

/** Today's local day in `tz`. */
export function today(tz: string, now: Date = new Date()): string {
  return localDay(now, tz);
}
