import { Paper, Tabs, Text } from '@mantine/core';
import { useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { Paging } from '@/components/ui/paging';
import { DEFAULT_PAGE_SIZE } from '@/config/constants';
import { useSession } from '@/lib/auth';
import { useAssignees } from '@/features/leads/api/get-assignees';
import { useLeads } from '@/features/leads/api/get-leads';
import { ConversationList } from '@/features/leads/components/conversation-list';
import {
  INBOX_TABS as TABS,
  inboxLeadsParams,
  inboxPage,
  inboxTab,
  type InboxTab as Tab,
} from '@/features/leads/lib/inbox-params';

/** The conversations, as in WhatsApp: needs reply (oldest waiting first), mine, unassigned, all. Live. */
export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const tab = inboxTab(params);
  const page = inboxPage(params);
  const leads = useLeads(inboxLeadsParams(params));
  // The rows render as a transition (in slices) when they arrive, not in one long task.
  const data = useDeferredValue(leads.data);
  // Names of the assignees: the users of the business (outside any business there are none).
  const assignees = useAssignees(me.effective_tenant_id !== null);
  const names = new Map(
    (assignees.data?.items ?? []).map((u) => [u.id, u.id === me.user.id ? t('inbox.me') : u.name || u.email]),
  );
  const set = (next: { tab?: Tab; page?: number }) =>
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        if (next.tab) {
          if (next.tab === 'needs') p.delete('tab');
          else p.set('tab', next.tab);
          p.delete('page');
        }
        if (next.page) p.set('page', String(next.page));
        return p;
      },
      { replace: true },
    );
  const panel = (
    <>
      {leads.error && <ErrorAlert error={leads.error} onRetry={() => void leads.refetch()} />}
      {!data && !leads.error && <PageLoader />}
      {data && data.items.length === 0 && (
        <Text c="dimmed" ta="center" py="lg" data-testid="inbox-empty">
          {tab === 'needs' ? t('inbox.empty') : t('inbox.emptyTab')}
        </Text>
      )}
      {data && data.items.length > 0 && <ConversationList leads={data.items} names={names} />}
      {data && (
        <Paging
          page={page}
          pageSize={data.page_size || DEFAULT_PAGE_SIZE}
          total={data.total}
          moreThan={data.total_is_lower_bound}
          onChange={(p) => set({ page: p })}
        />
      )}
    </>
  );
  return (
    <>
      <PageHeader title={t('inbox.title')} />
      <Paper withBorder p={0}>
        <Tabs value={tab} onChange={(v) => v && set({ tab: v as Tab })} data-testid="inbox-tabs">
          <Tabs.List grow>
            {TABS.map((v) => (
              <Tabs.Tab key={v} value={v} data-testid={`inbox-tab-${v}`}>
                {t(`inbox.tabs.${v}`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {TABS.map((v) => (
            <Tabs.Panel key={v} value={v}>
              {v === tab && panel}
            </Tabs.Panel>
          ))}
        </Tabs>
      </Paper>
    </>
  );
}
