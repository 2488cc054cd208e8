import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { LanguageSwitch } from '@/components/layout/language-switch';
import { LoginForm } from '@/components/auth/login-form';
import { PageLoader } from '@/components/ui/page-loader';
import { useMe } from '@/lib/auth';
import { paths } from '@/config/paths';

/** Only same-app paths may be a ?next= target (no open redirects). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login')
    ? next
    : paths.leads.getHref();
}

export function Component() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const me = useMe();
  const next = safeNext(params.get('next'));
  if (me.isPending) return <PageLoader />;
  if (me.data) return <Navigate to={next} replace />;
  return (
    <Center mih="100vh" p="md" className="fd-login-bg">
      <Paper withBorder shadow="sm" p="xl" radius="lg" className="fd-login-card">
        <Stack gap="lg">
          <Stack gap={4} align="center">
            <span className="fd-logo fd-logo-lg" aria-hidden="true">
              F
            </span>
            <Title order={1} size="h2">
              {t('app.name')}
            </Title>
            <Text c="dimmed" size="sm" ta="center">
              {t('login.subtitle')}
            </Text>
          </Stack>
          <LoginForm onSuccess={() => void navigate(next, { replace: true })} />
          <Center>
            <LanguageSwitch />
          </Center>
        </Stack>
      </Paper>
    </Center>
  );
}
