import { describe, expect, it } from 'vitest';
import { formatDateTime, formatMessageTime, formatPhone, formatWaited, looksLikePhone } from './format';
import { dateToWallTime, toRfc3339, wallTimeToDate } from './zoned-time';
import { diffLines } from './diff';

describe('formatPhone', () => {
  it('shows Israeli numbers in national format', () => {
    expect(formatPhone('+972521234567')).toBe('052-123-4567');
    expect(formatPhone('+97231234567')).toBe('03-123-4567');
    expect(formatPhone('+972771234567')).toBe('077-123-4567');
  });
  it('leaves other numbers as E.164', () => {
    expect(formatPhone('+14155550100')).toBe('+14155550100');
    expect(formatPhone(null)).toBe('');
  });
});

describe('looksLikePhone', () => {
  it('accepts local and international forms', () => {
    expect(looksLikePhone('052-123-4567')).toBe(true);
    expect(looksLikePhone('+972 52 123 4567')).toBe(true);
    expect(looksLikePhone('0521234567')).toBe(true);
  });
  it('rejects letters and too-short input', () => {
    expect(looksLikePhone('abc')).toBe(false);
    expect(looksLikePhone('12')).toBe(false);
  });
});

describe('zoned time', () => {
  it('reads wall-clock time in the business timezone', () => {
    // Israel is UTC+2 in winter, UTC+3 in summer.
    expect(toRfc3339(wallTimeToDate('2026-01-15 09:30:05', 'Asia/Jerusalem')!)).toBe('2026-01-15T07:30:05Z');
    expect(toRfc3339(wallTimeToDate('2026-07-15 09:30:00', 'Asia/Jerusalem')!)).toBe('2026-07-15T06:30:00Z');
    expect(wallTimeToDate('nonsense', 'Asia/Jerusalem')).toBeNull();
  });
  it('round-trips', () => {
    const d = new Date('2026-11-26T12:03:45Z');
    expect(dateToWallTime(d, 'Asia/Jerusalem')).toBe('2026-11-26 14:03:45');
    expect(wallTimeToDate(dateToWallTime(d, 'America/New_York'), 'America/New_York')!.getTime()).toBe(d.getTime());
  });
  it('formats instants in the given timezone', () => {
    expect(formatDateTime('2026-11-26T12:03:45Z', 'en', 'Asia/Jerusalem')).toContain('14:03');
    expect(formatDateTime('2026-11-26T12:03:45Z', 'en', 'UTC')).toContain('12:03');
  });
});

describe('diffLines', () => {
  it('marks added and removed lines', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { type: 'same', text: 'a' },
      { type: 'del', text: 'b' },
      { type: 'add', text: 'B' },
      { type: 'same', text: 'c' },
      { type: 'add', text: 'd' },
    ]);
  });
  it('treats an empty before as all added', () => {
    expect(diffLines('', 'x\ny').map((l) => l.type)).toEqual(['add', 'add']);
  });
});

describe('message times and waits', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  it('shows the clock (24-hour) for today and the date before', () => {
    expect(formatMessageTime('2026-12-06T07:05:00Z', 'he', 'Asia/Jerusalem', now)).toBe('09:05');
    expect(formatMessageTime('2026-12-06T13:05:00Z', 'en', 'Asia/Jerusalem', now)).toBe('15:05');
    expect(formatMessageTime('2026-12-04T07:05:00Z', 'he', 'Asia/Jerusalem', now)).toBe('4.12');
  });
  it('says how long a customer waited in the largest whole unit', () => {
    expect(formatWaited('2026-12-06T11:55:00Z', 'en', now)).toMatch(/^5 min/);
    expect(formatWaited('2026-12-06T09:00:00Z', 'en', now)).toMatch(/^3 h/);
    expect(formatWaited('2026-12-04T11:00:00Z', 'en', now)).toMatch(/^2 day/);
    expect(formatWaited(null, 'en', now)).toBe('');
    expect(formatWaited('2026-12-06T11:59:30Z', 'en', now)).toBe('');
  });
});
