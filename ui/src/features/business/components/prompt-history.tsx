import { Accordion, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { DateTime } from '@/components/ui/date-time';
import { PageLoader } from '@/components/ui/page-loader';
import { usePromptHistory } from '../api/get-prompt-history';
import { LineDiff } from './line-diff';

/** Saved revisions, newest first; each opens as a diff against the one before it. */
export function PromptHistory() {
  const { t } = useTranslation();
  const history = usePromptHistory();
  if (history.isPending) return <PageLoader />;
  if (history.error) return <ErrorAlert error={history.error} onRetry={() => void history.refetch()} />;
  const items = history.data.items;
  if (items.length === 0) return <Text c="dimmed">{t('prompts.noHistory')}</Text>;
  return (
    <Accordion variant="separated" data-testid="prompt-history">
      {items.map((rev, i) => {
        const prev = items[i + 1];
        return (
          <Accordion.Item key={rev.id} value={String(rev.id)} data-testid="prompt-revision">
            <Accordion.Control>
              <Group gap="xs" wrap="wrap">
                <Text size="sm" fw={500}>
                  <DateTime value={rev.created_at} seconds />
                </Text>
                <Text size="sm" c="dimmed">
                  {rev.author ? rev.author.name || rev.author.email : t('prompts.unknownAuthor')}
                </Text>
                {!prev && (
                  <Text size="xs" c="dimmed">
                    ({t('prompts.firstRevision')})
                  </Text>
                )}
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap="sm">
                <LineDiff label={t('prompts.calls')} before={prev?.calls_prompt ?? ''} after={rev.calls_prompt} />
                <LineDiff
                  label={t('prompts.whatsapp')}
                  before={prev?.whatsapp_prompt ?? ''}
                  after={rev.whatsapp_prompt}
                />
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        );
      })}
    </Accordion>
  );
}
