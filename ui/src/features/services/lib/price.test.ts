import { describe, expect, it } from 'vitest';
import { agorotToShekels, formatPrice, shekelsToAgorot } from './price';

describe('prices', () => {
  it('reads shekels into whole agorot', () => {
    expect(shekelsToAgorot('120')).toBe(12000);
    expect(shekelsToAgorot('99.9')).toBe(9990);
    expect(shekelsToAgorot('0.29')).toBe(29);
    expect(shekelsToAgorot('12,50')).toBe(1250);
    expect(shekelsToAgorot('')).toBe(null);
    expect(shekelsToAgorot('-5')).toBe(undefined);
    expect(shekelsToAgorot('1.005')).toBe(undefined);
    expect(shekelsToAgorot('abc')).toBe(undefined);
  });
  it('shows agorot as shekels', () => {
    expect(agorotToShekels(12000)).toBe('120');
    expect(agorotToShekels(9990)).toBe('99.90');
    expect(agorotToShekels(null)).toBe('');
    expect(formatPrice(12000, 'en-GB')).toBe('₪120');
    expect(formatPrice(null, 'en-GB')).toBe('');
  });
});
