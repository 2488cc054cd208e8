import { Accordion, Anchor, Button, Group, Modal, Stack, Title } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageLoader } from '@/components/ui/page-loader';
import { paths } from '@/config/paths';
import { canManage, seesAllBusinesses, useSession, useTimezone } from '@/lib/auth';
import { fillCannedReply, nextOpenText } from '@/lib/canned-fill';
import { ActivityTimeline } from '@/features/activities/components/activity-timeline';
import { Conversation } from '@/features/activities/components/conversation';
import { NoteForm } from '@/features/activities/components/note-form';
import { useCurrentBusiness } from '@/features/business/api/get-current-business';
import { useCannedReplies } from '@/features/canned-replies/api/canned-replies';
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

/** The width below which the lead page is a phone's chat (the sections start folded). */
const PHONE_QUERY = '(max-width: 48em)';

function Section({ value, title, children }: { value: string; title: string; children: ReactNode }) {
  return (
    <Accordion.Item value={value} data-testid={`lead-section-${value}`}>
      <Accordion.Control>
        <Title order={3} size="h6" component="span">
          {title}
        </Title>
      </Accordion.Control>
      <Accordion.Panel>{children}</Accordion.Panel>
    </Accordion.Item>
  );
}

/**
 * A lead is a conversation: name, status, Call and WhatsApp on top; the
 * messages as a chat with the composer pinned below; everything else in
 * folding sections (beside the chat on a desktop, under it on a phone).
 */
export function Component() {
  const { t, i18n } = useTranslation();
  const me = useSession();
  const tz = useTimezone();
  const leadId = Number(useParams().leadId);
  const lead = useLead(leadId);
  const phone = useMediaQuery(PHONE_QUERY, window.matchMedia(PHONE_QUERY).matches, {
    getInitialValueInEffect: false,
  });
  const [editing, { open: openEdit, close: closeEdit }] = useDisclosure(false);
  // Assignees are the users of the effective business: offer them only for
  // that business's leads (outside any business, an admin sees every lead).
  const manager = canManage(me) && lead.data?.tenant_id === me.effective_tenant_id;
  const users = useUsers(manager);
  // The business's own settings apply to its own leads only (an admin may open any business's lead).
  const business = useCurrentBusiness();
  const ownBusiness = business.data && business.data.id === lead.data?.tenant_id ? business.data : null;
  const canned = useCannedReplies(!!ownBusiness);
  const userNames = new Map((users.data?.items ?? []).map((u) => [u.id, u.name || u.email]));
  const assignees = (users.data?.items ?? [])
    .filter((u) => !u.disabled)
    .map((u) => ({ value: String(u.id), label: `${u.name} (${u.email})` }));

  if (!Number.isFinite(leadId)) return <ErrorAlert error={new Error(t('errors.notFound'))} />;
  if (lead.isPending) return <PageLoader />;
  if (lead.error) return <ErrorAlert error={lead.error} onRetry={() => void lead.refetch()} />;
  const data = lead.data;
  const vars = {
    first_name: data.first_name ?? '',
    business_name: ownBusiness?.name ?? me.tenant?.name ?? '',
    next_open: nextOpenText(ownBusiness, i18n.language, tz, t('canned.now')),
    my_name: me.user.name || me.user.email,
  };
  const replies = (canned.data?.items ?? []).map((r) => ({
    shortcut: r.shortcut,
    text: fillCannedReply(r.body, vars),
  }));
  const sections = ['status', 'ai', 'details', 'assignment', 'tags', 'reminders', 'timeline'];
  const focusComposer = () => document.getElementById('composer')?.focus();

  return (
    <div className="fd-lead">
      <div className="fd-lead-top">
        <Anchor component={Link} to={paths.inbox.getHref()} size="sm">
          {t('chat.back')}
        </Anchor>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <LeadTitle lead={data} />
          <Group gap="xs" wrap="nowrap">
            {data.phone_e164 && (
              <Button component="a" href={`tel:${data.phone_e164}`} size="sm" variant="light" data-testid="lead-call">
                {t('chat.call')}
              </Button>
            )}
            <Button
              component="a"
              href="#composer"
              size="sm"
              onClick={(e) => {
                e.preventDefault();
                focusComposer();
              }}
              data-testid="lead-whatsapp"
            >
              {t('chat.whatsapp')}
            </Button>
            <Button variant="default" size="sm" onClick={openEdit} data-testid="edit-lead">
              {t('common.edit')}
            </Button>
          </Group>
        </Group>
      </div>
      <Modal opened={editing} onClose={closeEdit} title={t('leads.edit')} size="lg">
        {editing && <EditLeadForm lead={data} onDone={closeEdit} onCancel={closeEdit} />}
      </Modal>
      <div className="fd-lead-grid">
        <section className="fd-lead-chat" aria-labelledby="chat-title">
          <h2 id="chat-title" className="fd-visually-hidden">
            {t('chat.title')}
          </h2>
          <Conversation leadId={data.id} />
          <div className="fd-composer">
            <WhatsappForm
              compact
              replies={replies}
              leadId={data.id}
              disabled={!data.phone_e164 && !data.whatsapp_id}
              templateSid={ownBusiness?.twilio_template_sid ?? null}
              defaultVariable={data.first_name ?? ''}
            />
          </div>
        </section>
        <aside className="fd-lead-side" aria-label={t('chat.more')}>
          <Accordion multiple defaultValue={phone ? [] : sections} variant="separated" chevronPosition="right">
            <Section value="status" title={t('chat.sections.status')}>
              <Stack gap="md">
                <LeadStatusForm key={data.status} lead={data} />
                <NoteForm leadId={data.id} />
              </Stack>
            </Section>
            <Section value="ai" title={t('chat.sections.ai')}>
              <AiSwitch
                key={`${data.id}-${ownBusiness?.handoff_hours ?? ''}`}
                lead={data}
                defaultHours={ownBusiness?.handoff_hours ?? null}
                autoReply={ownBusiness ? ownBusiness.ai_auto_reply : null}
              />
            </Section>
            <Section value="details" title={t('chat.sections.details')}>
              <LeadDetails lead={data} showTenant={seesAllBusinesses(me)} />
            </Section>
            {data.tenant_id === me.effective_tenant_id && (
              <Section value="assignment" title={t('chat.sections.assignment')}>
                <AssigneePicker lead={data} meId={me.user.id} />
              </Section>
            )}
            <Section value="tags" title={t('chat.sections.tags')}>
              <LeadTags lead={data} />
            </Section>
            <Section value="reminders" title={t('chat.sections.reminders')}>
              <Stack gap="md">
                <LeadReminders leadId={data.id} />
                <ReminderForm leadId={data.id} assignees={assignees} />
              </Stack>
            </Section>
            <Section value="timeline" title={t('chat.sections.timeline')}>
              <ActivityTimeline leadId={data.id} userNames={userNames} />
            </Section>
          </Accordion>
        </aside>
      </div>
    </div>
  );
}
