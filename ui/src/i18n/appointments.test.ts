import { describe, expect, it } from 'vitest';
import i18n, { loadLanguage } from '.';
import './appointments';
import en from './locales/appointments.en.json';
import he from './locales/appointments.he.json';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('appointment texts', () => {
  it('Hebrew and English have the same keys', () => {
    expect(keys(he).sort()).toEqual(keys(en).sort());
  });

  it('join the translations without keeping English from loading', async () => {
    expect(i18n.t('calendar.title', { lng: 'he' })).toBe('יומן');
    expect(i18n.t('calendar.title', { lng: 'en' })).toBe('Calendar');
    await loadLanguage('en');
    expect(i18n.t('nav.leads', { lng: 'en' })).toBe('Leads');
    expect(i18n.t('calendar.week', { lng: 'en' })).toBe('Week');
  });
});
