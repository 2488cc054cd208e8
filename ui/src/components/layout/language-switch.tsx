import { useTranslation } from 'react-i18next';
import { switchLanguage } from '@/i18n';

const CHOICES = [
  { value: 'he', label: 'עב' },
  { value: 'en', label: 'EN' },
] as const;

/**
 * Hebrew / English, as two toggle buttons styled as a segmented control
 * (app.css `.fd-lang`): plain elements, so the header draws without
 * measuring the page (Mantine's SegmentedControl measures to place its
 * sliding indicator, a forced layout on every page's first render).
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = i18n.language === 'en' ? 'en' : 'he';
  return (
    <div role="group" aria-label={t('header.language')} className="fd-lang" data-testid="lang-switch">
      {CHOICES.map((c) => (
        <button
          key={c.value}
          type="button"
          aria-pressed={current === c.value}
          onClick={() => void switchLanguage(c.value)}
        >
          <span data-testid={`lang-${c.value}`} lang={c.value}>
            {c.label}
          </span>
        </button>
      ))}
    </div>
  );
}
