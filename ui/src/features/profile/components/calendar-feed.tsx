import '@/i18n/appointments';
import { Button, CopyButton, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { api } from '@/lib/api-client';

/**
 * The user's calendar feed (iCalendar, for Google Calendar, Outlook, a phone):
 * the server keeps only a hash of its token, so the address shows once, when
 * made; making a new one ends the old.
 */
export function CalendarFeed() {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const rotate = useMutation({
    mutationFn: () => api.post<{ url: string }>('/api/auth/me/ics-token'),
    meta: { inlineError: true },
    onSuccess: (r) => setUrl(r.url),
  });
  return (
    <Stack gap="sm" data-testid="calendar-feed">
      <Text size="sm" c="dimmed">
        {t('icsFeed.help')}
      </Text>
      {url && (
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            className="fd-grow"
            label={t('icsFeed.url')}
            description={t('icsFeed.once')}
            value={url}
            readOnly
            dir="ltr"
            onFocus={(e) => e.currentTarget.select()}
            data-testid="calendar-feed-url"
          />
          <CopyButton value={url}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy} data-testid="calendar-feed-copy">
                {copied ? t('icsFeed.copied') : t('icsFeed.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      )}
      {rotate.error && <ErrorAlert error={rotate.error} />}
      <Group>
        <Button
          variant={url ? 'default' : 'filled'}
          loading={rotate.isPending}
          onClick={() => {
            if (url && !window.confirm(t('icsFeed.confirmRotate'))) return;
            rotate.mutate();
          }}
          data-testid="calendar-feed-rotate"
        >
          {url ? t('icsFeed.rotate') : t('icsFeed.make')}
        </Button>
      </Group>
    </Stack>
  );
}
