import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen } from '@testing-library/react';
import { renderWithProviders } from '@/testing/test-utils';
import { LanguageSwitch } from '@/components/layout/language-switch';
import { LANGUAGE_STORAGE_KEY } from '@/config/constants';
import en from './locales/en.json';
import he from './locales/he.json';
import i18n from '.';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('i18n', () => {
  it('Hebrew and English have the same keys', () => {
    expect(keys(he).sort()).toEqual(keys(en).sort());
  });

  it('switching language sets <html dir lang> and remembers the choice', async () => {
    await act(() => i18n.changeLanguage('he'));
    expect(document.documentElement.dir).toBe('rtl');
    expect(document.documentElement.lang).toBe('he');
    renderWithProviders(<LanguageSwitch />);

    fireEvent.click(screen.getByText('EN'));
    expect(i18n.language).toBe('en');
    expect(document.documentElement.dir).toBe('ltr');
    expect(document.documentElement.lang).toBe('en');
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');

    fireEvent.click(screen.getByText('עב'));
    expect(document.documentElement.dir).toBe('rtl');
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('he');
  });
});
