import { Accordion, Stack, Title } from '@mantine/core';
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { canManage, seesAllBusinesses, useSession } from '@/lib/auth';
import type { CurrentBusiness, Lead } from '@/types/api';
import { ActivityTimeline } from '@/features/activities/components/activity-timeline';
import { NoteForm } from '@/features/activities/components/note-form';
import { AiSwitch } from '@/features/leads/components/ai-switch';
import { LeadTags } from '@/features/leads/components/lead-tags';
import { LeadDetails } from '@/features/leads/components/lead-details';
import { LeadStatusForm } from '@/features/leads/components/lead-status-form';
import { AssigneePicker } from '@/features/leads/components/assignee-picker';
import { LeadReminders } from '@/features/reminders/components/lead-reminders';
import { ReminderForm } from '@/features/reminders/components/reminder-form';
import { useUsers } from '@/features/users/api/get-users';

const SECTIONS = ['status', 'ai', 'details', 'assignment', 'tags', 'reminders', 'timeline'];

/** Sections opened at least once: a folded section's forms are not built until it is opened (then kept). */
const Opened = createContext<ReadonlySet<string>>(new Set());

function Section({ value, title, children }: { value: string; title: string; children: ReactNode }) {
  const opened = useContext(Opened);
  return (
    <Accordion.Item value={value} data-testid={`lead-section-${value}`}>
      <Accordion.Control>
        <Title order={3} size="h6" component="span">
          {title}
        </Title>
      </Accordion.Control>
      <Accordion.Panel>{opened.has(value) && children}</Accordion.Panel>
    </Accordion.Item>
  );
}

/**
 * The lead page beside the chat: status and notes, the AI switch, details,
 * assignment, tags, reminders and the full timeline, as folding sections
 * (open on a desktop, folded on a phone).
 */
export default function LeadSide({
  lead: data,
  phone,
  ownBusiness,
}: {
  lead: Lead;
  phone: boolean;
  ownBusiness: CurrentBusiness | null;
}) {
  const { t } = useTranslation();
  const me = useSession();
  // Assignees are the users of the effective business: offer them only for
  // that business's leads (outside any business, an admin sees every lead).
  const manager = canManage(me) && data.tenant_id === me.effective_tenant_id;
  const users = useUsers(manager);
  const userNames = new Map((users.data?.items ?? []).map((u) => [u.id, u.name || u.email]));
  const assignees = (users.data?.items ?? [])
    .filter((u) => !u.disabled)
    .map((u) => ({ value: String(u.id), label: `${u.name} (${u.email})` }));
  const [open, setOpen] = useState<string[]>(phone ? [] : SECTIONS);
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set(open));
  const onChange = (value: string[]) => {
    setOpen(value);
    setOpened((prev) => new Set([...prev, ...value]));
  };
  return (
    <Opened.Provider value={opened}>
      <Accordion multiple value={open} onChange={onChange} variant="separated" chevronPosition="right">
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
    </Opened.Provider>
  );
}
