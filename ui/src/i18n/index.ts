/**
 * i18n: Hebrew (default, rtl) and English (ltr). The choice is remembered in
 * localStorage and mirrored on <html lang dir> (Mantine's DirectionProvider
 * follows it, see app/provider.tsx).
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import he from './locales/he.json';
import { LANGUAGE_STORAGE_KEY } from '@/config/constants';

export const LANGUAGES = {
  he: { dir: 'rtl', label: 'עברית' },
  en: { dir: 'ltr', label: 'English' },
} as const;
export type Language = keyof typeof LANGUAGES;
export const DEFAULT_LANGUAGE: Language = 'he';

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && v in LANGUAGES;
}

export function dirOf(lng: string): 'rtl' | 'ltr' {
  return isLanguage(lng) ? LANGUAGES[lng].dir : 'rtl';
}

function storedLanguage(): Language {
  try {
    const v = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(v) ? v : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

export function applyDocumentLanguage(lng: string): void {
  const el = document.documentElement;
  el.setAttribute('lang', isLanguage(lng) ? lng : DEFAULT_LANGUAGE);
  el.setAttribute('dir', dirOf(lng));
}

// Hebrew, the default and the fallback, ships with the first page; English
// loads when it is chosen (main.tsx awaits it when it was remembered).
export const resources = { he: { translation: he } } as const;

// Not hasResourceBundle: a lazy chunk may have added some English texts of its own (i18n/appointments.ts).
let englishLoaded = false;

export async function loadLanguage(lng: string): Promise<void> {
  if (lng !== 'en' || englishLoaded) return;
  const en = await import('./locales/en.json');
  i18n.addResourceBundle('en', 'translation', en.default, true, true);
  englishLoaded = true;
}

/** Loads the language's texts, then switches to it. */
export async function switchLanguage(lng: string): Promise<void> {
  // Switches at once when the texts are there (no await before it).
  if (lng === 'en' && !englishLoaded) await loadLanguage(lng);
  await i18n.changeLanguage(lng);
}

void i18n.use(initReactI18next).init({
  resources,
  lng: storedLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: Object.keys(LANGUAGES),
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

applyDocumentLanguage(i18n.language);
i18n.on('languageChanged', (lng) => {
  applyDocumentLanguage(lng);
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, lng);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
});

export default i18n;
