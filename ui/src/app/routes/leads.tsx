import { Button, NativeSelect, Paper, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { lazy, Suspense, useDeferredValue, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { LazyModal } from '@/components/ui/lazy-modal';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { Paging } from '@/components/ui/paging';
import { DEFAULT_PAGE_SIZE } from '@/config/constants';
import { paths } from '@/config/paths';
import { seesAllBusinesses, useSession } from '@/lib/auth';
import { leadsExportUrl } from '@/features/leads/api/export-leads';
import { useLeads } from '@/features/leads/api/get-leads';
import { LeadsTable } from '@/features/leads/components/leads-table';
import { leadsPageParams } from '@/features/leads/lib/leads-params';
import { LEAD_SOURCES, LEAD_STATUSES } from '@/types/api';

// The dialogs' forms load when a dialog first opens.
const NewLeadForm = lazy(() =>
  import('@/features/leads/components/new-lead-form').then((m) => ({ default: m.NewLeadForm })),
);
const ImportLeadsForm = lazy(() =>
  import('@/features/leads/components/import-leads-form').then((m) => ({ default: m.ImportLeadsForm })),
);

export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [opened, { open, close }] = useDisclosure(false);
  const [importOpened, importDialog] = useDisclosure(false);

  const status = params.get('status') ?? '';
  const who = params.get('assignee') ?? '';
  const source = params.get('source') ?? '';
  const tag = params.get('tag') ?? '';
  const [tagInput, setTagInput] = useState(tag);
  const [tagDebounced] = useDebouncedValue(tagInput.trim(), 300);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search.trim(), 300);

  const update = (changes: Record<string, string>) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  };

  useEffect(() => {
    if ((params.get('q') ?? '') !== q) update({ q, page: '' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  useEffect(() => {
    if ((params.get('tag') ?? '') !== tagDebounced) update({ tag: tagDebounced, page: '' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tagDebounced]);

  const leads = useLeads(leadsPageParams(params));
  // The rows render as a transition (in slices) when they arrive, not in one long task.
  const data = useDeferredValue(leads.data);
  // The same filters as the list (all pages): a plain download, the session cookie goes along.
  const exportHref = leadsExportUrl({ q: params.get('q') ?? '', status, source, tag });
  const showTenant = seesAllBusinesses(me);
  const all = { value: '', label: t('common.all') };

  return (
    <>
      <PageHeader
        title={t('leads.title')}
        actions={
          <>
            <Button
              component="a"
              href={exportHref}
              download
              variant="default"
              title={t('leads.exportCsvTitle')}
              data-testid="export-csv"
            >
              {t('leads.exportCsv')}
            </Button>
            <Button variant="default" onClick={importDialog.open} data-testid="import-csv">
              {t('leads.import.button')}
            </Button>
            <Button onClick={open} data-testid="new-lead">
              {t('leads.new')}
            </Button>
          </>
        }
      />
      <Paper withBorder p="sm" mb="md">
        <div className="fd-filters">
          <TextInput
            type="search"
            label={t('leads.search')}
            placeholder={t('leads.searchPlaceholder')}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            data-testid="leads-search"
          />
          {/* Native selects: the phone's own picker, and no popover code on the first load. */}
          <NativeSelect
            label={t('leads.fields.status')}
            data={[all, ...LEAD_STATUSES.map((s) => ({ value: s, label: t(`leadStatus.${s}`) }))]}
            value={status}
            onChange={(e) => update({ status: e.currentTarget.value, page: '' })}
            data-testid="filter-status"
          />
          <NativeSelect
            label={t('leads.fields.source')}
            data={[all, ...LEAD_SOURCES.map((s) => ({ value: s, label: t(`leadSource.${s}`) }))]}
            value={source}
            onChange={(e) => update({ source: e.currentTarget.value, page: '' })}
            data-testid="filter-source"
          />
          <NativeSelect
            label={t('assign.filter')}
            data={[all, { value: 'me', label: t('inbox.mine') }, { value: 'none', label: t('inbox.unassigned') }]}
            value={who}
            onChange={(e) => update({ assignee: e.currentTarget.value, page: '' })}
            data-testid="filter-assignee"
          />
          <TextInput
            type="search"
            dir="auto"
            label={t('tags.filter')}
            placeholder={t('tags.filterPlaceholder')}
            value={tagInput}
            onChange={(e) => setTagInput(e.currentTarget.value)}
            data-testid="filter-tag"
          />
        </div>
      </Paper>
      <Paper withBorder p="sm">
        {leads.error && <ErrorAlert error={leads.error} onRetry={() => void leads.refetch()} />}
        {!data && !leads.error && <PageLoader />}
        {data && data.items.length === 0 && (
          <Text c="dimmed" ta="center" py="lg" data-testid="leads-empty">
            {t('leads.empty')}
          </Text>
        )}
        {data && data.items.length > 0 && (
          <LeadsTable
            leads={data.items}
            showTenant={showTenant}
            onTag={(picked) => {
              setTagInput(picked);
              update({ tag: picked, page: '' });
            }}
          />
        )}
        {data && (
          <Paging
            page={page}
            pageSize={data.page_size || DEFAULT_PAGE_SIZE}
            total={data.total}
            moreThan={data.total_is_lower_bound}
            onChange={(p) => update({ page: String(p) })}
          />
        )}
      </Paper>
      <LazyModal opened={opened} onClose={close} title={t('leads.new')} size="lg" fullScreen={false}>
        <Suspense fallback={<PageLoader />}>
          <NewLeadForm
            onCancel={close}
            onCreated={(lead) => {
              close();
              void navigate(paths.lead.getHref(lead.id));
            }}
          />
        </Suspense>
      </LazyModal>
      <LazyModal opened={importOpened} onClose={importDialog.close} title={t('leads.import.title')} size="lg">
        <Suspense fallback={<PageLoader />}>
          <ImportLeadsForm onClose={importDialog.close} />
        </Suspense>
      </LazyModal>
    </>
  );
}
