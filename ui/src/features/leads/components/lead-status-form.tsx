import { Button, Group, Select, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LEAD_STATUSES, type Lead, type LeadStatus } from '@/types/api';
import { useUpdateLeadStatus } from '../api/update-lead-status';

/** Render with `key={lead.status}` so a status changed elsewhere resets the form. */
export function LeadStatusForm({ lead }: { lead: Lead }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string>(lead.status);
  const [note, setNote] = useState('');
  const update = useUpdateLeadStatus();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (update.isPending || status === lead.status) return;
    update.mutate(
      { leadId: lead.id, status: status as LeadStatus, ...(note.trim() ? { note: note.trim() } : {}) },
      { onSuccess: () => setNote('') },
    );
  };

  return (
    <form onSubmit={submit} data-testid="status-form">
      <Group align="flex-end" gap="xs" wrap="wrap">
        <Select
          label={t('leads.changeStatus')}
          data={LEAD_STATUSES.map((s) => ({ value: s, label: t(`leadStatus.${s}`) }))}
          value={status}
          onChange={(v) => v && setStatus(v)}
          allowDeselect={false}
          data-testid="status-select"
          w={170}
        />
        <TextInput
          label={t('leads.statusNote')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          data-testid="status-note"
          className="fd-grow"
        />
        <Button type="submit" loading={update.isPending} disabled={status === lead.status} data-testid="status-submit">
          {t('leads.applyStatus')}
        </Button>
      </Group>
    </form>
  );
}
