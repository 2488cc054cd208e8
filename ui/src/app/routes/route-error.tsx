import { Button, Container, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const message = error instanceof Error ? error.message : '';
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Title order={2}>{t('errors.pageTitle')}</Title>
        {message && <Text c="dimmed">{message}</Text>}
        <Button w="fit-content" onClick={() => window.location.reload()}>
          {t('errors.reload')}
        </Button>
      </Stack>
    </Container>
  );
}
