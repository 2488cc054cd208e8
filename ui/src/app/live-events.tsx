import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { openLiveEvents } from '@/lib/events';

/** While signed in: map server events to react-query invalidations. */
export function useLiveEvents(tenantKey: number | null) {
  const qc = useQueryClient();
  useEffect(() => {
    if (tenantKey === null) return;
    return openLiveEvents((name, data) => {
      const leadId = typeof data.lead_id === 'number' ? data.lead_id : undefined;
      switch (name) {
        case 'lead.created':
        case 'lead.updated':
          void qc.invalidateQueries({ queryKey: ['leads'] });
          break;
        case 'activity.created':
          if (leadId !== undefined) void qc.invalidateQueries({ queryKey: ['activities', leadId] });
          void qc.invalidateQueries({ queryKey: ['leads'] });
          break;
        case 'reminder.fired':
          void qc.invalidateQueries({ queryKey: ['reminders'] });
          if (leadId !== undefined) void qc.invalidateQueries({ queryKey: ['activities', leadId] });
          break;
        case 'notification.created':
          void qc.invalidateQueries({ queryKey: ['notifications'] });
          if (typeof data.title === 'string' && data.title) {
            notifications.show({ color: 'blue', title: data.title, message: typeof data.body === 'string' ? data.body : '', autoClose: 6000 });
          }
          break;
      }
    });
  }, [qc, tenantKey]);
}
