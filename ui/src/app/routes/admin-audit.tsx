import { Group, Paper, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { Paging } from '@/components/ui/paging';
import { useAdminAudit } from '@/features/audit/api/get-admin-audit';
import { AuditTable } from '@/features/audit/components/audit-table';

export function Component() {
  const { t } = useTranslation();
  const [tenant, setTenant] = useState('');
  const [action, setAction] = useState('');
  const [page, setPage] = useState(1);
  const [filters] = useDebouncedValue({ tenant_id: tenant.trim(), action: action.trim() }, 300);
  const audit = useAdminAudit({ ...filters, page });
  return (
    <>
      <PageHeader title={t('audit.adminTitle')} />
      <Paper withBorder p="sm" mb="md">
        <Group grow wrap="wrap" align="flex-start">
          <TextInput
            label={t('audit.filterBusiness')}
            inputMode="numeric"
            value={tenant}
            onChange={(e) => {
              setTenant(e.currentTarget.value.replace(/\D/g, ''));
              setPage(1);
            }}
            data-testid="audit-filter-tenant"
          />
          <TextInput
            label={t('audit.filterAction')}
            dir="ltr"
            value={action}
            onChange={(e) => {
              setAction(e.currentTarget.value);
              setPage(1);
            }}
            data-testid="audit-filter-action"
          />
        </Group>
      </Paper>
      <Paper withBorder p="sm">
        {audit.isPending && <PageLoader />}
        {audit.error && <ErrorAlert error={audit.error} onRetry={() => void audit.refetch()} />}
        {audit.data && (
          <>
            <AuditTable items={audit.data.items} showTenant />
            <Paging page={page} pageSize={audit.data.page_size} total={audit.data.total} onChange={setPage} />
          </>
        )}
      </Paper>
    </>
  );
}
