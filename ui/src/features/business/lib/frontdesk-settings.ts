/** The AI front desk's settings form: its values, client-side checks to the server's limits, and the PATCH body. */
import type { AiLanguage, CurrentBusiness } from '@/types/api';
import type { UpdateCurrentBusinessInput } from '../api/update-current-business';

export type FrontdeskValues = {
  forward_e164: string;
  ai_language: AiLanguage;
  handoff_hours: number | string;
  ai_max_replies_per_hour: number | string;
  missed_call_text: string;
  twilio_template_sid: string;
};
export type FrontdeskField = keyof FrontdeskValues;
export const FRONTDESK_FIELDS: readonly FrontdeskField[] = [
  'forward_e164',
  'ai_language',
  'handoff_hours',
  'ai_max_replies_per_hour',
  'missed_call_text',
  'twilio_template_sid',
];

export const HANDOFF_HOURS = { min: 1, max: 720 } as const;
export const MAX_REPLIES = { min: 1, max: 1000 } as const;
export const MISSED_CALL_TEXT_MAX = 4096;
export const TEMPLATE_SID = /^HX[0-9a-fA-F]{32}$/;

export function frontdeskValues(b: CurrentBusiness): FrontdeskValues {
  return {
    forward_e164: b.forward_e164 ?? '',
    ai_language: b.ai_language === 'en' ? 'en' : 'he',
    handoff_hours: b.handoff_hours,
    ai_max_replies_per_hour: b.ai_max_replies_per_hour,
    missed_call_text: b.missed_call_text ?? '',
    twilio_template_sid: b.twilio_template_sid ?? '',
  };
}

const inRange = (v: number | string, r: { min: number; max: number }) =>
  typeof v === 'number' && Number.isInteger(v) && v >= r.min && v <= r.max;

/** i18n keys (under `frontdesk.problem.`) of what is wrong, by field. */
export function validateFrontdesk(v: FrontdeskValues): Partial<Record<FrontdeskField, string>> {
  const p: Partial<Record<FrontdeskField, string>> = {};
  if (!inRange(v.handoff_hours, HANDOFF_HOURS)) p.handoff_hours = 'handoffHours';
  if (!inRange(v.ai_max_replies_per_hour, MAX_REPLIES)) p.ai_max_replies_per_hour = 'maxReplies';
  if ([...v.missed_call_text.trim()].length > MISSED_CALL_TEXT_MAX) p.missed_call_text = 'tooLong';
  const sid = v.twilio_template_sid.trim();
  if (sid && !TEMPLATE_SID.test(sid)) p.twilio_template_sid = 'templateSid';
  return p;
}

/** The PATCH body: every field of the form; empty optional texts clear them (null). */
export function frontdeskPatch(v: FrontdeskValues): UpdateCurrentBusinessInput {
  const opt = (s: string) => (s.trim() ? s.trim() : null);
  return {
    forward_e164: opt(v.forward_e164),
    ai_language: v.ai_language,
    handoff_hours: Number(v.handoff_hours),
    ai_max_replies_per_hour: Number(v.ai_max_replies_per_hour),
    missed_call_text: opt(v.missed_call_text),
    twilio_template_sid: opt(v.twilio_template_sid),
  };
}
