/**
 * The dashboard's ranges: days (YYYY-MM-DD) in the business's time zone,
 * both ends included, as the API takes them. The week starts on Sunday (the
 * Israeli week).
 */
export type Preset = 'week' | 'last7' | 'last30' | 'custom';
export type DayRange = { from: string; to: string };

/** Today in `timeZone`, as YYYY-MM-DD. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      now,
    );
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** `day` moved by `n` days (calendar days: no time zone involved). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function presetRange(preset: Exclude<Preset, 'custom'>, timeZone: string, now: Date = new Date()): DayRange {
  const to = todayIn(timeZone, now);
  if (preset === 'week') return { from: addDays(to, -new Date(`${to}T00:00:00Z`).getUTCDay()), to };
  return { from: addDays(to, preset === 'last7' ? -6 : -29), to };
}

/** Whether a custom range is one the API accepts (at most 366 days, in order). */
export function validRange(r: DayRange): boolean {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(r.from) || !day.test(r.to) || r.from > r.to) return false;
  const days = (Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)) / 86_400_000 + 1;
  return days <= 366;
}

/** Seconds as a short duration: 42 s, 3 min 5 s, 2 h 10 min. */
export function duration(seconds: number | null, units: { s: string; min: string; h: string }): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} ${units.s}`;
  if (s < 3600) return `${Math.floor(s / 60)} ${units.min} ${s % 60} ${units.s}`;
  return `${Math.floor(s / 3600)} ${units.h} ${Math.floor((s % 3600) / 60)} ${units.min}`;
}

/** `leads_by_day` as one row per day (every day of the range, zeros included) with a count per source. */
export function byDay(
  range: DayRange,
  rows: { date: string; source: string; count: number }[],
  sources: readonly string[],
): Record<string, string | number>[] {
  const out: Record<string, string | number>[] = [];
  for (let d = range.from; d <= range.to && out.length < 367; d = addDays(d, 1)) {
    const row: Record<string, string | number> = { date: d };
    for (const s of sources) row[s] = 0;
    out.push(row);
  }
  const index = new Map(out.map((r, i) => [r.date as string, i]));
  for (const r of rows) {
    const i = index.get(r.date);
    const row = i === undefined ? undefined : out[i];
    if (row) row[r.source] = ((row[r.source] as number) || 0) + r.count;
  }
  return out;
}
