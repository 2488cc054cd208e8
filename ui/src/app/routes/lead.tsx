import { Anchor, Button, Group } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { LazyModal } from '@/components/ui/lazy-modal';
import { PageLoader } from '@/components/ui/page-loader';
import { paths } from '@/config/paths';
import { useAfterLoad } from '@/hooks/use-after-load';
import { useSession, useTimezone } from '@/lib/auth';
import { fillCannedReply, nextOpenText } from '@/lib/canned-fill';
import { Conversation } from '@/features/activities/components/conversation';
import { useCurrentBusiness } from '@/features/business/api/get-current-business';
import { useCannedReplies } from '@/features/canned-replies/api/canned-replies';
import { useLead } from '@/features/leads/api/get-lead';
import { LeadTitle } from '@/features/leads/components/lead-details';
import { WhatsappForm, type SendLaterSlot } from '@/features/messaging/components/whatsapp-form';

// The composer's time picker (and its date library) loads when first opened.
const SendLater = lazy(() =>
  import('@/features/scheduled/components/send-later').then((m) => ({ default: m.SendLater })),
);

/** The width below which the lead page is a phone's chat (the sections start folded). */
const PHONE_QUERY = '(max-width: 48em)';

// Everything but the chat loads after it (useAfterLoad): folded on a phone, the chat comes first.
const LeadSide = lazy(() => import('./lead-side'));
const EditLeadForm = lazy(() =>
  import('@/features/leads/components/edit-lead-form').then((m) => ({ default: m.EditLeadForm })),
);

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
  // The business's own settings apply to its own leads only (an admin may open any business's lead).
  const business = useCurrentBusiness();
  const ownBusiness = business.data && business.data.id === lead.data?.tenant_id ? business.data : null;
  const canned = useCannedReplies(!!ownBusiness);
  const sideReady = useAfterLoad();

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
      <LazyModal opened={editing} onClose={closeEdit} title={t('leads.edit')} size="lg">
        {editing && (
          <Suspense fallback={<PageLoader />}>
            <EditLeadForm lead={data} onDone={closeEdit} onCancel={closeEdit} />
          </Suspense>
        )}
      </LazyModal>
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
              sendLater={(slot: SendLaterSlot) => (
                <Suspense fallback={<PageLoader />}>
                  <SendLater leadId={data.id} {...slot} />
                </Suspense>
              )}
            />
          </div>
        </section>
        <aside className="fd-lead-side" aria-label={t('chat.more')}>
          {sideReady ? (
            <Suspense fallback={<PageLoader />}>
              <LeadSide lead={data} phone={phone} ownBusiness={ownBusiness} />
            </Suspense>
          ) : (
            <PageLoader />
          )}
        </aside>
      </div>
    </div>
  );
}
