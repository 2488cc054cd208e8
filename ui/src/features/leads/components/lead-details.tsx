import { Anchor, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from '@/components/ui/date-time';
import { Phone } from '@/components/ui/phone';
import { leadDisplayName } from '@/lib/format';
import type { Lead } from '@/types/api';
import { LeadStatusBadge } from './lead-status-badge';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ta="end" component="div">
        {children}
      </Text>
    </Group>
  );
}

export function LeadTitle({ lead }: { lead: Lead }) {
  const { t } = useTranslation();
  return (
    <Group gap="sm" wrap="wrap">
      <Title order={2} size="h3" data-testid="lead-title">
        {leadDisplayName(lead) || t('leads.unnamed')}
      </Title>
      <LeadStatusBadge status={lead.status} />
    </Group>
  );
}

export function LeadDetails({ lead, showTenant }: { lead: Lead; showTenant?: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap={6} data-testid="lead-details">
      <Row label={t('leads.fields.phone')}>
        {lead.phone_e164 ? (
          <Anchor href={`tel:${lead.phone_e164}`}>
            <Phone value={lead.phone_e164} />
          </Anchor>
        ) : (
          '—'
        )}
      </Row>
      {lead.whatsapp_id && (
        <Row label={t('leads.fields.whatsappId')}>
          <bdi className="fd-ltr">{lead.whatsapp_id}</bdi>
        </Row>
      )}
      <Row label={t('leads.fields.email')}>
        {lead.email ? <Anchor href={`mailto:${lead.email}`}>{lead.email}</Anchor> : '—'}
      </Row>
      <Row label={t('leads.fields.source')}>{t(`leadSource.${lead.source}`, { defaultValue: lead.source })}</Row>
      {showTenant && <Row label={t('leads.fields.business')}>#{lead.tenant_id}</Row>}
      <Row label={t('leads.fields.created')}>
        <DateTime value={lead.created_at} />
      </Row>
      <Row label={t('leads.fields.lastActivity')}>
        <DateTime value={lead.last_activity_at ?? lead.updated_at} />
      </Row>
      {lead.notes && (
        <>
          <Text size="sm" c="dimmed">
            {t('leads.fields.notes')}
          </Text>
          <Text size="sm" className="fd-pre">
            {lead.notes}
          </Text>
        </>
      )}
    </Stack>
  );
}
