/** Toasts for failed requests: always the server's message and hint, never "Failed: {}". */
import i18n from '@/i18n';
import { isApiError } from './api-client';

export function errorText(error: unknown): { title: string; message: string; hint: string } {
  if (isApiError(error)) {
    if (error.error === 'network_error') {
      return { title: i18n.t('errors.title'), message: i18n.t('errors.network'), hint: error.message };
    }
    return { title: i18n.t('errors.title'), message: error.message, hint: error.hint };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { title: i18n.t('errors.title'), message: message || i18n.t('errors.unknown'), hint: '' };
}

export type Toast = { color: string; message: string; title?: string; autoClose: number; withBorder?: boolean };

const toastListeners = new Set<() => void>();

/** Calls `listener` when a toast is shown (the app mounts the toasts' host then, if it has not yet). */
export function onToast(listener: () => void): () => void {
  toastListeners.add(listener);
  return () => toastListeners.delete(listener);
}

// The toasts' store and host load on the first toast, not with the first page.
export function showToast(toast: Toast): void {
  toastListeners.forEach((listener) => listener());
  // Its close button is an icon: name it for screen readers.
  const closeButtonProps = { 'aria-label': i18n.t('common.close') };
  void import('@mantine/notifications').then(({ notifications }) => notifications.show({ ...toast, closeButtonProps }));
}

export function notifyError(error: unknown): void {
  const { title, message, hint } = errorText(error);
  showToast({
    color: 'red',
    title,
    message: hint ? `${message} — ${hint}` : message,
    autoClose: 10_000,
    withBorder: true,
  });
}

export function notifySuccess(message: string): void {
  showToast({ color: 'teal', message, autoClose: 3_000 });
}
