import { Anchor, Button, Group, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';
import { looksLikePhone } from '@/lib/format';
import { LEAD_SOURCES, LEAD_STATUSES, type Lead, type LeadSource, type LeadStatus } from '@/types/api';
import { useCreateLead, type CreateLeadInput } from '../api/create-lead';

type Props = { onCreated: (lead: Lead) => void; onCancel?: () => void };

/** The new-lead form. The server normalises and checks the phone; 409 = the lead exists. */
export function NewLeadForm({ onCreated, onCancel }: Props) {
  const { t } = useTranslation();
  const create = useCreateLead(onCreated);
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [source, setSource] = useState<LeadSource>('manual');
  const [status, setStatus] = useState<LeadStatus>('new');
  const [notes, setNotes] = useState('');
  const [touched, setTouched] = useState(false);

  const phoneError = touched && !looksLikePhone(phone) ? t('leads.form.phoneInvalid') : null;
  const nameError = touched && !firstName.trim() ? t('common.required') : null;
  const serverField = isApiError(create.error) ? create.error.field : undefined;
  const duplicateId =
    isApiError(create.error) && create.error.error === 'duplicate_lead'
      ? Number(create.error.body.lead_id) || null
      : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (create.isPending || !firstName.trim() || !looksLikePhone(phone)) return;
    const input: CreateLeadInput = { first_name: firstName.trim(), phone_e164: phone.trim(), source, status };
    if (lastName.trim()) input.last_name = lastName.trim();
    if (email.trim()) input.email = email.trim();
    if (notes.trim()) input.notes = notes.trim();
    create.mutate(input);
  };

  return (
    <form onSubmit={submit} noValidate data-testid="new-lead-form">
      <Stack gap="sm">
        {create.error && (
          <ErrorAlert error={create.error}>
            {duplicateId && (
              <Anchor component={Link} to={paths.lead.getHref(duplicateId)} size="sm" data-testid="duplicate-lead-link">
                {t('leads.form.openExisting')}
              </Anchor>
            )}
          </ErrorAlert>
        )}
        <Group grow align="flex-start" wrap="wrap">
          <TextInput
            label={t('leads.fields.firstName')}
            required
            value={firstName}
            onChange={(e) => setFirstName(e.currentTarget.value)}
            error={nameError || (serverField === 'first_name' ? true : null)}
            data-testid="lead-first-name"
            autoFocus
          />
          <TextInput
            label={t('leads.fields.lastName')}
            value={lastName}
            onChange={(e) => setLastName(e.currentTarget.value)}
            data-testid="lead-last-name"
          />
        </Group>
        <TextInput
          label={t('leads.fields.phone')}
          description={t('leads.form.phoneHelp')}
          required
          type="tel"
          inputMode="tel"
          dir="ltr"
          autoComplete="tel"
          value={phone}
          onChange={(e) => setPhone(e.currentTarget.value)}
          error={phoneError || (serverField === 'phone_e164' ? true : null)}
          data-testid="lead-phone"
        />
        <TextInput
          label={t('leads.fields.email')}
          type="email"
          dir="ltr"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={serverField === 'email' ? true : null}
          data-testid="lead-email"
        />
        <Group grow wrap="wrap">
          <Select
            label={t('leads.fields.source')}
            data={LEAD_SOURCES.map((s) => ({ value: s, label: t(`leadSource.${s}`) }))}
            value={source}
            onChange={(v) => v && setSource(v as LeadSource)}
            allowDeselect={false}
            data-testid="lead-source"
          />
          <Select
            label={t('leads.fields.status')}
            data={LEAD_STATUSES.map((s) => ({ value: s, label: t(`leadStatus.${s}`) }))}
            value={status}
            onChange={(v) => v && setStatus(v as LeadStatus)}
            allowDeselect={false}
            data-testid="lead-status"
          />
        </Group>
        <Textarea
          dir="auto"
          label={t('leads.fields.notes')}
          autosize
          minRows={2}
          maxRows={6}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
          data-testid="lead-notes"
        />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel} type="button">
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" loading={create.isPending} data-testid="lead-submit">
            {t('leads.form.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
