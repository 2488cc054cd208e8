import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DateTime } from '@/components/ui/date-time';
import { Phone } from '@/components/ui/phone';
import type { Business, Me } from '@/types/api';

type Props = {
  items: Business[];
  me: Me;
  onEdit: (b: Business) => void;
  onImpersonate: (b: Business) => void;
  impersonatingId: number | null;
};

export function BusinessesTable({ items, me, onEdit, onImpersonate, impersonatingId }: Props) {
  const { t } = useTranslation();
  return (
    <div className="fd-table-wrap" tabIndex={0}>
      <Table verticalSpacing="xs" striped data-testid="businesses-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t('business.name')}</Table.Th>
            <Table.Th className="fd-hide-mobile">{t('business.phone')}</Table.Th>
            <Table.Th className="fd-hide-mobile">{t('business.whatsappInstance')}</Table.Th>
            <Table.Th className="fd-hide-mobile">{t('business.timezone')}</Table.Th>
            <Table.Th className="fd-hide-mobile">{t('business.created')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((b) => {
            const current = me.impersonating && me.impersonated_tenant_id === b.id;
            return (
              <Table.Tr key={b.id} data-testid="business-row" data-business-id={b.id}>
                <Table.Td>{b.id}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {b.name}
                  </Text>
                  {b.id === me.user.tenant_id && (
                    <Badge size="xs" variant="light">
                      {t('business.home')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td className="fd-hide-mobile">
                  <Phone value={b.phone_e164} />
                </Table.Td>
                <Table.Td className="fd-hide-mobile">
                  <bdi className="fd-ltr">{b.whatsapp_instance ?? ''}</bdi>
                </Table.Td>
                <Table.Td className="fd-hide-mobile">
                  <bdi className="fd-ltr">{b.timezone}</bdi>
                </Table.Td>
                <Table.Td className="fd-hide-mobile">
                  <DateTime value={b.created_at} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() => onEdit(b)}
                      data-testid={`edit-business-${b.id}`}
                    >
                      {t('common.edit')}
                    </Button>
                    <Button
                      size="compact-xs"
                      color="orange"
                      variant={current ? 'filled' : 'light'}
                      disabled={current || impersonatingId !== null}
                      loading={impersonatingId === b.id}
                      onClick={() => onImpersonate(b)}
                      data-testid={`impersonate-${b.id}`}
                    >
                      {current ? t('business.viewing') : t('business.impersonate')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </div>
  );
}
