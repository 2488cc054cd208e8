import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CurrentBusiness } from '@/types/api';
import { openStatus } from '../lib/open-status';

/** "Open now — closes at 18:00" / "Closed — opens Sunday 09:00", as the server computed it. */
export function OpenStatus({ business }: { business: CurrentBusiness }) {
  const { t, i18n } = useTranslation();
  const s = openStatus(business, i18n.language);
  return (
    <Group gap="xs" wrap="wrap" data-testid="open-status" data-open={s.state === 'open' ? 'true' : 'false'}>
      <Badge tt="none" color={s.state === 'open' ? 'teal' : 'gray'} variant="light" size="lg" className="fd-badge-full">
        {s.state === 'open' ? t('hours.openNow') : t('hours.closedNow')}
      </Badge>
      <Text size="sm">
        {s.state === 'open'
          ? s.closes
            ? t('hours.closesAt', { time: s.closes })
            : t('hours.openAllDay')
          : s.opens
            ? t('hours.opensAt', { when: s.opens })
            : t('hours.neverOpens')}
      </Text>
    </Group>
  );
}
