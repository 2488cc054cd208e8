import { MaskedDateInput } from '@mantine/dates';
import { LocalizedDates } from './localized-dates';
import { useTranslation } from 'react-i18next';

type Props = {
  label: string;
  /** "YYYY-MM-DD HH:mm:ss" wall-clock time in the business's timezone, or null. */
  value: string | null;
  onChange: (value: string | null) => void;
  description?: string;
  error?: string | null;
  testId?: string;
  required?: boolean;
};

/**
 * Date and time, typed field by field (keyboard friendly) or picked from a
 * calendar whose week starts on Sunday with a Friday-Saturday weekend
 * (DatesProvider settings). Seconds are included.
 */
export function ZonedDateTimeInput({ label, value, onChange, description, error, testId, required }: Props) {
  const { t } = useTranslation();
  return (
    <LocalizedDates>
      <MaskedDateInput
        label={label}
        description={description}
        error={error}
        required={required}
        withTime
        withSeconds
        value={value}
        onChange={(v) => onChange(typeof v === 'string' && v ? v : null)}
        fieldsOrder={['day', 'month', 'year']}
        dayInputLabel={t('dates.day')}
        monthInputLabel={t('dates.month')}
        yearInputLabel={t('dates.year')}
        hoursInputLabel={t('dates.hours')}
        minutesInputLabel={t('dates.minutes')}
        secondsInputLabel={t('dates.seconds')}
        clearable
        clearButtonProps={{ 'aria-label': t('dates.clear') }}
        dir="ltr"
        data-testid={testId}
        popoverProps={{ withinPortal: true }}
      />
    </LocalizedDates>
  );
}
