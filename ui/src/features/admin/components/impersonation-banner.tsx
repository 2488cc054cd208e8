import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSession } from '@/lib/auth';
import { paths } from '@/config/paths';
import { useExitImpersonation } from '../api/exit-impersonation';

/** On every page while an admin acts inside a business. */
export function ImpersonationBanner() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const exit = useExitImpersonation(() => void navigate(paths.adminBusinesses.getHref()));
  if (!me.impersonating) return null;
  const name = me.tenant?.name ?? `#${me.effective_tenant_id}`;
  return (
    <div className="fd-banner" role="status" data-testid="impersonation-banner">
      <Group justify="center" gap="sm" wrap="wrap">
        <Text size="sm" fw={600}>
          {t('impersonation.banner', { name })}
        </Text>
        <Button
          size="compact-sm"
          color="dark"
          variant="white"
          loading={exit.isPending}
          onClick={() => exit.mutate()}
          data-testid="impersonation-exit"
        >
          {t('impersonation.exit')}
        </Button>
      </Group>
    </div>
  );
}
