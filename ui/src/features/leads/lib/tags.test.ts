import { describe, expect, it } from 'vitest';
import { aiPause } from './ai-pause';
import { addTag, removeTag } from './tags';

describe('tags', () => {
  it('adds a trimmed tag at the end', () => {
    expect(addTag(['vip'], '  תספורת ')).toEqual({ tags: ['vip', 'תספורת'] });
    expect(removeTag(['vip', 'x'], 'vip')).toEqual(['x']);
  });

  it('refuses what the server refuses', () => {
    expect(addTag([], '   ')).toEqual({ problem: 'empty' });
    expect(addTag([], 'a'.repeat(41))).toEqual({ problem: 'tooLong' });
    // 40 characters, counted as the server counts them (an emoji is one).
    expect(addTag([], '😀'.repeat(40))).toEqual({ tags: ['😀'.repeat(40)] });
    expect(addTag([], 'two\nlines')).toEqual({ problem: 'invalidChars' });
    expect(addTag(['vip'], 'vip')).toEqual({ problem: 'duplicate' });
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    expect(addTag(twenty, 'one more')).toEqual({ problem: 'tooMany' });
  });
});

describe('aiPause', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');
  it('is paused until a future time only', () => {
    expect(aiPause({ ai_paused_until: null }, now)).toEqual({ paused: false, until: null });
    expect(aiPause({ ai_paused_until: '2026-12-03T12:00:00Z' }, now)).toEqual({
      paused: true,
      until: '2026-12-03T12:00:00Z',
    });
    expect(aiPause({ ai_paused_until: '2026-12-03T09:59:59Z' }, now)).toEqual({ paused: false, until: null });
  });
});
