import { Accordion, Title } from '@mantine/core';
import { createContext, lazy, Suspense, useContext, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { PageLoader } from '@/components/ui/page-loader';
import { canManage, seesAllBusinesses, useSession } from '@/lib/auth';
import type { CurrentBusiness, Lead } from '@/types/api';
import { useUsers } from '@/features/users/api/get-users';
import type { SectionProps } from './lead-side-sections';

const SECTIONS = [
  'status',
  'ai',
  'details',
  'assignment',
  'tags',
  'reminders',
  'appointments',
  'scheduled',
  'duplicates',
  'timeline',
];

// The sections' bodies load with the first opened section (one chunk for all).
const sections = () => import('./lead-side-sections');
const BODIES: Record<string, ComponentType<SectionProps>> = {
  status: lazy(() => sections().then((m) => ({ default: m.StatusBody }))),
  ai: lazy(() => sections().then((m) => ({ default: m.AiBody }))),
  details: lazy(() => sections().then((m) => ({ default: m.DetailsBody }))),
  assignment: lazy(() => sections().then((m) => ({ default: m.AssignmentBody }))),
  tags: lazy(() => sections().then((m) => ({ default: m.TagsBody }))),
  reminders: lazy(() => sections().then((m) => ({ default: m.RemindersBody }))),
  appointments: lazy(() => sections().then((m) => ({ default: m.AppointmentsBody }))),
  scheduled: lazy(() => sections().then((m) => ({ default: m.ScheduledBody }))),
  duplicates: lazy(() => sections().then((m) => ({ default: m.DuplicatesBody }))),
  timeline: lazy(() => sections().then((m) => ({ default: m.TimelineBody }))),
};

/** Sections opened at least once: a folded section's body is not loaded or built until it is opened (then kept). */
const Opened = createContext<ReadonlySet<string>>(new Set());

function Section({ value, title, props }: { value: string; title: string; props: SectionProps }) {
  const opened = useContext(Opened);
  const Body = BODIES[value];
  return (
    <Accordion.Item value={value} data-testid={`lead-section-${value}`}>
      <Accordion.Control>
        <Title order={3} size="h6" component="span">
          {title}
        </Title>
      </Accordion.Control>
      <Accordion.Panel>
        {opened.has(value) && Body && (
          <Suspense fallback={<PageLoader />}>
            <Body {...props} />
          </Suspense>
        )}
      </Accordion.Panel>
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
  const props: SectionProps = {
    lead: data,
    me,
    ownBusiness,
    showTenant: seesAllBusinesses(me),
    assignees,
    userNames,
  };
  return (
    <Opened.Provider value={opened}>
      <Accordion multiple value={open} onChange={onChange} variant="separated" chevronPosition="right">
        <Section value="status" title={t('chat.sections.status')} props={props} />
        <Section value="ai" title={t('chat.sections.ai')} props={props} />
        <Section value="details" title={t('chat.sections.details')} props={props} />
        {data.tenant_id === me.effective_tenant_id && (
          <Section value="assignment" title={t('chat.sections.assignment')} props={props} />
        )}
        <Section value="tags" title={t('chat.sections.tags')} props={props} />
        <Section value="reminders" title={t('chat.sections.reminders')} props={props} />
        {data.tenant_id === me.effective_tenant_id && (
          <Section value="appointments" title={t('chat.sections.appointments')} props={props} />
        )}
        <Section value="scheduled" title={t('chat.sections.scheduled')} props={props} />
        <Section value="duplicates" title={t('chat.sections.duplicates')} props={props} />
        <Section value="timeline" title={t('chat.sections.timeline')} props={props} />
      </Accordion>
    </Opened.Provider>
  );
}
