import { Badge, Code, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DateTime } from '@/components/ui/date-time';
import type { AuditEntry } from '@/types/api';

function details(d: unknown): string {
  if (d === null || d === undefined || d === '') return '';
  if (typeof d === 'string') return d;
  if (typeof d === 'object' && Object.keys(d).length === 0) return '';
  try {
    return JSON.stringify(d);
  } catch {
    return String(d);
  }
}

export function AuditTable({ items, showTenant }: { items: AuditEntry[]; showTenant?: boolean }) {
  const { t } = useTranslation();
  if (items.length === 0)
    return (
      <Text c="dimmed" ta="center" py="md">
        {t('audit.empty')}
      </Text>
    );
  return (
    <div className="fd-table-wrap" tabIndex={0}>
      <Table verticalSpacing={6} fz="sm" striped data-testid="audit-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.when')}</Table.Th>
            <Table.Th>{t('audit.actor')}</Table.Th>
            <Table.Th>{t('audit.action')}</Table.Th>
            <Table.Th>{t('audit.target')}</Table.Th>
            {showTenant && <Table.Th>{t('audit.business')}</Table.Th>}
            <Table.Th className="fd-hide-mobile">{t('audit.ip')}</Table.Th>
            <Table.Th className="fd-hide-mobile">{t('audit.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((e) => {
            const d = details(e.details);
            return (
              <Table.Tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <Table.Td>
                  <DateTime value={e.created_at} seconds />
                </Table.Td>
                <Table.Td>
                  <bdi className="fd-ltr">{e.actor_email ?? (e.actor_user_id ? `#${e.actor_user_id}` : '—')}</bdi>
                  {e.impersonating && (
                    <Badge ms={4} size="xs" color="orange" variant="light">
                      {t('audit.impersonating')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Code>{e.action}</Code>
                </Table.Td>
                <Table.Td>
                  <bdi>{e.target ?? ''}</bdi>
                </Table.Td>
                {showTenant && <Table.Td>{e.tenant_id !== null ? `#${e.tenant_id}` : '—'}</Table.Td>}
                <Table.Td className="fd-hide-mobile">
                  <bdi className="fd-ltr">{e.ip ?? ''}</bdi>
                </Table.Td>
                <Table.Td className="fd-hide-mobile">
                  {d && (
                    <Tooltip label={d} multiline w={360} withinPortal>
                      <Text size="xs" c="dimmed" lineClamp={1} maw={260} dir="ltr">
                        {d}
                      </Text>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </div>
  );
}
