import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { openLiveEvents } from '@/lib/events';
import { showToast } from '@/lib/notify';
import { queryKeys } from '@/lib/query-keys';

type Fields = Record<string, unknown>;

/** While signed in: map server events to react-query invalidations. */
export function useLiveEvents(tenantKey: number | null) {
  const qc = useQueryClient();
  useEffect(() => {
    if (tenantKey === null) return;
    return openLiveEvents(
      (name, data) => {
        const leadId = typeof data.lead_id === 'number' ? data.lead_id : undefined;
        switch (name) {
          case 'lead.created':
          case 'lead.updated':
            void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
            void qc.invalidateQueries({ queryKey: queryKeys.inbox.all });
            // A new lead may have been given to me by round-robin (that notification has no event of its own).
            if (name === 'lead.created') void qc.invalidateQueries({ queryKey: queryKeys.notifications.all });
            break;
          case 'leads.imported':
            void qc.invalidateQueries({ queryKey: queryKeys.inbox.all });
            // New leads, and existing ones completed (each with an `updated` activity).
            void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
            void qc.invalidateQueries({ queryKey: queryKeys.activities.all });
            break;
          case 'activity.created':
            if (leadId !== undefined) void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
            void qc.invalidateQueries({ queryKey: queryKeys.leads.all });
            // A message in or out moves "needs reply".
            void qc.invalidateQueries({ queryKey: queryKeys.inbox.all });
            // Bookings, moves and cancellations (by anyone: a person, the AI, the customer) are activities.
            void qc.invalidateQueries({ queryKey: queryKeys.appointments.all });
            break;
          case 'message.status':
            // Delivery ticks and failure reasons live on the lead's timeline.
            if (leadId !== undefined) void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
            else void qc.invalidateQueries({ queryKey: queryKeys.activities.all });
            // The inbox shows the last message's ticks too.
            void qc.invalidateQueries({ queryKey: queryKeys.leads.lists() });
            break;
          case 'media.updated':
            // A file of a message was fetched (or a voice note transcribed).
            if (leadId !== undefined) void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
            break;
          case 'whatsapp.status':
            void qc.invalidateQueries({ queryKey: queryKeys.business.whatsappLink() });
            break;
          case 'reminder.fired':
            void qc.invalidateQueries({ queryKey: queryKeys.reminders.all });
            void qc.invalidateQueries({ queryKey: queryKeys.inbox.all });
            if (leadId !== undefined) void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(leadId) });
            break;
          case 'notification.created': {
            void qc.invalidateQueries({ queryKey: queryKeys.notifications.all });
            void qc.invalidateQueries({ queryKey: queryKeys.inbox.all });
            // The server sends {notification: {...}}; accept a flat object too.
            const n = (data.notification && typeof data.notification === 'object' ? data.notification : data) as Fields;
            if (typeof n.title === 'string' && n.title) {
              showToast({
                color: 'blue',
                title: n.title,
                message: typeof n.body === 'string' ? n.body : '',
                autoClose: 6000,
              });
            }
            break;
          }
          case 'lagged':
            void qc.invalidateQueries();
            break;
        }
      },
      () => void qc.invalidateQueries(),
    );
  }, [qc, tenantKey]);
}
