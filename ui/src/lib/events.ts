/**
 * Live events: one EventSource on GET /api/events (same origin, so the
 * session cookie goes along). The browser reconnects by itself after network
 * errors; the caller closes it on sign-out or a change of effective tenant.
 */
export const LIVE_EVENT_NAMES = [
  'lead.created',
  'lead.updated',
  // A CSV import committed ({created, updated}); no per-lead events for it.
  'leads.imported',
  'activity.created',
  // A message moved on ({lead_id, message_id, status, error_code}): its timeline entry shows it.
  'message.status',
  'reminder.fired',
  'notification.created',
  // A file of a message was fetched or transcribed ({lead_id, message_id}).
  'media.updated',
  // The business's WhatsApp link changed ({status: {state, qr, pairing_code, updated_at}}).
  'whatsapp.status',
  // The server dropped events for this slow client: refetch everything.
  'lagged',
] as const;
export type LiveEventName = (typeof LIVE_EVENT_NAMES)[number];
export type LiveEventData = { lead_id?: number; [key: string]: unknown };

/**
 * `onReconnect` runs when the stream comes back after a drop (events may have
 * been missed meanwhile).
 */
export function openLiveEvents(
  onEvent: (name: LiveEventName, data: LiveEventData) => void,
  onReconnect?: () => void,
  url = '/api/events',
): () => void {
  if (typeof EventSource === 'undefined') return () => {};
  const source = new EventSource(url, { withCredentials: true });
  let opened = false;
  source.onopen = () => {
    if (opened) onReconnect?.();
    opened = true;
  };
  const listeners = LIVE_EVENT_NAMES.map((name) => {
    const listener = (ev: MessageEvent) => {
      let data: LiveEventData = {};
      try {
        const parsed: unknown = typeof ev.data === 'string' && ev.data ? JSON.parse(ev.data) : {};
        if (parsed && typeof parsed === 'object') data = parsed as LiveEventData;
      } catch {
        /* a malformed event still tells us something changed */
      }
      onEvent(name, data);
    };
    source.addEventListener(name, listener as EventListener);
    return [name, listener] as const;
  });
  return () => {
    for (const [name, listener] of listeners) source.removeEventListener(name, listener as EventListener);
    source.close();
  };
}
