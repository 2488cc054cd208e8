import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CallData, TranscriptLine } from '@/types/api';

export function asCallData(data: unknown): CallData {
  if (!data || typeof data !== 'object') return {};
  const d = data as Record<string, unknown>;
  const out: CallData = {};
  if (Array.isArray(d.transcript)) {
    out.transcript = d.transcript.filter(
      (l): l is TranscriptLine => !!l && typeof l === 'object' && typeof (l as TranscriptLine).text === 'string',
    );
  }
  if (typeof d.duration_s === 'number') out.duration_s = d.duration_s;
  if (typeof d.status === 'string') out.status = d.status;
  return out;
}

function formatDuration(s: number): string {
  const m = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  return `${m}:${String(sec).padStart(2, '0')}`;
}

/** A call: duration, status and the caller/agent transcript as chat bubbles. */
export function CallTranscript({ data }: { data: unknown }) {
  const { t } = useTranslation();
  const call = asCallData(data);
  return (
    <div data-testid="call-transcript">
      <Group gap="md">
        {call.duration_s !== undefined && (
          <Text size="xs" c="dimmed">
            {t('activity.duration')}: <span className="fd-ltr">{formatDuration(call.duration_s)}</span>
          </Text>
        )}
        {call.status && (
          <Text size="xs" c="dimmed">
            {t('activity.callStatus')}: {call.status}
          </Text>
        )}
      </Group>
      {call.transcript && call.transcript.length > 0 ? (
        <div className="fd-transcript" role="log" aria-label={t('activity.transcript')}>
          {call.transcript.map((line, i) => (
            <div key={i} className={`fd-bubble ${line.speaker === 'agent' ? 'fd-bubble-agent' : 'fd-bubble-caller'}`}>
              <Text size="xs" fw={600} c="dimmed">
                {line.speaker === 'agent' ? t('activity.speakerAgent') : t('activity.speakerCaller')}
              </Text>
              <bdi>{line.text}</bdi>
            </div>
          ))}
        </div>
      ) : (
        <Text size="xs" c="dimmed">
          {t('activity.noTranscript')}
        </Text>
      )}
    </div>
  );
}
