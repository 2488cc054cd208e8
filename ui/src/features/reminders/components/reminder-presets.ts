import { dateToWallTime, wallTimeToDate } from '@/lib/zoned-time';

export type Preset = 'in15m' | 'in1h' | 'in3h' | 'tomorrow9';
export const PRESETS: Preset[] = ['in15m', 'in1h', 'in3h', 'tomorrow9'];

/** A preset as wall-clock time in `tz`, from `now`. */
export function presetWallTime(preset: Preset, tz: string, now = new Date()): string {
  switch (preset) {
    case 'in15m':
      return dateToWallTime(new Date(now.getTime() + 15 * 60_000), tz);
    case 'in1h':
      return dateToWallTime(new Date(now.getTime() + 60 * 60_000), tz);
    case 'in3h':
      return dateToWallTime(new Date(now.getTime() + 3 * 60 * 60_000), tz);
    case 'tomorrow9': {
      const tomorrow = dateToWallTime(new Date(now.getTime() + 24 * 60 * 60_000), tz).slice(0, 10);
      return `${tomorrow} 09:00:00`;
    }
  }
}

export function presetDate(preset: Preset, tz: string, now = new Date()): Date {
  return wallTimeToDate(presetWallTime(preset, tz, now), tz) ?? now;
}
