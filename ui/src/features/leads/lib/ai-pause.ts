import type { Lead } from '@/types/api';

/** 1-720 hours, as the server takes them (POST /api/leads/:id/ai and handoff_hours). */
export const PAUSE_HOURS_MIN = 1;
export const PAUSE_HOURS_MAX = 720;

/**
 * Whether the AI is silent on this lead at `now` (ms), and until when. A pause
 * whose end has passed is over: the AI answers again.
 */
export function aiPause(lead: Pick<Lead, 'ai_paused_until'>, now: number): { paused: boolean; until: string | null } {
  const until = lead.ai_paused_until;
  if (!until) return { paused: false, until: null };
  const end = Date.parse(until);
  if (Number.isNaN(end) || end <= now) return { paused: false, until: null };
  return { paused: true, until };
}

export const validPauseHours = (h: unknown): h is number =>
  typeof h === 'number' && Number.isInteger(h) && h >= PAUSE_HOURS_MIN && h <= PAUSE_HOURS_MAX;
