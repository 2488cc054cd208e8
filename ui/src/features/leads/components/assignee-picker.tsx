import { Button, Group, Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { useAssignees } from '../api/get-assignees';
import { useUpdateLead } from '../api/update-lead';
import type { Lead } from '@/types/api';

/** Who works this lead: any user of its business, or nobody; "take it" for oneself. */
export function AssigneePicker({ lead, meId }: { lead: Lead; meId: number }) {
  const { t } = useTranslation();
  const assignees = useAssignees();
  const update = useUpdateLead();
  const current = lead.assignee_user_id ?? null;
  const data = (assignees.data?.items ?? []).map((u) => ({
    value: String(u.id),
    label: u.id === meId ? t('assign.me', { name: u.name || u.email }) : u.name || u.email,
  }));
  const set = (id: number | null) => update.mutate({ leadId: lead.id, data: { assignee_user_id: id } });
  return (
    <Group align="end" gap="xs" wrap="wrap">
      <Select
        label={t('assign.label')}
        placeholder={t('assign.nobody')}
        clearable
        data={data}
        value={current === null ? null : String(current)}
        onChange={(v) => set(v ? Number(v) : null)}
        disabled={update.isPending || assignees.isPending}
        data-testid="assignee-select"
        style={{ flex: 1, minWidth: 180 }}
      />
      {current !== meId && (
        <Button variant="light" onClick={() => set(meId)} loading={update.isPending} data-testid="assign-me">
          {t('assign.takeIt')}
        </Button>
      )}
      {update.error && <ErrorAlert error={update.error} />}
    </Group>
  );
}
