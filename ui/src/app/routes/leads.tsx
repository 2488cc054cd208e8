import { Button, Modal, Paper, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { Paging } from '@/components/ui/paging';
import { DEFAULT_PAGE_SIZE } from '@/config/constants';
import { paths } from '@/config/paths';
import { seesAllBusinesses, useSession } from '@/lib/auth';
import { leadsExportUrl } from '@/features/leads/api/export-leads';
import { useLeads } from '@/features/leads/api/get-leads';
import { ImportLeadsForm } from '@/features/leads/components/import-leads-form';
import { LeadsTable } from '@/features/leads/components/leads-table';
import { NewLeadForm } from '@/features/leads/components/new-lead-form';
import { LEAD_SOURCES, LEAD_STATUSES } from '@/types/api';

export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [opened, { open, close }] = useDisclosure(false);
  const [importOpened, importDialog] = useDisclosure(false);

  const status = params.get('status') ?? '';
  // "mine" and "unassigned" are open leads (not won, lost or archived), like the badges.
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

  const leads = useLeads({
    q: params.get('q') ?? '',
    status,
    source,
    tag,
    page,
    page_size: DEFAULT_PAGE_SIZE,
    ...(who ? { assignee: who, open: true } : {}),
  });
  // The same filters as the list (all pages): a plain download, the session cookie goes along.
  const exportHref = leadsExportUrl({ q: params.get('q') ?? '', status, source, tag });
  const showTenant = seesAllBusinesses(me);

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
          <Select
            label={t('leads.fields.status')}
            placeholder={t('common.all')}
            clearable
            data={LEAD_STATUSES.map((s) => ({ value: s, label: t(`leadStatus.${s}`) }))}
            value={status || null}
            onChange={(v) => update({ status: v ?? '', page: '' })}
            data-testid="filter-status"
          />
          <Select
            label={t('leads.fields.source')}
            placeholder={t('common.all')}
            clearable
            data={LEAD_SOURCES.map((s) => ({ value: s, label: t(`leadSource.${s}`) }))}
            value={source || null}
            onChange={(v) => update({ source: v ?? '', page: '' })}
            data-testid="filter-source"
          />
          <Select
            label={t('assign.filter')}
            placeholder={t('common.all')}
            clearable
            data={[
              { value: 'me', label: t('inbox.mine') },
              { value: 'none', label: t('inbox.unassigned') },
            ]}
            value={who || null}
            onChange={(v) => update({ assignee: v ?? '', page: '' })}
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
        {leads.isPending && <PageLoader />}
        {leads.data && leads.data.items.length === 0 && (
          <Text c="dimmed" ta="center" py="lg" data-testid="leads-empty">
            {t('leads.empty')}
          </Text>
        )}
        {leads.data && leads.data.items.length > 0 && (
          <LeadsTable
            leads={leads.data.items}
            showTenant={showTenant}
            onTag={(picked) => {
              setTagInput(picked);
              update({ tag: picked, page: '' });
            }}
          />
        )}
        {leads.data && (
          <Paging
            page={page}
            pageSize={leads.data.page_size || DEFAULT_PAGE_SIZE}
            total={leads.data.total}
            moreThan={leads.data.total_is_lower_bound}
            onChange={(p) => update({ page: String(p) })}
          />
        )}
      </Paper>
      <Modal opened={opened} onClose={close} title={t('leads.new')} size="lg" fullScreen={false}>
        <NewLeadForm
          onCancel={close}
          onCreated={(lead) => {
            close();
            void navigate(paths.lead.getHref(lead.id));
          }}
        />
      </Modal>
      <Modal opened={importOpened} onClose={importDialog.close} title={t('leads.import.title')} size="lg">
        <ImportLeadsForm onClose={importDialog.close} />
      </Modal>
    </>
  );
}
