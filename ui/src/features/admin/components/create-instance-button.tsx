import { Alert, Button, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { useCreateInstance } from '../api/create-instance';

/** The business form's button that creates the business's WhatsApp instance on the bridge. */
export function CreateInstanceButton({ businessId, disabled }: { businessId: number; disabled?: boolean }) {
  const { t } = useTranslation();
  const create = useCreateInstance();
  return (
    <Stack gap={4} data-testid="create-instance">
      <Button
        variant="default"
        size="xs"
        disabled={disabled}
        loading={create.isPending}
        onClick={() => create.mutate(businessId)}
        data-testid="create-instance-button"
      >
        {t('pairing.createInstance')}
      </Button>
      {create.error && <ErrorAlert error={create.error} />}
      {create.isSuccess && (
        <Alert color="teal" variant="light" data-testid="create-instance-done">
          {t('pairing.instanceCreated')}
        </Alert>
      )}
    </Stack>
  );
}
