/**
 * The weekly-hours editor's state and the API's `business_hours` JSON.
 *
 * The API: `{"sun": [["09:00","18:00"]], ..., "sat": []}`, local HH:MM
 * intervals per weekday, several a day, sorted, not overlapping, each ending
 * after it starts; "24:00" is the end of the day. A time field cannot show
 * "24:00", so the editor writes midnight as "00:00" when it ends an interval
 * and sends it as "24:00". A closed day keeps its intervals in the editor
 * (reopening brings them back) and is sent as `[]`.
 */
import { WEEKDAYS, type BusinessHours, type HoursInterval, type Weekday } from '@/types/api';

export type Interval = { from: string; to: string };
export type DayHours = { open: boolean; intervals: Interval[] };
export type HoursState = Record<Weekday, DayHours>;
export type DayProblem = 'missing' | 'order' | 'overlap' | 'tooMany';

/** The server's limit of intervals per day. */
export const MAX_INTERVALS = 8;
const DEFAULT_INTERVAL: Interval = { from: '09:00', to: '18:00' };

/** Sun–Thu 09:00–18:00, Fri 09:00–13:00, Sat closed: the usual Israeli week. */
export const ISRAEL_PRESET: BusinessHours = {
  sun: [['09:00', '18:00']],
  mon: [['09:00', '18:00']],
  tue: [['09:00', '18:00']],
  wed: [['09:00', '18:00']],
  thu: [['09:00', '18:00']],
  fri: [['09:00', '13:00']],
  sat: [],
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes from midnight of a start ("HH:MM"), or null. */
function startMinutes(v: string): number | null {
  const m = HHMM.exec(v);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}
/** Minutes of an end: "00:00" (and "24:00") is the end of the day, 1440. */
function endMinutes(v: string): number | null {
  if (v === '24:00') return 1440;
  const m = startMinutes(v);
  return m === 0 ? 1440 : m;
}
function hhmm(minutes: number): string {
  const m = Math.min(Math.max(minutes, 0), 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The API's hours -> the editor (days left out are closed). */
export function hoursFromJson(json: Partial<BusinessHours> | null | undefined): HoursState {
  const state = {} as HoursState;
  for (const day of WEEKDAYS) {
    const list = Array.isArray(json?.[day]) ? (json[day] as HoursInterval[]) : [];
    const intervals = list.map(([from, to]) => ({ from, to: to === '24:00' ? '00:00' : to }));
    state[day] = { open: intervals.length > 0, intervals };
  }
  return state;
}

/** The editor -> the API's hours: every weekday, intervals sorted, midnight as "24:00", closed days `[]`. */
export function hoursToJson(state: HoursState): BusinessHours {
  const json = {} as BusinessHours;
  for (const day of WEEKDAYS) {
    const d = state[day];
    json[day] = d.open
      ? [...d.intervals]
          .sort((a, b) => (startMinutes(a.from) ?? 0) - (startMinutes(b.from) ?? 0))
          .map((i): HoursInterval => [i.from, endMinutes(i.to) === 1440 ? '24:00' : i.to])
      : [];
  }
  return json;
}

/** What is wrong with each day, if anything (closed days are never wrong). */
export function validateHours(state: HoursState): Partial<Record<Weekday, DayProblem>> {
  const problems: Partial<Record<Weekday, DayProblem>> = {};
  for (const day of WEEKDAYS) {
    const d = state[day];
    if (!d.open) continue;
    if (d.intervals.length === 0) {
      problems[day] = 'missing';
      continue;
    }
    if (d.intervals.length > MAX_INTERVALS) {
      problems[day] = 'tooMany';
      continue;
    }
    const spans: [number, number][] = [];
    for (const i of d.intervals) {
      const s = startMinutes(i.from);
      const e = endMinutes(i.to);
      if (s === null || e === null) {
        problems[day] = 'missing';
        break;
      }
      if (s >= e) {
        problems[day] = 'order';
        break;
      }
      spans.push([s, e]);
    }
    if (problems[day]) continue;
    spans.sort((a, b) => a[0] - b[0]);
    if (spans.some((sp, k) => k > 0 && sp[0] < spans[k - 1]![1])) problems[day] = 'overlap';
  }
  return problems;
}

export function setDayOpen(state: HoursState, day: Weekday, open: boolean): HoursState {
  const d = state[day];
  const intervals = open && d.intervals.length === 0 ? [{ ...DEFAULT_INTERVAL }] : d.intervals;
  return { ...state, [day]: { open, intervals } };
}

export function updateInterval(state: HoursState, day: Weekday, index: number, change: Partial<Interval>): HoursState {
  const d = state[day];
  return {
    ...state,
    [day]: { ...d, intervals: d.intervals.map((iv, k) => (k === index ? { ...iv, ...change } : iv)) },
  };
}

/** A further interval after the day's last one (three hours, up to midnight). */
export function addInterval(state: HoursState, day: Weekday): HoursState {
  const d = state[day];
  if (d.intervals.length >= MAX_INTERVALS) return state;
  const last = d.intervals[d.intervals.length - 1];
  const lastEnd = last ? endMinutes(last.to) : null;
  let next: Interval = { ...DEFAULT_INTERVAL };
  if (lastEnd !== null && lastEnd < 1440) {
    const from = Math.min(lastEnd + 60, 1380);
    next = { from: hhmm(from), to: hhmm(Math.min(from + 180, 1440)) };
  }
  return { ...state, [day]: { open: true, intervals: [...d.intervals, next] } };
}

export function removeInterval(state: HoursState, day: Weekday, index: number): HoursState {
  const d = state[day];
  const intervals = d.intervals.filter((_, k) => k !== index);
  return { ...state, [day]: { open: intervals.length > 0 && d.open, intervals } };
}

/** Holidays: add a "YYYY-MM-DD" date (sorted, no repeats), or remove one. */
export function addHoliday(days: readonly string[], date: string): string[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || days.includes(date)) return [...days];
  return [...days, date].sort();
}
export function removeHoliday(days: readonly string[], date: string): string[] {
  return days.filter((d) => d !== date);
}

/** Whether two hour sets would send the same JSON. */
export function sameHours(a: HoursState, b: HoursState): boolean {
  return JSON.stringify(hoursToJson(a)) === JSON.stringify(hoursToJson(b));
}
