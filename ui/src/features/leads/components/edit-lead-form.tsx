import { Button, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { isApiError } from '@/lib/api-client';
import { looksLikePhone } from '@/lib/format';
import type { Lead } from '@/types/api';
import { useUpdateLead, type UpdateLeadInput } from '../api/update-lead';

/** Edit a lead's contact details; only changed fields are sent. */
export function EditLeadForm({ lead, onDone, onCancel }: { lead: Lead; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [firstName, setFirstName] = useState(lead.first_name ?? '');
  const [lastName, setLastName] = useState(lead.last_name ?? '');
  const [phone, setPhone] = useState(lead.phone_e164 ?? '');
  const [email, setEmail] = useState(lead.email ?? '');
  const [notes, setNotes] = useState(lead.notes ?? '');
  const update = useUpdateLead(onDone);
  const field = isApiError(update.error) ? update.error.field : undefined;
  const phoneBad = phone.trim() !== '' && !looksLikePhone(phone);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (update.isPending || phoneBad) return;
    const data: UpdateLeadInput['data'] = {};
    if (firstName.trim() !== (lead.first_name ?? '')) data.first_name = firstName.trim();
    if (lastName.trim() !== (lead.last_name ?? '')) data.last_name = lastName.trim();
    if (phone.trim() && phone.trim() !== (lead.phone_e164 ?? '')) data.phone_e164 = phone.trim();
    if (email.trim() !== (lead.email ?? '')) data.email = email.trim() || null;
    if (notes !== (lead.notes ?? '')) data.notes = notes;
    if (Object.keys(data).length === 0) return onDone();
    update.mutate({ leadId: lead.id, data });
  };

  return (
    <form onSubmit={submit} data-testid="edit-lead-form">
      <Stack gap="sm">
        {update.error && <ErrorAlert error={update.error} />}
        <Group grow align="flex-start" wrap="wrap">
          <TextInput
            label={t('leads.fields.firstName')}
            value={firstName}
            onChange={(e) => setFirstName(e.currentTarget.value)}
            error={field === 'first_name'}
            autoFocus
          />
          <TextInput
            label={t('leads.fields.lastName')}
            value={lastName}
            onChange={(e) => setLastName(e.currentTarget.value)}
            error={field === 'last_name'}
          />
        </Group>
        <TextInput
          label={t('leads.fields.phone')}
          type="tel"
          dir="ltr"
          value={phone}
          onChange={(e) => setPhone(e.currentTarget.value)}
          error={phoneBad ? t('leads.form.phoneInvalid') : field === 'phone_e164'}
        />
        <TextInput
          label={t('leads.fields.email')}
          type="email"
          dir="ltr"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={field === 'email'}
        />
        <Textarea
          dir="auto"
          label={t('leads.fields.notes')}
          autosize
          minRows={2}
          maxRows={8}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" type="button" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={update.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
