import { Select } from '@mantine/core';
import { useMemo } from 'react';
import { DEFAULT_TIMEZONE } from '@/config/constants';

function zones(): string[] {
  try {
    const list = Intl.supportedValuesOf('timeZone');
    return list.includes(DEFAULT_TIMEZONE) ? list : [DEFAULT_TIMEZONE, ...list];
  } catch {
    return [DEFAULT_TIMEZONE, 'UTC'];
  }
}

export function TimezoneSelect({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  testId?: string;
}) {
  const data = useMemo(() => {
    const all = zones();
    return value && !all.includes(value) ? [value, ...all] : all;
  }, [value]);
  return (
    <Select
      label={label}
      searchable
      data={data}
      value={value || null}
      onChange={(v) => v && onChange(v)}
      allowDeselect={false}
      limit={50}
      dir="ltr"
      data-testid={testId}
    />
  );
}
