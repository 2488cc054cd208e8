import { Paper, SegmentedControl, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { Paging } from '@/components/ui/paging';
import { DEFAULT_PAGE_SIZE } from '@/config/constants';
import { seesAllBusinesses, useSession } from '@/lib/auth';
import { useLeads } from '@/features/leads/api/get-leads';
import { LeadsTable } from '@/features/leads/components/leads-table';

/** "Needs reply": conversations waiting for an answer, oldest waiting first. Agents land here. */
export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const who = params.get('assignee') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const leads = useLeads({ needs_reply: true, assignee: who || undefined, page, page_size: DEFAULT_PAGE_SIZE });
  const set = (k: string, v: string) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (v) next.set(k, v);
        else next.delete(k);
        if (k !== 'page') next.delete('page');
        return next;
      },
      { replace: true },
    );
  return (
    <>
      <PageHeader
        title={t('inbox.title')}
        actions={
          <SegmentedControl
            value={who || 'all'}
            onChange={(v) => set('assignee', v === 'all' ? '' : v)}
            data={[
              { value: 'all', label: t('inbox.all') },
              { value: 'me', label: t('inbox.mine') },
              { value: 'none', label: t('inbox.unassigned') },
            ]}
            data-testid="inbox-filter"
          />
        }
      />
      <Paper withBorder p="sm">
        {leads.error && <ErrorAlert error={leads.error} onRetry={() => void leads.refetch()} />}
        {leads.isPending && <PageLoader />}
        {leads.data && leads.data.items.length === 0 && (
          <Text c="dimmed" ta="center" py="lg" data-testid="inbox-empty">
            {t('inbox.empty')}
          </Text>
        )}
        {leads.data && leads.data.items.length > 0 && (
          <LeadsTable leads={leads.data.items} showTenant={seesAllBusinesses(me)} />
        )}
        {leads.data && (
          <Paging
            page={page}
            pageSize={leads.data.page_size || DEFAULT_PAGE_SIZE}
            total={leads.data.total}
            onChange={(p) => set('page', String(p))}
          />
        )}
      </Paper>
    </>
  );
}
