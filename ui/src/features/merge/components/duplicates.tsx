import { Box, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { LazyModal } from '@/components/ui/lazy-modal';
import { notifySuccess } from '@/lib/notify';
import type { Lead } from '@/types/api';
import { useDuplicates, useMergeLead } from '../api/merge';

const FIELDS = ['first_name', 'last_name', 'phone_e164', 'whatsapp_id', 'email', 'source', 'status', 'notes'] as const;
type Field = (typeof FIELDS)[number];

const shown = (v: unknown) => (v === null || v === undefined || v === '' ? '' : String(v));
const name = (l: Lead) => [l.first_name, l.last_name].filter(Boolean).join(' ') || l.phone_e164 || l.whatsapp_id || '';

/** What the merged lead will hold: this lead's value, or the other's where this one is empty. */
export function mergedValue(keep: Lead, other: Lead, f: Field): string {
  if (f === 'source' || f === 'status') return shown(keep[f]);
  return shown(keep[f]) || shown(other[f]);
}

function Preview({ keep, other }: { keep: Lead; other: Lead }) {
  const { t } = useTranslation();
  // Source and status in words; the rest as stored.
  const word = (f: Field, v: string) =>
    v && (f === 'source' || f === 'status') ? t(`${f === 'source' ? 'leadSource' : 'leadStatus'}.${v}`, v) : v;
  return (
    // A focusable region: the table scrolls sideways on a phone, by keyboard too.
    <Box style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label={t('merge.title')}>
      <Table withTableBorder withColumnBorders miw={480} data-testid="merge-preview">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('merge.field')}</Table.Th>
            <Table.Th scope="col">{t('merge.thisLead')}</Table.Th>
            <Table.Th scope="col">{t('merge.otherLead')}</Table.Th>
            <Table.Th scope="col">{t('merge.result')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {FIELDS.map((f) => (
            <Table.Tr key={f}>
              <Table.Th scope="row">{t(`merge.fields.${f}`)}</Table.Th>
              <Table.Td dir="auto">{word(f, shown(keep[f]))}</Table.Td>
              <Table.Td dir="auto">{word(f, shown(other[f]))}</Table.Td>
              <Table.Td dir="auto" fw={600}>
                {word(f, mergedValue(keep, other, f))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Box>
  );
}

/**
 * Other leads that are the same person (phone, WhatsApp id or email), each
 * with a merge button: a side-by-side preview, then the merge (the other
 * lead's conversation, calls, reminders and appointments move here).
 */
export function Duplicates({ lead, canMerge }: { lead: Lead; canMerge: boolean }) {
  const { t } = useTranslation();
  const query = useDuplicates(lead.id);
  const [other, setOther] = useState<Lead | null>(null);
  const merge = useMergeLead(lead.id, () => {
    setOther(null);
    notifySuccess(t('merge.done'));
  });
  if (query.error) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending) return null;
  const items = query.data.items;
  return (
    <Stack gap="xs" data-testid="duplicates">
      {items.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('merge.none')}
        </Text>
      )}
      {items.map((d) => (
        <Group key={d.id} justify="space-between" wrap="nowrap" data-testid="duplicate">
          <div>
            <Text size="sm" fw={500} dir="auto">
              {name(d)}
            </Text>
            <Text size="xs" c="dimmed" className="fd-ltr">
              {[d.phone_e164, d.whatsapp_id, d.email].filter(Boolean).join(' · ')}
            </Text>
          </div>
          {canMerge && (
            <Button size="compact-sm" variant="light" onClick={() => setOther(d)} data-testid="merge-open">
              {t('merge.button')}
            </Button>
          )}
        </Group>
      ))}
      <LazyModal
        opened={other !== null}
        onClose={() => setOther(null)}
        title={t('merge.title')}
        size={1000}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {other && (
          <Stack gap="sm">
            <Text size="sm">{t('merge.explain', { name: name(other) })}</Text>
            <Preview keep={lead} other={other} />
            {merge.error && <ErrorAlert error={merge.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOther(null)}>
                {t('common.cancel')}
              </Button>
              <Button
                color="red"
                loading={merge.isPending}
                onClick={() => merge.mutate(other.id)}
                data-testid="merge-confirm"
              >
                {t('merge.confirm')}
              </Button>
            </Group>
          </Stack>
        )}
      </LazyModal>
    </Stack>
  );
}
