/**
 * Pure helpers of the timeline: the delivery mark of a message, and an AI
 * action (`ai_action`) in words. Strings come from the caller's `t` (i18next),
 * times from its formatter (the business's zone), so they test without React.
 */
import type { Activity } from '@/types/api';

export { deliveryTick, type Tick } from './delivery-tick';

/** Kinds of a message we sent (an AI reply is one). */
export const OUTGOING_KINDS: ReadonlySet<string> = new Set(['message_out', 'ai_reply']);

export type Translate = (key: string, options?: Record<string, unknown>) => string;

export type AiActionDescription = {
  /** The tool in words, e.g. "Set a callback reminder for 26/11/2026, 12:00: call about the quote". */
  text: string;
  /** The action was refused (the result is `{error}`): nothing changed. */
  refused: boolean;
  /** Why it was refused. */
  reason: string | null;
  tool: string;
  channel: string | null;
};

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function s(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * An `ai_action` entry in words: `data` is `{tool, arguments, result, channel}`
 * (src/ai/tools.rs); `result.error` marks a refusal. Unknown tools fall back
 * to the server's own summary (the body).
 */
export function describeAiAction(
  activity: Pick<Activity, 'body' | 'data'>,
  t: Translate,
  formatTime: (iso: string) => string,
): AiActionDescription {
  const data = obj(activity.data);
  const tool = s(data.tool);
  const args = obj(data.arguments);
  const result = data.result;
  const error = s(obj(result).error);
  const refused = !!error;
  const channel = s(data.channel) || null;
  let text: string;
  switch (tool) {
    case 'create_callback_reminder': {
      const due = s(args.due_at);
      const note = s(args.note);
      const when = due ? formatTime(due) : '';
      text = t(note ? 'aiAction.callbackWithNote' : 'aiAction.callback', { when, note });
      break;
    }
    case 'set_lead_status': {
      const status = s(args.status);
      text = t('aiAction.status', { status: status ? t(`leadStatus.${status}`, { defaultValue: status }) : '' });
      break;
    }
    case 'update_lead': {
      const parts = [[s(args.first_name), s(args.last_name)].filter(Boolean).join(' '), s(args.email)].filter(Boolean);
      text = t('aiAction.updateLead', { details: parts.join(', ') });
      break;
    }
    case 'add_tag':
      text = t('aiAction.tag', { tag: s(args.tag) });
      break;
    case 'handoff_to_human': {
      const reason = s(args.reason);
      text = reason ? t('aiAction.handoffWithReason', { reason }) : t('aiAction.handoff');
      break;
    }
    default:
      text = s(activity.body) || t('aiAction.unknown', { tool: tool || '?' });
  }
  return { text, refused, reason: refused ? error : null, tool, channel };
}

/** The other party of an `assigned` entry (`data.to`): a user id, or null when unassigned. */
export function assignedTo(data: unknown): { from: number | null; to: number | null } {
  const d = obj(data);
  const id = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { from: id(d.from), to: id(d.to) };
}

/** The fixed reasons the server gives a takeover pause (`ai_paused` body), by their i18n key under `activity.pauseReason.`. */
const PAUSE_REASONS: Record<string, string> = {
  'a person replied': 'personReplied',
  'replied from the phone': 'phoneReplied',
};

/** An `ai_paused` reason in the reader's language when it is one of the server's fixed ones; else as written. */
export function pauseReason(body: string | null | undefined, t: Translate): string | null {
  const text = (body ?? '').trim();
  if (!text) return null;
  const key = PAUSE_REASONS[text];
  return key ? t(`activity.pauseReason.${key}`) : text;
}
