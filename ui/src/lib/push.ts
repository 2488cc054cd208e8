/**
 * The service worker and Web Push. The worker (`/sw.js`, from ui/public) is
 * registered at start-up; it only shows pushes and opens the lead on click.
 * Notification permission is asked only when the user switches push on in
 * their profile (never on load). HTTP goes through the api-client.
 */
import { api } from '@/lib/api-client';

export const SW_URL = '/sw.js';

export const pushSupported = (): boolean =>
  typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** Registers the service worker (idempotent); resolves to null where unsupported or refused. */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
  try {
    return await navigator.serviceWorker.register(SW_URL, { scope: '/' });
  } catch {
    return null;
  }
}

/** base64url (no padding) -> bytes, for `applicationServerKey`. */
export function base64UrlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export type PushOutcome = 'subscribed' | 'denied' | 'unsupported';

/** Asks permission (a user gesture must have led here), subscribes this browser and tells the server. */
export async function subscribePush(): Promise<PushOutcome> {
  if (!pushSupported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  const reg = (await registerServiceWorker()) ?? (await navigator.serviceWorker.ready);
  const { public_key } = await api.get<{ public_key: string }>('/api/push/key');
  const existing = await reg.pushManager.getSubscription();
  const sub =
    existing ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(public_key) }));
  await api.post('/api/push/subscriptions', sub.toJSON());
  return 'subscribed';
}

/** Forgets this browser's subscription, here and on the server. */
export async function unsubscribePush(): Promise<void> {
  if (!pushSupported()) return;
  const reg = await navigator.serviceWorker.getRegistration(SW_URL);
  const sub = await reg?.pushManager.getSubscription();
  if (!sub) return;
  const endpoint = sub.endpoint;
  await sub.unsubscribe();
  await api.delete('/api/push/subscriptions', { body: { endpoint } }).catch(() => undefined);
}
