import { Button, Modal, Paper } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { Paging } from '@/components/ui/paging';
import { paths } from '@/config/paths';
import { useSession } from '@/lib/auth';
import { useBusinesses } from '@/features/admin/api/get-businesses';
import { useImpersonate } from '@/features/admin/api/impersonate';
import { BusinessForm } from '@/features/admin/components/business-form';
import { BusinessesTable } from '@/features/admin/components/businesses-table';
import type { Business } from '@/types/api';

export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Business | 'new' | null>(null);
  const businesses = useBusinesses({ page, page_size: 25 });
  const impersonate = useImpersonate(() => void navigate(paths.leads.getHref()));

  return (
    <>
      <PageHeader
        title={t('business.adminTitle')}
        actions={
          <Button onClick={() => setEditing('new')} data-testid="new-business">
            {t('business.create')}
          </Button>
        }
      />
      <Paper withBorder p="sm">
        {businesses.isPending && <PageLoader />}
        {businesses.error && <ErrorAlert error={businesses.error} onRetry={() => void businesses.refetch()} />}
        {businesses.data && (
          <>
            <BusinessesTable
              items={businesses.data.items}
              me={me}
              onEdit={(b) => setEditing(b)}
              onImpersonate={(b) => impersonate.mutate(b.id)}
              impersonatingId={impersonate.isPending ? (impersonate.variables ?? null) : null}
            />
            <Paging page={page} pageSize={businesses.data.page_size} total={businesses.data.total} onChange={setPage} />
          </>
        )}
      </Paper>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('business.create') : t('business.edit')}
        size="lg"
      >
        {editing !== null && (
          <BusinessForm
            key={editing === 'new' ? 'new' : editing.id}
            business={editing === 'new' ? undefined : editing}
            onDone={() => setEditing(null)}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </>
  );
}
