import { useTranslation } from 'react-i18next';
import { useTimezone } from '@/lib/auth';
import { formatDateTime, formatDateTimeSeconds } from '@/lib/format';

/** An instant shown in the business's timezone, with the ISO value for machines. */
export function DateTime({ value, seconds = false }: { value: string | null | undefined; seconds?: boolean }) {
  const { i18n } = useTranslation();
  const tz = useTimezone();
  if (!value) return null;
  const text = seconds ? formatDateTimeSeconds(value, i18n.language, tz) : formatDateTime(value, i18n.language, tz);
  return (
    <time dateTime={value} title={tz}>
      {text}
    </time>
  );
}
