/** "Open now — closes at …" / "Closed — opens …" from GET /api/business/current's computed fields. */
import { intlLocale } from '@/lib/format';
import type { CurrentBusiness } from '@/types/api';

function zone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

/** A weekday and time in the business's zone, e.g. "Sunday 09:00" / "יום ראשון 09:00". */
export function formatDayTime(iso: string, lng: string, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(lng), {
    timeZone: zone(tz),
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
}

/** The time only (for "closes at"), in the business's zone. */
export function formatTime(iso: string, lng: string, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(lng), {
    timeZone: zone(tz),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
}

export type OpenStatus = { state: 'open'; closes: string | null } | { state: 'closed'; opens: string | null };

/** Where the business stands now, its times formatted in its own zone. */
export function openStatus(
  b: Pick<CurrentBusiness, 'open_now' | 'next_open_at' | 'closes_at' | 'timezone'>,
  lng: string,
): OpenStatus {
  if (b.open_now) return { state: 'open', closes: b.closes_at ? formatTime(b.closes_at, lng, b.timezone) : null };
  return { state: 'closed', opens: b.next_open_at ? formatDayTime(b.next_open_at, lng, b.timezone) : null };
}
