import { Paper, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { useCurrentBusiness } from '@/features/business/api/get-current-business';
import { usePrompt } from '@/features/business/api/get-prompt';
import { BusinessSettingsForm } from '@/features/business/components/business-settings-form';
import { FollowUpsForm } from '@/features/business/components/follow-ups-form';
import { FrontdeskForm } from '@/features/business/components/frontdesk-form';
import { HoursForm } from '@/features/business/components/hours-form';
import { PromptForm } from '@/features/business/components/prompt-form';
import { PromptHistory } from '@/features/business/components/prompt-history';
import { AppointmentSettings } from './settings-appointments';
import { WhatsappLinkPanel } from '@/features/business/components/whatsapp-link-panel';

export function Component() {
  const { t } = useTranslation();
  const business = useCurrentBusiness();
  const prompt = usePrompt();
  return (
    <Stack gap="md">
      <PageHeader title={t('settings.title')} />
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="sm">
          {t('settings.business')}
        </Title>
        {business.isPending && <PageLoader />}
        {business.error && <ErrorAlert error={business.error} onRetry={() => void business.refetch()} />}
        {business.data && <BusinessSettingsForm business={business.data} />}
      </Paper>
      {business.data && (
        <>
          <Paper withBorder p="md">
            <Title order={3} size="h5" mb="sm">
              {t('hours.title')}
            </Title>
            <HoursForm business={business.data} />
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h5" mb="sm">
              {t('frontdesk.title')}
            </Title>
            <FrontdeskForm business={business.data} />
          </Paper>
          <AppointmentSettings business={business.data} />
          <Paper withBorder p="md">
            <Title order={3} size="h5" mb="sm">
              {t('followUps.title')}
            </Title>
            <FollowUpsForm business={business.data} />
          </Paper>
          {business.data.whatsapp_instance && (
            <Paper withBorder p="md">
              <Title order={3} size="h5" mb="sm">
                {t('pairing.title')}
              </Title>
              <WhatsappLinkPanel />
            </Paper>
          )}
        </>
      )}
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="sm">
          {t('prompts.title')}
        </Title>
        {prompt.isPending && <PageLoader />}
        {prompt.error && <ErrorAlert error={prompt.error} onRetry={() => void prompt.refetch()} />}
        {prompt.data && <PromptForm prompt={prompt.data} />}
      </Paper>
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="sm">
          {t('prompts.history')}
        </Title>
        <PromptHistory />
      </Paper>
    </Stack>
  );
}
