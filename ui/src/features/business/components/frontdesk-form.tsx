import { Button, Group, NumberInput, SegmentedControl, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { fieldError, isFieldError } from '@/lib/field-error';
import { notifySuccess } from '@/lib/notify';
import type { CurrentBusiness } from '@/types/api';
import { useUpdateCurrentBusiness } from '../api/update-current-business';
import {
  FRONTDESK_FIELDS,
  frontdeskPatch,
  frontdeskValues,
  HANDOFF_HOURS,
  MAX_REPLIES,
  MISSED_CALL_TEXT_MAX,
  validateFrontdesk,
  type FrontdeskField,
  type FrontdeskValues,
} from '../lib/frontdesk-settings';

/**
 * The AI front desk: where calls are forwarded, the AI's language, how long a
 * person's message (or a pause) silences it, its hourly budget per lead, the
 * text sent after a missed call, the approved WhatsApp template. A 400 shows
 * next to the field it names.
 */
export function FrontdeskForm({ business }: { business: CurrentBusiness }) {
  const { t } = useTranslation();
  const [values, setValues] = useState<FrontdeskValues>(() => frontdeskValues(business));
  const [touched, setTouched] = useState(false);
  const update = useUpdateCurrentBusiness(() => notifySuccess(t('settings.saved')));
  const set = <K extends FrontdeskField>(k: K, v: FrontdeskValues[K]) => setValues((s) => ({ ...s, [k]: v }));

  const problems = validateFrontdesk(values);
  const invalid = Object.keys(problems).length > 0;
  const dirty = JSON.stringify(frontdeskPatch(values)) !== JSON.stringify(frontdeskPatch(frontdeskValues(business)));
  const err = (f: FrontdeskField): string | null => {
    const local = problems[f];
    if (local && (touched || values[f] !== frontdeskValues(business)[f])) {
      return t(`frontdesk.problem.${local}`, {
        min: f === 'handoff_hours' ? HANDOFF_HOURS.min : MAX_REPLIES.min,
        max:
          f === 'handoff_hours' ? HANDOFF_HOURS.max : f === 'missed_call_text' ? MISSED_CALL_TEXT_MAX : MAX_REPLIES.max,
      });
    }
    return fieldError(update.error, f);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (update.isPending || !dirty || invalid) return;
    update.mutate(frontdeskPatch(values));
  };

  return (
    <form onSubmit={submit} data-testid="frontdesk-form" noValidate>
      <Stack gap="sm">
        <div className="fd-settings-grid">
          <TextInput
            label={t('frontdesk.forward')}
            description={t('frontdesk.forwardHelp')}
            dir="ltr"
            type="tel"
            value={values.forward_e164}
            onChange={(e) => set('forward_e164', e.currentTarget.value)}
            error={err('forward_e164')}
            data-testid="frontdesk-forward"
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="ai-language-label">
              {t('frontdesk.aiLanguage')}
            </Text>
            <SegmentedControl
              aria-labelledby="ai-language-label"
              value={values.ai_language}
              onChange={(v) => set('ai_language', v === 'en' ? 'en' : 'he')}
              data={[
                { value: 'he', label: t('frontdesk.languages.he') },
                { value: 'en', label: t('frontdesk.languages.en') },
              ]}
              data-testid="frontdesk-ai-language"
            />
            {err('ai_language') && (
              <Text size="xs" c="red.7" role="alert">
                {err('ai_language')}
              </Text>
            )}
          </Stack>
          <NumberInput
            label={t('frontdesk.handoffHours')}
            description={t('frontdesk.handoffHoursHelp')}
            min={HANDOFF_HOURS.min}
            max={HANDOFF_HOURS.max}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            value={values.handoff_hours}
            onChange={(v) => set('handoff_hours', v)}
            error={err('handoff_hours')}
            data-testid="frontdesk-handoff-hours"
          />
          <NumberInput
            label={t('frontdesk.maxReplies')}
            description={t('frontdesk.maxRepliesHelp')}
            min={MAX_REPLIES.min}
            max={MAX_REPLIES.max}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            value={values.ai_max_replies_per_hour}
            onChange={(v) => set('ai_max_replies_per_hour', v)}
            error={err('ai_max_replies_per_hour')}
            data-testid="frontdesk-max-replies"
          />
        </div>
        <Textarea
          label={t('frontdesk.missedCallText')}
          description={t('frontdesk.missedCallTextHelp')}
          dir="auto"
          autosize
          minRows={2}
          maxRows={6}
          value={values.missed_call_text}
          onChange={(e) => set('missed_call_text', e.currentTarget.value)}
          error={err('missed_call_text')}
          data-testid="frontdesk-missed-call-text"
        />
        <TextInput
          label={t('frontdesk.templateSid')}
          description={t('frontdesk.templateSidHelp')}
          dir="ltr"
          placeholder="HX…"
          value={values.twilio_template_sid}
          onChange={(e) => set('twilio_template_sid', e.currentTarget.value)}
          error={err('twilio_template_sid')}
          data-testid="frontdesk-template-sid"
        />
        {update.error && !isFieldError(update.error, FRONTDESK_FIELDS) && <ErrorAlert error={update.error} />}
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending} disabled={!dirty} data-testid="frontdesk-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
