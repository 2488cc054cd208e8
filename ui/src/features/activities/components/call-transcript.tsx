import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CallData, TranscriptLine } from '@/types/api';

/** Reads a `call` activity's `data` defensively (older rows lack fields). */
export function asCallData(data: unknown): CallData {
  if (!data || typeof data !== 'object') return {};
  const d = data as Record<string, unknown>;
  const out: CallData = {};
  if (Array.isArray(d.transcript)) {
    out.transcript = d.transcript.filter(
      (l): l is TranscriptLine => !!l && typeof l === 'object' && typeof (l as TranscriptLine).text === 'string',
    );
  }
  if (typeof d.duration_s === 'number' && Number.isFinite(d.duration_s)) out.duration_s = d.duration_s;
  if (typeof d.status === 'string') out.status = d.status;
  if (Array.isArray(d.dtmf)) out.dtmf = d.dtmf.filter((x): x is string => typeof x === 'string');
  if (typeof d.ended_by === 'string') out.ended_by = d.ended_by;
  if (typeof d.answered_by === 'string') out.answered_by = d.answered_by;
  const lat = d.turn_latency_ms as Record<string, unknown> | null | undefined;
  if (lat && typeof lat === 'object') {
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const [median, max, turns] = [n(lat.median), n(lat.max), n(lat.turns)];
    if (median !== null && max !== null && turns !== null) out.turn_latency_ms = { median, max, turns };
  }
  if (typeof d.direction === 'string') out.direction = d.direction;
  if (typeof d.outcome === 'string') out.outcome = d.outcome;
  return out;
}

/** `m:ss` (or `h:mm:ss`), direction-neutral. */
export function formatDuration(total: number): string {
  const s = Math.max(0, Math.round(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

const STATUS_COLORS: Record<string, string> = {
  completed: 'teal',
  missed: 'red',
  failed: 'red',
  busy: 'orange',
  no_answer: 'orange',
  canceled: 'gray',
  ringing: 'blue',
  in_progress: 'blue',
};

/**
 * A call: its status (missed / completed / ...), duration, the keys pressed,
 * and the caller/agent transcript as chat bubbles. `body` is shown only when
 * there is no transcript (for a finished AI call it repeats the transcript;
 * for a missed call it says why). "No transcript" only when the data has a
 * `transcript` field that is empty (Twilio's status callback carries none).
 */
export function CallTranscript({ data, body }: { data: unknown; body?: string | null }) {
  const { t } = useTranslation();
  const call = asCallData(data);
  const lines = call.transcript ?? [];
  return (
    <div data-testid="call" data-status={call.status ?? ''}>
      <Group gap="sm" wrap="wrap">
        {call.status && (
          <Badge
            size="sm"
            variant="light"
            color={STATUS_COLORS[call.status] ?? 'gray'}
            data-testid="call-status"
            data-status={call.status}
          >
            {t(`callStatus.${call.status}`, { defaultValue: call.status })}
          </Badge>
        )}
        {call.answered_by && (
          <Badge size="sm" variant="outline" color="gray" data-testid="call-answered-by" data-by={call.answered_by}>
            {t(`activity.answeredBy.${call.answered_by}`, { defaultValue: call.answered_by })}
          </Badge>
        )}
        {call.duration_s !== undefined && (
          <Text size="xs" c="dimmed" data-testid="call-duration">
            {t('activity.duration')}: <span className="fd-ltr">{formatDuration(call.duration_s)}</span>
          </Text>
        )}
        {call.direction === 'outbound' && (
          <Badge size="sm" variant="outline" color="blue" data-testid="call-callback" data-outcome={call.outcome ?? ''}>
            {call.outcome
              ? t(`activity.callbackOutcome.${call.outcome}`, { defaultValue: call.outcome })
              : t('activity.callback')}
          </Badge>
        )}
        {call.turn_latency_ms && (
          <Text size="xs" c="dimmed" data-testid="call-latency">
            {t('activity.turnLatency', {
              median: call.turn_latency_ms.median,
              max: call.turn_latency_ms.max,
              turns: call.turn_latency_ms.turns,
            })}
          </Text>
        )}
        {call.dtmf && call.dtmf.length > 0 && (
          <Text size="xs" c="dimmed" data-testid="call-dtmf">
            {t('activity.dtmf')}: <span className="fd-ltr">{call.dtmf.join(' ')}</span>
          </Text>
        )}
      </Group>
      {lines.length === 0 && body && (
        <Text size="sm" className="fd-pre" mt={4} data-testid="activity-body">
          <bdi>{body}</bdi>
        </Text>
      )}
      {lines.length > 0 ? (
        <div className="fd-transcript" role="log" aria-label={t('activity.transcript')} data-testid="call-transcript">
          {lines.map((line, i) => {
            const agent = line.speaker === 'agent';
            return (
              <div
                key={i}
                className={`fd-bubble ${agent ? 'fd-bubble-agent' : 'fd-bubble-caller'}`}
                data-testid="transcript-line"
                data-speaker={line.speaker}
              >
                <Text size="xs" fw={600} c="dimmed">
                  {agent ? t('activity.speakerAgent') : t('activity.speakerCaller')}
                </Text>
                <bdi>{line.text}</bdi>
              </div>
            );
          })}
        </div>
      ) : (
        call.transcript !== undefined && (
          <Text size="xs" c="dimmed" mt={4}>
            {t('activity.noTranscript')}
          </Text>
        )
      )}
    </div>
  );
}
