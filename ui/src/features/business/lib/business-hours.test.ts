import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '@/types/api';
import {
  addHoliday,
  addInterval,
  hoursFromJson,
  hoursToJson,
  ISRAEL_PRESET,
  removeHoliday,
  removeInterval,
  sameHours,
  setDayOpen,
  updateInterval,
  validateHours,
} from './business-hours';

const split: BusinessHours = {
  sun: [
    ['09:00', '13:00'],
    ['16:00', '20:00'],
  ],
  mon: [['00:00', '24:00']],
  tue: [],
  wed: [['08:30', '17:45']],
  thu: [['22:00', '24:00']],
  fri: [['09:00', '13:00']],
  sat: [],
};

describe('business hours editor', () => {
  it('round-trips the API JSON, Sunday first, every weekday present', () => {
    const json = hoursToJson(hoursFromJson(split));
    expect(json).toEqual(split);
    expect(Object.keys(json)).toEqual(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
    expect(hoursToJson(hoursFromJson(ISRAEL_PRESET))).toEqual(ISRAEL_PRESET);
  });

  it('shows "24:00" as 00:00 (midnight) in the editor and sends it back as "24:00"', () => {
    const state = hoursFromJson(split);
    expect(state.thu.intervals).toEqual([{ from: '22:00', to: '00:00' }]);
    const edited = updateInterval(state, 'fri', 0, { to: '00:00' });
    expect(hoursToJson(edited).fri).toEqual([['09:00', '24:00']]);
    expect(validateHours(edited)).toEqual({});
  });

  it('treats missing days as closed, sends closed days as [] and keeps their hours for reopening', () => {
    const state = hoursFromJson({ sun: [['09:00', '18:00']] });
    expect(state.sat).toEqual({ open: false, intervals: [] });
    const closed = setDayOpen(state, 'sun', false);
    expect(hoursToJson(closed).sun).toEqual([]);
    expect(closed.sun.intervals).toEqual([{ from: '09:00', to: '18:00' }]);
    expect(hoursToJson(setDayOpen(closed, 'sun', true)).sun).toEqual([['09:00', '18:00']]);
    // A day opened from nothing gets default hours.
    expect(hoursToJson(setDayOpen(state, 'sat', true)).sat).toEqual([['09:00', '18:00']]);
  });

  it('changes Friday only, sorted by start', () => {
    let state = hoursFromJson(ISRAEL_PRESET);
    state = updateInterval(state, 'fri', 0, { from: '08:00', to: '14:00' });
    state = addInterval(state, 'fri');
    expect(state.fri.intervals[1]).toEqual({ from: '15:00', to: '18:00' });
    state = updateInterval(state, 'fri', 1, { from: '06:00', to: '07:00' });
    const json = hoursToJson(state);
    expect(json.fri).toEqual([
      ['06:00', '07:00'],
      ['08:00', '14:00'],
    ]);
    expect(json.thu).toEqual(ISRAEL_PRESET.thu);
    expect(sameHours(state, hoursFromJson(ISRAEL_PRESET))).toBe(false);
    // The editor keeps the order they were typed in: the second one is 06:00-07:00.
    state = removeInterval(state, 'fri', 1);
    expect(hoursToJson(state).fri).toEqual([['08:00', '14:00']]);
    // Removing the last interval closes the day.
    expect(hoursToJson(removeInterval(state, 'fri', 0)).fri).toEqual([]);
  });

  it('finds empty times, intervals that end before they start, and overlaps', () => {
    let state = hoursFromJson(ISRAEL_PRESET);
    expect(validateHours(state)).toEqual({});
    state = updateInterval(state, 'sun', 0, { from: '' });
    state = updateInterval(state, 'mon', 0, { from: '18:00', to: '09:00' });
    state = addInterval(state, 'tue');
    state = updateInterval(state, 'tue', 1, { from: '17:00', to: '19:00' });
    expect(validateHours(state)).toEqual({ sun: 'missing', mon: 'order', tue: 'overlap' });
    // Closed days are never wrong.
    expect(validateHours(setDayOpen(state, 'mon', false)).mon).toBeUndefined();
  });

  it('keeps holidays sorted and unique', () => {
    let days = addHoliday([], '2026-12-25');
    days = addHoliday(days, '2026-09-12');
    days = addHoliday(days, '2026-12-25');
    days = addHoliday(days, 'not a date');
    expect(days).toEqual(['2026-09-12', '2026-12-25']);
    expect(removeHoliday(days, '2026-09-12')).toEqual(['2026-12-25']);
  });
});
