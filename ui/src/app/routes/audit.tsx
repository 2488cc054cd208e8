import { Paper } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { Paging } from '@/components/ui/paging';
import { useBusinessAudit } from '@/features/audit/api/get-business-audit';
import { AuditTable } from '@/features/audit/components/audit-table';

export function Component() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const audit = useBusinessAudit({ page });
  return (
    <>
      <PageHeader title={t('audit.businessTitle')} />
      <Paper withBorder p="sm">
        {audit.isPending && <PageLoader />}
        {audit.error && <ErrorAlert error={audit.error} onRetry={() => void audit.refetch()} />}
        {audit.data && (
          <>
            <AuditTable items={audit.data.items} />
            <Paging
              page={page}
              pageSize={audit.data.page_size}
              total={audit.data.total}
              onChange={(p) => setParams({ page: String(p) })}
            />
          </>
        )}
      </Paper>
    </>
  );
}
