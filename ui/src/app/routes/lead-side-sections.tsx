/**
 * The bodies of the lead page's folding sections (app/routes/lead-side.tsx):
 * a chunk of their own, loaded when the first section opens (at once on a
 * desktop, where they start open; on a phone, where they start folded, only
 * if one is opened), so their forms' code stays off the chat's first load.
 */
import { Stack } from '@mantine/core';
import type { CurrentBusiness, Lead, Me } from '@/types/api';
import { ActivityTimeline } from '@/features/activities/components/activity-timeline';
import { NoteForm } from '@/features/activities/components/note-form';
import { AiSwitch } from '@/features/leads/components/ai-switch';
import { LeadTags } from '@/features/leads/components/lead-tags';
import { LeadDetails } from '@/features/leads/components/lead-details';
import { LeadStatusForm } from '@/features/leads/components/lead-status-form';
import { AssigneePicker } from '@/features/leads/components/assignee-picker';
import { LeadReminders } from '@/features/reminders/components/lead-reminders';
import { ReminderForm } from '@/features/reminders/components/reminder-form';
import { AppointmentsSection } from './lead-appointments-section';
import { Duplicates } from '@/features/merge/components/duplicates';
import { ScheduledList, ScheduleForm } from '@/features/scheduled/components/scheduled-messages';
import { canManage } from '@/lib/auth';

export type SectionProps = {
  lead: Lead;
  me: Me;
  ownBusiness: CurrentBusiness | null;
  showTenant: boolean;
  assignees: { value: string; label: string }[];
  userNames: ReadonlyMap<number, string>;
};

export function StatusBody({ lead }: SectionProps) {
  return (
    <Stack gap="md">
      <LeadStatusForm key={lead.status} lead={lead} />
      <NoteForm leadId={lead.id} />
    </Stack>
  );
}

export function AiBody({ lead, ownBusiness }: SectionProps) {
  return (
    <AiSwitch
      key={`${lead.id}-${ownBusiness?.handoff_hours ?? ''}`}
      lead={lead}
      defaultHours={ownBusiness?.handoff_hours ?? null}
      autoReply={ownBusiness ? ownBusiness.ai_auto_reply : null}
    />
  );
}

export function DetailsBody({ lead, showTenant }: SectionProps) {
  return <LeadDetails lead={lead} showTenant={showTenant} />;
}

export function AssignmentBody({ lead, me }: SectionProps) {
  return <AssigneePicker lead={lead} meId={me.user.id} />;
}

export function TagsBody({ lead }: SectionProps) {
  return <LeadTags lead={lead} />;
}

export function RemindersBody({ lead, assignees }: SectionProps) {
  return (
    <Stack gap="md">
      <LeadReminders leadId={lead.id} />
      <ReminderForm leadId={lead.id} assignees={assignees} />
    </Stack>
  );
}

export function ScheduledBody({ lead }: SectionProps) {
  return (
    <Stack gap="md">
      <ScheduledList leadId={lead.id} />
      <ScheduleForm leadId={lead.id} />
    </Stack>
  );
}

export function DuplicatesBody({ lead, me }: SectionProps) {
  return <Duplicates lead={lead} canMerge={canManage(me) && lead.tenant_id === me.effective_tenant_id} />;
}

export function TimelineBody({ lead, userNames }: SectionProps) {
  return <ActivityTimeline leadId={lead.id} userNames={userNames} />;
}

export function AppointmentsBody({ lead }: SectionProps) {
  return <AppointmentsSection lead={lead} />;
}
