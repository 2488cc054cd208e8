import { addDays, byDay, duration, presetRange, todayIn, validRange } from './range';

const units = { s: 's', min: 'min', h: 'h' };

describe('dashboard ranges', () => {
  it('finds today in the business zone, not the browser one', () => {
    // 22:30 UTC on Dec 1 is already Dec 2 in Jerusalem (UTC+2).
    const now = new Date('2026-12-01T22:30:00Z');
    expect(todayIn('Asia/Jerusalem', now)).toBe('2026-12-02');
    expect(todayIn('UTC', now)).toBe('2026-12-01');
  });

  it('makes this week (from Sunday), the last 7 and the last 30 days', () => {
    const now = new Date('2026-12-09T10:00:00Z'); // a Wednesday
    expect(presetRange('week', 'Asia/Jerusalem', now)).toEqual({ from: '2026-12-06', to: '2026-12-09' });
    expect(presetRange('last7', 'Asia/Jerusalem', now)).toEqual({ from: '2026-12-03', to: '2026-12-09' });
    expect(presetRange('last30', 'Asia/Jerusalem', now)).toEqual({ from: '2026-11-10', to: '2026-12-09' });
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('accepts ranges the API accepts', () => {
    expect(validRange({ from: '2024-06-11', to: '2025-06-11' })).toBe(true);
    expect(validRange({ from: '2024-06-10', to: '2025-06-11' })).toBe(false);
    expect(validRange({ from: '2025-06-12', to: '2025-06-11' })).toBe(false);
    expect(validRange({ from: '', to: '2025-06-11' })).toBe(false);
  });

  it('fills every day and sums per source', () => {
    const rows = byDay(
      { from: '2026-12-01', to: '2026-12-03' },
      [
        { date: '2026-12-02', source: 'whatsapp', count: 3 },
        { date: '2026-12-02', source: 'form', count: 1 },
      ],
      ['whatsapp', 'form'],
    );
    expect(rows).toEqual([
      { date: '2026-12-01', whatsapp: 0, form: 0 },
      { date: '2026-12-02', whatsapp: 3, form: 1 },
      { date: '2026-12-03', whatsapp: 0, form: 0 },
    ]);
  });

  it('writes durations briefly', () => {
    expect(duration(null, units)).toBe('—');
    expect(duration(42.4, units)).toBe('42 s');
    expect(duration(185, units)).toBe('3 min 5 s');
    expect(duration(7800, units)).toBe('2 h 10 min');
  });
});
