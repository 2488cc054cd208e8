import '@/i18n/appointments';
import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Slot } from '@/types/api';
import { clock, localDay, wallMinutes } from '../lib/calendar-grid';

/** The next free slots a refused booking or move offers: one button each. */
export function SlotAlternatives({
  slots,
  tz,
  staff,
  onPick,
}: {
  slots: Slot[];
  tz: string;
  staff: { id: number; name: string }[];
  onPick: (s: Slot) => void;
}) {
  const { t } = useTranslation();
  if (slots.length === 0) return null;
  return (
    <>
      <Text size="sm" mt={6}>
        {t('appointments.alternatives')}
      </Text>
      <Group gap={6} mt={4} data-testid="alternatives">
        {slots.map((s) => (
          <Button
            key={`${s.starts_at}-${s.staff_user_id}`}
            size="compact-xs"
            variant="default"
            onClick={() => onPick(s)}
            data-testid="alternative"
          >
            <bdi>
              {localDay(s.starts_at, tz)} {clock(wallMinutes(s.starts_at, tz))}
            </bdi>
            {staff.find((m) => m.id === s.staff_user_id)?.name
              ? ` · ${staff.find((m) => m.id === s.staff_user_id)?.name}`
              : ''}
          </Button>
        ))}
      </Group>
    </>
  );
}
