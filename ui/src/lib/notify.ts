/** Toasts for failed requests: always the server's message and hint, never "Failed: {}". */
import { notifications } from '@mantine/notifications';
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

export function notifyError(error: unknown): void {
  const { title, message, hint } = errorText(error);
  notifications.show({
    color: 'red',
    title,
    message: hint ? `${message} — ${hint}` : message,
    autoClose: 10_000,
    withBorder: true,
  });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message, autoClose: 3_000 });
}
