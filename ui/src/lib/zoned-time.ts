/**
 * Wall-clock time in an IANA zone <-> instants, with Intl only.
 * Date pickers give "YYYY-MM-DD HH:mm:ss" meant in the business's timezone
 * (not the browser's); the API wants RFC 3339.
 */

type Parts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function partsInZone(date: Date, timeZone: string): Parts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const get = (type: string) => Number(fmt.formatToParts(date).find((p) => p.type === type)?.value ?? '0');
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset (ms) of `timeZone` from UTC at `date`. */
function offsetAt(date: Date, timeZone: string): number {
  const p = partsInZone(date, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2026-11-26 14:30:05" in `timeZone` -> Date (null if unparsable). */
export function wallTimeToDate(wall: string, timeZone: string): Date | null {
  const m = WALL_RE.exec(wall.trim());
  if (!m) return null;
  type Fields = [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as Fields;
  const guess = Date.UTC(y, mo - 1, d, h, mi, s || 0);
  // Two passes settle DST edges.
  let ts = guess - offsetAt(new Date(guess), timeZone);
  ts = guess - offsetAt(new Date(ts), timeZone);
  return new Date(ts);
}

/** Date -> "YYYY-MM-DD HH:mm:ss" wall-clock in `timeZone`. */
export function dateToWallTime(date: Date, timeZone: string): string {
  const p = partsInZone(date, timeZone);
  const pad = (n: number, l = 2) => String(n).padStart(l, '0');
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** RFC 3339 in UTC without milliseconds, e.g. 2026-11-26T12:30:05Z. */
export function toRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
