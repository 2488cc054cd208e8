import type { ReactNode } from 'react';
import { DatesProvider } from '@mantine/dates';
import { useTranslation } from 'react-i18next';
import 'dayjs/locale/he';

/**
 * The date pickers' language and Israeli week (starts on Sunday, weekend
 * Friday-Saturday). Wraps each date input, so the calendar code loads with
 * the pages that have one.
 */
export function LocalizedDates({ children }: { children: ReactNode }) {
  const { i18n: inst } = useTranslation();
  return (
    <DatesProvider settings={{ locale: inst.language === 'he' ? 'he' : 'en', firstDayOfWeek: 0, weekendDays: [5, 6] }}>
      {children}
    </DatesProvider>
  );
}
