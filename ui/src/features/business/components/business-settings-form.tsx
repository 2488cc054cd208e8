import { Button, Group, Stack, Switch, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { TimezoneSelect } from '@/components/form/timezone-select';
import { notifySuccess } from '@/lib/notify';
import type { Business } from '@/types/api';
import { useUpdateCurrentBusiness } from '../api/update-current-business';

export function BusinessSettingsForm({ business }: { business: Business }) {
  const { t } = useTranslation();
  const [name, setName] = useState(business.name);
  const [timezone, setTimezone] = useState(business.timezone);
  const [autoReply, setAutoReply] = useState(business.ai_auto_reply);
  const update = useUpdateCurrentBusiness(() => notifySuccess(t('settings.saved')));

  const dirty = name !== business.name || timezone !== business.timezone || autoReply !== business.ai_auto_reply;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (update.isPending || !dirty) return;
    update.mutate({ name: name.trim(), timezone, ai_auto_reply: autoReply });
  };

  return (
    <form onSubmit={submit} data-testid="business-settings-form">
      <Stack gap="sm">
        {update.error && <ErrorAlert error={update.error} />}
        <Group grow align="flex-start" wrap="wrap">
          <TextInput
            label={t('business.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
          />
          <TimezoneSelect label={t('business.timezone')} value={timezone} onChange={setTimezone} />
        </Group>
        <Switch
          label={t('business.aiAutoReply')}
          description={t('business.aiAutoReplyHelp')}
          checked={autoReply}
          onChange={(e) => setAutoReply(e.currentTarget.checked)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending} disabled={!dirty}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
