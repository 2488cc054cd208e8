import { ActionIcon, Button, Group, NumberInput, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { fieldError } from '@/lib/field-error';
import { notifySuccess } from '@/lib/notify';
import type { CurrentBusiness, FollowUpStep } from '@/types/api';
import { useUpdateCurrentBusiness } from '../api/update-current-business';

const MAX_STEPS = 3;
const HOURS = { min: 0.001, max: 720 };

type Row = { after_hours: number | string; text: string };

const badHours = (h: number | string) => typeof h !== 'number' || !(h >= HOURS.min && h <= HOURS.max);

/**
 * The business's follow-up sequence: up to three `{after_hours, text}`
 * steps, sent when the customer has not answered our last message.
 */
export function FollowUpsForm({ business }: { business: CurrentBusiness }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Row[]>(() => business.follow_ups.map((s) => ({ ...s })));
  const [touched, setTouched] = useState(false);
  const update = useUpdateCurrentBusiness(() => notifySuccess(t('settings.saved')));
  const set = (i: number, patch: Partial<Row>) =>
    setRows((r) => r.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  const invalid = rows.some((r) => badHours(r.after_hours) || !r.text.trim());
  const steps: FollowUpStep[] = rows.map((r) => ({ after_hours: Number(r.after_hours), text: r.text.trim() }));
  const dirty = JSON.stringify(steps) !== JSON.stringify(business.follow_ups);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (update.isPending || invalid || !dirty) return;
    update.mutate({ follow_ups: steps });
  };

  return (
    <form onSubmit={submit} data-testid="follow-ups-form" noValidate>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('followUps.help')}
        </Text>
        {rows.length === 0 && <Text size="sm">{t('followUps.none')}</Text>}
        {rows.map((r, i) => (
          <Group key={i} align="flex-start" wrap="nowrap" data-testid="follow-up-step">
            <NumberInput
              w={130}
              label={t('followUps.afterHours')}
              min={HOURS.min}
              max={HOURS.max}
              decimalScale={3}
              allowNegative={false}
              clampBehavior="none"
              value={r.after_hours}
              onChange={(v) => set(i, { after_hours: v })}
              error={
                (touched && badHours(r.after_hours) ? t('followUps.badHours') : null) ??
                fieldError(update.error, `follow_ups[${i}].after_hours`)
              }
              data-testid="follow-up-hours"
            />
            <Textarea
              className="fd-grow"
              dir="auto"
              label={t('followUps.step', { n: i + 1 })}
              autosize
              minRows={1}
              maxRows={4}
              value={r.text}
              onChange={(e) => set(i, { text: e.currentTarget.value })}
              error={
                (touched && !r.text.trim() ? t('followUps.badText') : null) ??
                fieldError(update.error, `follow_ups[${i}].text`)
              }
              data-testid="follow-up-text"
            />
            <ActionIcon
              mt={26}
              variant="subtle"
              color="red"
              aria-label={t('followUps.remove', { n: i + 1 })}
              onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
            >
              ×
            </ActionIcon>
          </Group>
        ))}
        {update.error && !fieldError(update.error, 'follow_ups') && <ErrorAlert error={update.error} />}
        {fieldError(update.error, 'follow_ups') && (
          <Text size="sm" c="red.7" role="alert">
            {fieldError(update.error, 'follow_ups')}
          </Text>
        )}
        <Group justify="space-between">
          <Button
            variant="light"
            size="sm"
            disabled={rows.length >= MAX_STEPS}
            onClick={() => setRows((rs) => [...rs, { after_hours: 24, text: '' }])}
            data-testid="follow-up-add"
          >
            {t('followUps.add')}
          </Button>
          <Button type="submit" size="sm" loading={update.isPending} disabled={!dirty} data-testid="follow-ups-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
