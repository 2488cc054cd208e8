import { Anchor, Button, Group, Modal, Paper, Stack, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageLoader } from '@/components/ui/page-loader';
import { paths } from '@/config/paths';
import { canManage, seesAllBusinesses, useSession } from '@/lib/auth';
import { ActivityTimeline } from '@/features/activities/components/activity-timeline';
import { NoteForm } from '@/features/activities/components/note-form';
import { useCurrentBusiness } from '@/features/business/api/get-current-business';
import { useLead } from '@/features/leads/api/get-lead';
import { AiSwitch } from '@/features/leads/components/ai-switch';
import { LeadTags } from '@/features/leads/components/lead-tags';
import { EditLeadForm } from '@/features/leads/components/edit-lead-form';
import { LeadDetails, LeadTitle } from '@/features/leads/components/lead-details';
import { LeadStatusForm } from '@/features/leads/components/lead-status-form';
import { AssigneePicker } from '@/features/leads/components/assignee-picker';
import { WhatsappForm } from '@/features/messaging/components/whatsapp-form';
import { LeadReminders } from '@/features/reminders/components/lead-reminders';
import { ReminderForm } from '@/features/reminders/components/reminder-form';
import { useUsers } from '@/features/users/api/get-users';

export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  const leadId = Number(useParams().leadId);
  const lead = useLead(leadId);
  const [editing, { open: openEdit, close: closeEdit }] = useDisclosure(false);
  // Assignees are the users of the effective business: offer them only for
  // that business's leads (outside any business, an admin sees every lead).
  const manager = canManage(me) && lead.data?.tenant_id === me.effective_tenant_id;
  const users = useUsers(manager);
  // The business's own settings apply to its own leads only (an admin may open any business's lead).
  const business = useCurrentBusiness();
  const ownBusiness = business.data && business.data.id === lead.data?.tenant_id ? business.data : null;
  const userNames = new Map((users.data?.items ?? []).map((u) => [u.id, u.name || u.email]));
  const assignees = (users.data?.items ?? [])
    .filter((u) => !u.disabled)
    .map((u) => ({ value: String(u.id), label: `${u.name} (${u.email})` }));

  if (!Number.isFinite(leadId)) return <ErrorAlert error={new Error(t('errors.notFound'))} />;
  if (lead.isPending) return <PageLoader />;
  if (lead.error) return <ErrorAlert error={lead.error} onRetry={() => void lead.refetch()} />;
  const data = lead.data;

  return (
    <Stack gap="md">
      <Anchor component={Link} to={paths.leads.getHref()} size="sm">
        {t('leads.back')}
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <LeadTitle lead={data} />
        <Button variant="default" size="xs" onClick={openEdit} data-testid="edit-lead">
          {t('common.edit')}
        </Button>
      </Group>
      <Modal opened={editing} onClose={closeEdit} title={t('leads.edit')} size="lg">
        {editing && <EditLeadForm lead={data} onDone={closeEdit} onCancel={closeEdit} />}
      </Modal>
      <div className="fd-lead-grid">
        <Stack gap="md">
          <Paper withBorder p="md">
            <LeadStatusForm key={data.status} lead={data} />
          </Paper>
          <Paper withBorder p="md">
            <NoteForm leadId={data.id} />
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h5" mb="sm">
              {t('activity.title')}
            </Title>
            <ActivityTimeline leadId={data.id} userNames={userNames} />
          </Paper>
        </Stack>
        <Stack gap="md">
          <Paper withBorder p="md">
            <Title order={3} size="h5" mb="sm">
              {t('ai.title')}
            </Title>
            <AiSwitch
              key={`${data.id}-${ownBusiness?.handoff_hours ?? ''}`}
              lead={data}
              defaultHours={ownBusiness?.handoff_hours ?? null}
              autoReply={ownBusiness ? ownBusiness.ai_auto_reply : null}
            />
          </Paper>
          <Paper withBorder p="md">
            <LeadDetails lead={data} showTenant={seesAllBusinesses(me)} />
          </Paper>
          {data.tenant_id === me.effective_tenant_id && (
            <Paper withBorder p="md">
              <AssigneePicker lead={data} meId={me.user.id} />
            </Paper>
          )}
          <Paper withBorder p="md">
            <Title order={3} size="h5" mb="sm">
              {t('tags.title')}
            </Title>
            <LeadTags lead={data} />
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h5" mb="sm">
              {t('reminders.title')}
            </Title>
            <Stack gap="md">
              <LeadReminders leadId={data.id} />
              <ReminderForm leadId={data.id} assignees={assignees} />
            </Stack>
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h5" mb="sm">
              {t('whatsapp.title')}
            </Title>
            <WhatsappForm
              leadId={data.id}
              disabled={!data.phone_e164 && !data.whatsapp_id}
              templateSid={ownBusiness?.twilio_template_sid ?? null}
              defaultVariable={data.first_name ?? ''}
            />
          </Paper>
        </Stack>
      </div>
    </Stack>
  );
}
