import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { switchLanguage } from '@/i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('header.language')}
      data-testid="lang-switch"
      value={i18n.language === 'en' ? 'en' : 'he'}
      onChange={(v) => void switchLanguage(v)}
      data={[
        {
          value: 'he',
          label: (
            <span data-testid="lang-he" lang="he">
              עב
            </span>
          ),
        },
        {
          value: 'en',
          label: (
            <span data-testid="lang-en" lang="en">
              EN
            </span>
          ),
        },
      ]}
    />
  );
}
