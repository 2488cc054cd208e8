/** Locale- and timezone-aware formatting via Intl (no date libraries). */
import { DEFAULT_TIMEZONE } from '@/config/constants';

export function intlLocale(lng: string): string {
  return lng.startsWith('he') ? 'he-IL' : 'en-GB';
}

// Making an Intl formatter costs far more than using one (a list of 25 rows
// made ~100 of them, a fifth of a phone's first render): each is made once.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, format);
  }
  return format;
}

const zones = new Map<string, string>();

function safeTimeZone(tz: string | null | undefined): string {
  const zone = tz || DEFAULT_TIMEZONE;
  let safe = zones.get(zone);
  if (safe === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      safe = zone;
    } catch {
      safe = DEFAULT_TIMEZONE;
    }
    zones.set(zone, safe);
  }
  return safe;
}

function toDate(value: string | number | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(value: string | null | undefined, lng: string, tz?: string | null): string {
  if (!value) return '';
  const d = toDate(value);
  if (!d) return String(value);
  return dateFormat(intlLocale(lng), { timeZone: safeTimeZone(tz), dateStyle: 'short', timeStyle: 'short' }).format(d);
}

export function formatDateTimeSeconds(value: string | null | undefined, lng: string, tz?: string | null): string {
  if (!value) return '';
  const d = toDate(value);
  if (!d) return String(value);
  return dateFormat(intlLocale(lng), { timeZone: safeTimeZone(tz), dateStyle: 'short', timeStyle: 'medium' }).format(d);
}

/**
 * Phone numbers in national format for Israel (+972): mobiles and 07x as
 * `052-123-4567`, landlines as `03-123-4567`. Anything else: E.164 as-is.
 */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return '';
  const m = /^\+972(\d+)$/.exec(e164.replace(/[\s-]/g, ''));
  if (!m || !m[1]) return e164;
  const rest = m[1];
  if (rest.length === 9) return `0${rest.slice(0, 2)}-${rest.slice(2, 5)}-${rest.slice(5)}`;
  if (rest.length === 8) return `0${rest.slice(0, 1)}-${rest.slice(1, 4)}-${rest.slice(4)}`;
  return `0${rest}`;
}

/** Light client-side check: digits, '+', spaces, dashes, parentheses; the server decides. */
export function looksLikePhone(input: string): boolean {
  const v = input.trim();
  if (!/^\+?[\d\s\-()]+$/.test(v)) return false;
  const digits = v.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15;
}

export function leadDisplayName(lead: {
  first_name: string | null;
  last_name: string | null;
  phone_e164: string | null;
  whatsapp_id?: string | null;
}): string {
  const name = [lead.first_name, lead.last_name].filter(Boolean).join(' ').trim();
  return name || formatPhone(lead.phone_e164) || lead.whatsapp_id || '';
}

/** Direction of a text from its first strong character (Hebrew/Arabic -> rtl). */
export function textDir(text: string): 'rtl' | 'ltr' {
  const m = /[\p{L}]/u.exec(text);
  if (!m) return 'ltr';
  return /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(m[0]) ? 'rtl' : 'ltr';
}

/** A message's time: the clock today, else the short date (24-hour in Hebrew, like every time here). */
export function formatMessageTime(
  value: string | null | undefined,
  lng: string,
  tz?: string | null,
  now: Date = new Date(),
): string {
  if (!value) return '';
  const d = toDate(value);
  if (!d) return String(value);
  const zone = safeTimeZone(tz);
  const day = (x: Date) => dateFormat('en-CA', { timeZone: zone, dateStyle: 'short' }).format(x);
  const options: Intl.DateTimeFormatOptions =
    day(d) === day(now) ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'numeric' };
  return dateFormat(intlLocale(lng), { timeZone: zone, hourCycle: 'h23', ...options }).format(d);
}

const unitFormats = new Map<string, Intl.NumberFormat>();

/** How long since `since`, in the largest whole unit: "5 min", "3 hr", "2 days" (localized); empty under a minute. */
export function formatWaited(since: string | null | undefined, lng: string, now: Date = new Date()): string {
  if (!since) return '';
  const d = toDate(since);
  if (!d) return '';
  const minutes = Math.max(0, Math.floor((now.getTime() - d.getTime()) / 60_000));
  if (minutes < 1) return '';
  const [value, unit] =
    minutes < 60
      ? [minutes, 'minute']
      : minutes < 60 * 24
        ? [Math.floor(minutes / 60), 'hour']
        : [Math.floor(minutes / 1440), 'day'];
  const key = `${intlLocale(lng)}|${unit}`;
  let format = unitFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(intlLocale(lng), { style: 'unit', unit, unitDisplay: 'short' });
    unitFormats.set(key, format);
  }
  return format.format(value);
}
