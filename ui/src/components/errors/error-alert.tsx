import { Alert, Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorText } from '@/lib/notify';
import type { ReactNode } from 'react';

/** A failed request, inline: the server's message and hint, verbatim. */
export function ErrorAlert({
  error,
  onRetry,
  children,
}: {
  error: unknown;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const { title, message, hint } = errorText(error);
  return (
    <Alert color="red" variant="light" title={title} role="alert" data-testid="error-alert">
      <Text size="sm" dir="auto" data-testid="error-message">
        {message}
      </Text>
      {hint && (
        <Text size="sm" c="dimmed" mt={4} data-testid="error-hint">
          {t('errors.hint')}: <bdi>{hint}</bdi>
        </Text>
      )}
      {children}
      {onRetry && (
        <Anchor component="button" type="button" size="sm" mt={6} onClick={onRetry}>
          {t('common.retry')}
        </Anchor>
      )}
    </Alert>
  );
}
