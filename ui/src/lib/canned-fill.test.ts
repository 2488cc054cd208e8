import { describe, expect, it } from 'vitest';
import { fillCannedReply, nextOpenText } from './canned-fill';

const vars = { first_name: 'דנה', business_name: 'Acme', next_open: 'עכשיו', my_name: 'Yossi' };

describe('fillCannedReply', () => {
  it('fills every variable, spaces in the braces allowed', () => {
    expect(fillCannedReply('Hi {{first_name}}, {{ my_name }} from {{business_name}}. Open: {{next_open}}', vars)).toBe(
      'Hi דנה, Yossi from Acme. Open: עכשיו',
    );
  });
  it('fills a variable each time it appears', () => {
    expect(fillCannedReply('{{first_name}} {{first_name}}', vars)).toBe('דנה דנה');
  });
  it('keeps unknown variables and plain text as written', () => {
    expect(fillCannedReply('{{last_name}} {x} {{ }}', vars)).toBe('{{last_name}} {x} {{ }}');
  });
  it('fills an empty value (a lead without a first name)', () => {
    expect(fillCannedReply('Hi {{first_name}}!', { ...vars, first_name: '' })).toBe('Hi !');
  });
});

describe('nextOpenText', () => {
  it('says "now" while open', () => {
    expect(nextOpenText({ open_now: true, next_open_at: null }, 'he', 'Asia/Jerusalem', 'עכשיו')).toBe('עכשיו');
  });
  it('gives the next opening in the business zone, 24-hour in Hebrew', () => {
    const text = nextOpenText(
      { open_now: false, next_open_at: '2026-12-06T07:00:00Z' },
      'he',
      'Asia/Jerusalem',
      'עכשיו',
    );
    expect(text).toMatch(/(^|\D)9:00/);
    expect(text).not.toMatch(/AM|PM/);
    expect(text).toContain('6.12.2026');
  });
  it('is empty when unknown', () => {
    expect(nextOpenText(null, 'en', null, 'now')).toBe('');
    expect(nextOpenText({ open_now: false, next_open_at: null }, 'en', null, 'now')).toBe('');
  });
});
