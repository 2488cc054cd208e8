import { Badge, Button, Group, NumberInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { DateTime } from '@/components/ui/date-time';
import { useNow } from '@/hooks/use-now';
import type { Lead } from '@/types/api';
import { useSetLeadAi } from '../api/set-lead-ai';
import { aiPause, PAUSE_HOURS_MAX, PAUSE_HOURS_MIN, validPauseHours } from '../lib/ai-pause';

type Props = {
  lead: Lead;
  /** The business's handoff_hours: the default length of a pause (the server's default when unknown). */
  defaultHours?: number | null;
  /** The business lets the AI answer WhatsApp by itself (`ai_auto_reply`); unknown = not said. */
  autoReply?: boolean | null;
};

/**
 * Whether the AI answers this lead: "AI answering", or "AI paused until …"
 * with Resume; Pause for a number of hours (the business's handoff_hours by
 * default). The lead query is refreshed live (lead.updated), so a pause the
 * server starts (a person wrote, a handoff) shows here by itself.
 */
export function AiSwitch({ lead, defaultHours, autoReply }: Props) {
  const { t } = useTranslation();
  const now = useNow(30_000);
  const { paused, until } = aiPause(lead, now);
  const [hours, setHours] = useState<number | string>(defaultHours ?? '');
  const mutation = useSetLeadAi();
  const hoursOk = hours === '' || validPauseHours(hours);

  const pause = () => {
    if (!hoursOk || mutation.isPending) return;
    mutation.reset();
    mutation.mutate(
      typeof hours === 'number' ? { leadId: lead.id, paused: true, hours } : { leadId: lead.id, paused: true },
    );
  };
  const resume = () => {
    if (mutation.isPending) return;
    mutation.reset();
    mutation.mutate({ leadId: lead.id, paused: false });
  };

  return (
    <Stack gap="xs" data-testid="ai-switch" data-paused={paused ? 'true' : 'false'}>
      <Group gap="xs" wrap="wrap">
        {paused ? (
          <Badge
            tt="none"
            color="orange"
            variant="light"
            size="lg"
            className="fd-badge-full"
            data-testid="ai-state"
            data-state="paused"
          >
            {t('ai.pausedUntil')} <DateTime value={until} />
          </Badge>
        ) : (
          <Badge
            tt="none"
            color="teal"
            variant="light"
            size="lg"
            className="fd-badge-full"
            data-testid="ai-state"
            data-state="answering"
          >
            {t('ai.answering')}
          </Badge>
        )}
      </Group>
      {autoReply === false && (
        <Text size="xs" c="dimmed" data-testid="ai-auto-reply-off">
          {t('ai.autoReplyOff')}
        </Text>
      )}
      {paused ? (
        <Group justify="flex-end">
          <Button size="xs" color="teal" onClick={resume} loading={mutation.isPending} data-testid="ai-resume">
            {t('ai.resume')}
          </Button>
        </Group>
      ) : (
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <NumberInput
            className="fd-grow"
            size="xs"
            label={t('ai.pauseHours')}
            placeholder={t('ai.pauseHoursDefault')}
            min={PAUSE_HOURS_MIN}
            max={PAUSE_HOURS_MAX}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            value={hours}
            onChange={setHours}
            error={hoursOk ? null : t('ai.pauseHoursRange', { min: PAUSE_HOURS_MIN, max: PAUSE_HOURS_MAX })}
            data-testid="ai-pause-hours"
          />
          <Button
            size="xs"
            color="orange"
            variant="light"
            onClick={pause}
            loading={mutation.isPending}
            disabled={!hoursOk}
            data-testid="ai-pause"
          >
            {t('ai.pause')}
          </Button>
        </Group>
      )}
      {mutation.error && <ErrorAlert error={mutation.error} />}
      {paused && (
        <Text size="xs" c="dimmed">
          {t('ai.pausedHelp')}
        </Text>
      )}
    </Stack>
  );
}
