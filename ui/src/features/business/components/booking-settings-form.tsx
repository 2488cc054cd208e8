import '@/i18n/appointments';
import { Button, Group, NumberInput, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { fieldError, isFieldError } from '@/lib/field-error';
import { notifySuccess } from '@/lib/notify';
import type { CurrentBusiness } from '@/types/api';
import { useUpdateCurrentBusiness } from '../api/update-current-business';

/** The server's limits of each whole-number booking setting. */
const LIMITS = {
  booking_slot_step_min: { min: 5, max: 240 },
  booking_min_notice_min: { min: 0, max: 10080 },
  booking_horizon_days: { min: 1, max: 365 },
  booking_reminder_hours: { min: 1, max: 168 },
} as const;
type NumberField = keyof typeof LIMITS;
const NUMBER_FIELDS = Object.keys(LIMITS) as NumberField[];
const FIELDS = [...NUMBER_FIELDS, 'twilio_booking_template_sid'];
const TEMPLATE_SID = /^HX[0-9a-fA-F]{32}$/;

/** Booking: the slot grid, minimum notice, how far ahead, when customers are reminded, the reminder template. */
export function BookingSettingsForm({ business }: { business: CurrentBusiness }) {
  const { t } = useTranslation();
  const initial = () => ({
    booking_slot_step_min: business.booking_slot_step_min as number | string,
    booking_min_notice_min: business.booking_min_notice_min as number | string,
    booking_horizon_days: business.booking_horizon_days as number | string,
    booking_reminder_hours: business.booking_reminder_hours as number | string,
    twilio_booking_template_sid: business.twilio_booking_template_sid ?? '',
  });
  const [values, setValues] = useState(initial);
  const update = useUpdateCurrentBusiness(() => notifySuccess(t('settings.saved')));
  const bad = (f: NumberField) => {
    const v = values[f];
    return typeof v !== 'number' || !Number.isInteger(v) || v < LIMITS[f].min || v > LIMITS[f].max;
  };
  const sid = values.twilio_booking_template_sid.trim();
  const invalid = NUMBER_FIELDS.some(bad) || (sid !== '' && !TEMPLATE_SID.test(sid));
  const dirty = JSON.stringify(values) !== JSON.stringify(initial());
  const err = (f: NumberField) => (bad(f) ? t('booking.range', LIMITS[f]) : fieldError(update.error, f));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (update.isPending || !dirty || invalid) return;
    update.mutate({
      booking_slot_step_min: Number(values.booking_slot_step_min),
      booking_min_notice_min: Number(values.booking_min_notice_min),
      booking_horizon_days: Number(values.booking_horizon_days),
      booking_reminder_hours: Number(values.booking_reminder_hours),
      twilio_booking_template_sid: sid || null,
    });
  };
  const numberInput = (f: NumberField, label: string, help: string) => (
    <NumberInput
      label={label}
      description={help}
      min={LIMITS[f].min}
      max={LIMITS[f].max}
      allowDecimal={false}
      allowNegative={false}
      clampBehavior="none"
      value={values[f]}
      onChange={(v) => setValues((s) => ({ ...s, [f]: v }))}
      error={err(f)}
      data-testid={`booking-${f}`}
    />
  );
  return (
    <form onSubmit={submit} data-testid="booking-settings-form" noValidate>
      <Stack gap="sm">
        <div className="fd-settings-grid">
          {numberInput('booking_slot_step_min', t('booking.step'), t('booking.stepHelp'))}
          {numberInput('booking_min_notice_min', t('booking.notice'), t('booking.noticeHelp'))}
          {numberInput('booking_horizon_days', t('booking.horizon'), t('booking.horizonHelp'))}
          {numberInput('booking_reminder_hours', t('booking.reminder'), t('booking.reminderHelp'))}
        </div>
        <TextInput
          label={t('booking.templateSid')}
          description={t('booking.templateSidHelp')}
          dir="ltr"
          placeholder="HX…"
          value={values.twilio_booking_template_sid}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setValues((s) => ({ ...s, twilio_booking_template_sid: v }));
          }}
          error={
            sid !== '' && !TEMPLATE_SID.test(sid)
              ? t('frontdesk.problem.templateSid')
              : fieldError(update.error, 'twilio_booking_template_sid')
          }
          data-testid="booking-template-sid"
        />
        {update.error && !isFieldError(update.error, FIELDS) && <ErrorAlert error={update.error} />}
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending} disabled={!dirty || invalid} data-testid="booking-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
