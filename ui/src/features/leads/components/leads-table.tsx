import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Phone } from '@/components/ui/phone';
import { paths } from '@/config/paths';
import { useTimezone } from '@/lib/auth';
import { formatDateTime, leadDisplayName } from '@/lib/format';
import type { Lead } from '@/types/api';
import { LeadStatusBadge } from './lead-status-badge';
import { TagBadges } from './tag-badges';

export function LeadsTable({
  leads,
  showTenant,
  onTag,
}: {
  leads: Lead[];
  showTenant: boolean;
  /** Clicking a tag filters the list by it. */
  onTag?: (tag: string) => void;
}) {
  const { t, i18n } = useTranslation();
  // Once for the table, not per row's time.
  const tz = useTimezone();
  return (
    <div className="fd-table-wrap" tabIndex={0}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="leads-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('leads.fields.name')}</Table.Th>
            <Table.Th>{t('leads.fields.phone')}</Table.Th>
            <Table.Th>{t('leads.fields.status')}</Table.Th>
            <Table.Th>{t('leads.fields.tags')}</Table.Th>
            <Table.Th className="fd-hide-mobile">{t('leads.fields.source')}</Table.Th>
            {showTenant && <Table.Th className="fd-hide-mobile">{t('leads.fields.business')}</Table.Th>}
            <Table.Th className="fd-hide-mobile">{t('leads.fields.lastActivity')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {leads.map((lead) => (
            <Table.Tr key={lead.id} data-testid="lead-row" data-lead-id={lead.id}>
              <Table.Td>
                <Anchor component={Link} to={paths.lead.getHref(lead.id)} fw={500}>
                  {leadDisplayName(lead) || t('leads.unnamed')}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Phone value={lead.phone_e164} />
              </Table.Td>
              <Table.Td>
                <LeadStatusBadge status={lead.status} />
              </Table.Td>
              <Table.Td>
                <TagBadges tags={lead.tags ?? []} onPick={onTag} />
              </Table.Td>
              <Table.Td className="fd-hide-mobile">
                {t(`leadSource.${lead.source}`, { defaultValue: lead.source })}
              </Table.Td>
              {showTenant && <Table.Td className="fd-hide-mobile">#{lead.tenant_id}</Table.Td>}
              <Table.Td className="fd-hide-mobile">
                <Text size="sm" c="dimmed">
                  <time dateTime={lead.last_activity_at ?? lead.updated_at} title={tz}>
                    {formatDateTime(lead.last_activity_at ?? lead.updated_at, i18n.language, tz)}
                  </time>
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
