import { Alert, Badge, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageLoader } from '@/components/ui/page-loader';
import { useTimezone } from '@/lib/auth';
import { formatDateTime } from '@/lib/format';
import { usePairingCode, useWhatsappLink } from '../api/whatsapp-link';

const COLORS: Record<string, string> = { open: 'teal.9', connecting: 'yellow.9', close: 'red.9' };

/**
 * Settings: the business's WhatsApp link, live. While the phone is not
 * linked, the QR code to scan (refreshed until it is) or a pairing code to
 * type instead; once open, just the state.
 */
export function WhatsappLinkPanel() {
  const { t, i18n } = useTranslation();
  const tz = useTimezone();
  const link = useWhatsappLink();
  const pairing = usePairingCode();
  const [phone, setPhone] = useState('');
  if (link.isPending) return <PageLoader />;
  if (link.error) return <ErrorAlert error={link.error} onRetry={() => void link.refetch()} />;
  const l = link.data;
  const state = ['open', 'connecting', 'close'].includes(l.state) ? l.state : 'close';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (phone.trim() && !pairing.isPending) pairing.mutate(phone.trim());
  };
  return (
    <Stack gap="sm" data-testid="whatsapp-link" data-state={state}>
      <Group gap="xs">
        <Text size="sm">{t('pairing.state')}:</Text>
        <Badge color={COLORS[state]} variant="filled" data-testid="whatsapp-link-state" aria-live="polite">
          {t(`pairing.${state}`)}
        </Badge>
        {l.updated_at && (
          <Text size="xs" c="dimmed">
            {t('pairing.updated', { when: formatDateTime(l.updated_at, i18n.language, tz) })}
          </Text>
        )}
      </Group>
      {state === 'open' ? (
        <Alert color="teal" variant="light">
          {t('pairing.connected')}
        </Alert>
      ) : (
        <>
          {l.qr && (
            <>
              <Text size="sm">{t('pairing.scan')}</Text>
              <img
                // The page's CSP allows images from this origin only: the same code as a PNG.
                src={`/api/business/current/whatsapp/qr?at=${encodeURIComponent(l.updated_at ?? '')}`}
                alt={t('pairing.qr')}
                width={240}
                height={240}
                className="fd-qr"
                data-testid="whatsapp-qr"
              />
            </>
          )}
          <form onSubmit={submit}>
            <Text size="sm" mb={4}>
              {t('pairing.orCode')}
            </Text>
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <TextInput
                className="fd-grow"
                size="sm"
                dir="ltr"
                type="tel"
                autoComplete="tel"
                label={t('pairing.phone')}
                value={phone}
                onChange={(e) => setPhone(e.currentTarget.value)}
                data-testid="pairing-phone"
              />
              <Button type="submit" size="sm" loading={pairing.isPending} data-testid="pairing-submit">
                {t('pairing.getCode')}
              </Button>
            </Group>
          </form>
          {pairing.error && <ErrorAlert error={pairing.error} />}
          {l.pairing_code && (
            <Alert color="blue" variant="light" data-testid="pairing-code">
              {t('pairing.code')}{' '}
              <Text span fw={700} ff="monospace" className="fd-ltr">
                {l.pairing_code}
              </Text>
            </Alert>
          )}
        </>
      )}
    </Stack>
  );
}
