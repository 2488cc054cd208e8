import { describe, expect, it } from 'vitest';
import { openStatus } from './open-status';

describe('openStatus', () => {
  it('says until when the business is open, in its own zone', () => {
    const s = openStatus(
      {
        open_now: true,
        closes_at: '2026-12-03T16:00:00Z',
        next_open_at: '2026-12-04T07:00:00Z',
        timezone: 'Asia/Jerusalem',
      },
      'en',
    );
    expect(s).toEqual({ state: 'open', closes: '18:00' });
  });

  it('says when it opens next, with the weekday', () => {
    const s = openStatus(
      { open_now: false, closes_at: null, next_open_at: '2026-12-06T07:00:00Z', timezone: 'Asia/Jerusalem' },
      'en',
    );
    expect(s.state).toBe('closed');
    expect(s.state === 'closed' && s.opens).toMatch(/Sunday.*09:00/);
    const he = openStatus(
      { open_now: false, closes_at: null, next_open_at: '2026-12-06T07:00:00Z', timezone: 'Asia/Jerusalem' },
      'he',
    );
    expect(he.state === 'closed' && he.opens).toMatch(/ראשון.*09:00/);
  });

  it('has no next opening when the week is all closed', () => {
    expect(
      openStatus({ open_now: false, closes_at: null, next_open_at: null, timezone: 'Asia/Jerusalem' }, 'en'),
    ).toEqual({ state: 'closed', opens: null });
  });
});
