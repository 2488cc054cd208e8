import { Button, Divider, Group, PasswordInput, Stack, Switch, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { TimezoneSelect } from '@/components/form/timezone-select';
import { DEFAULT_TIMEZONE } from '@/config/constants';
import { isApiError } from '@/lib/api-client';
import type { Business } from '@/types/api';
import { useCreateBusiness } from '../api/create-business';
import { useUpdateBusiness } from '../api/update-business';
import { CreateInstanceButton } from './create-instance-button';

type Props = { business?: Business; onDone: () => void; onCancel?: () => void };

/** Create a business (with its first owner) or edit one. */
export function BusinessForm({ business, onDone, onCancel }: Props) {
  const { t } = useTranslation();
  const editing = !!business;
  const [name, setName] = useState(business?.name ?? '');
  const [phone, setPhone] = useState(business?.phone_e164 ?? '');
  const [waPhone, setWaPhone] = useState(business?.whatsapp_e164 ?? '');
  const [waInstance, setWaInstance] = useState(business?.whatsapp_instance ?? '');
  const [timezone, setTimezone] = useState(business?.timezone ?? DEFAULT_TIMEZONE);
  const [autoReply, setAutoReply] = useState(business?.ai_auto_reply ?? true);
  const [ownerName, setOwnerName] = useState('');
  const [ownerEmail, setOwnerEmail] = useState('');
  const [ownerPassword, setOwnerPassword] = useState('');
  const create = useCreateBusiness(onDone);
  const update = useUpdateBusiness(onDone);
  const mutation = editing ? update : create;
  const field = isApiError(mutation.error) ? mutation.error.field : undefined;
  const fieldError = (...names: string[]) => (field && names.includes(field) ? true : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending) return;
    const common = {
      name: name.trim(),
      phone_e164: phone.trim(),
      whatsapp_e164: waPhone.trim(),
      whatsapp_instance: waInstance.trim(),
      timezone,
    };
    if (business) {
      update.mutate({ id: business.id, data: { ...common, ai_auto_reply: autoReply } });
    } else {
      create.mutate({
        ...common,
        owner: { email: ownerEmail.trim(), name: ownerName.trim(), password: ownerPassword },
      });
    }
  };

  return (
    <form onSubmit={submit} data-testid="business-form">
      <Stack gap="sm">
        {mutation.error && <ErrorAlert error={mutation.error} />}
        <TextInput
          label={t('business.name')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError('name')}
          data-testid="business-name"
          autoFocus
        />
        <Group grow wrap="wrap" align="flex-start">
          <TextInput
            label={t('business.phone')}
            type="tel"
            dir="ltr"
            value={phone}
            onChange={(e) => setPhone(e.currentTarget.value)}
            error={fieldError('phone_e164')}
            data-testid="business-phone"
          />
          <TextInput
            label={t('business.whatsappPhone')}
            type="tel"
            dir="ltr"
            value={waPhone}
            onChange={(e) => setWaPhone(e.currentTarget.value)}
            error={fieldError('whatsapp_e164')}
            data-testid="business-whatsapp-phone"
          />
        </Group>
        <Group grow wrap="wrap" align="flex-start">
          <TextInput
            label={t('business.whatsappInstance')}
            dir="ltr"
            value={waInstance}
            onChange={(e) => setWaInstance(e.currentTarget.value)}
            error={fieldError('whatsapp_instance')}
            data-testid="business-whatsapp-instance"
          />
          <TimezoneSelect label={t('business.timezone')} value={timezone} onChange={setTimezone} />
        </Group>
        {business?.whatsapp_instance && <CreateInstanceButton businessId={business.id} />}
        {editing ? (
          <Switch
            label={t('business.aiAutoReply')}
            checked={autoReply}
            onChange={(e) => setAutoReply(e.currentTarget.checked)}
          />
        ) : (
          <>
            <Divider label={t('business.owner')} labelPosition="center" />
            <TextInput
              label={t('users.name')}
              required
              value={ownerName}
              onChange={(e) => setOwnerName(e.currentTarget.value)}
              error={fieldError('owner.name')}
              data-testid="owner-name"
            />
            <TextInput
              label={t('users.email')}
              type="email"
              dir="ltr"
              required
              value={ownerEmail}
              onChange={(e) => setOwnerEmail(e.currentTarget.value)}
              error={fieldError('owner.email', 'email')}
              data-testid="owner-email"
            />
            <PasswordInput
              label={t('users.password')}
              description={t('users.passwordHelp')}
              required
              autoComplete="new-password"
              value={ownerPassword}
              onChange={(e) => setOwnerPassword(e.currentTarget.value)}
              error={fieldError('owner.password', 'password')}
              data-testid="owner-password"
            />
          </>
        )}
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" type="button" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" loading={mutation.isPending} disabled={!name.trim()} data-testid="business-submit">
            {editing ? t('common.save') : t('business.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
