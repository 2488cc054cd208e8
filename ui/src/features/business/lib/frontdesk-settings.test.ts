import { describe, expect, it } from 'vitest';
import type { CurrentBusiness } from '@/types/api';
import { frontdeskPatch, frontdeskValues, validateFrontdesk } from './frontdesk-settings';

const business = {
  forward_e164: null,
  ai_language: 'he',
  handoff_hours: 24,
  ai_max_replies_per_hour: 30,
  missed_call_text: null,
  twilio_template_sid: null,
} as unknown as CurrentBusiness;

describe('front desk settings', () => {
  it('sends every field, empty optional texts as null', () => {
    const v = frontdeskValues(business);
    expect(validateFrontdesk(v)).toEqual({});
    expect(frontdeskPatch(v)).toEqual({
      forward_e164: null,
      ai_language: 'he',
      handoff_hours: 24,
      ai_max_replies_per_hour: 30,
      missed_call_text: null,
      twilio_template_sid: null,
    });
    const sid = `HX${'a1'.repeat(16)}`;
    expect(
      frontdeskPatch({ ...v, forward_e164: ' +972501234567 ', missed_call_text: 'Sorry! ', twilio_template_sid: sid }),
    ).toMatchObject({ forward_e164: '+972501234567', missed_call_text: 'Sorry!', twilio_template_sid: sid });
  });

  it('checks the limits the server checks', () => {
    const v = frontdeskValues(business);
    expect(
      validateFrontdesk({ ...v, handoff_hours: 0, ai_max_replies_per_hour: 1001, twilio_template_sid: 'HX123' }),
    ).toEqual({
      handoff_hours: 'handoffHours',
      ai_max_replies_per_hour: 'maxReplies',
      twilio_template_sid: 'templateSid',
    });
    expect(validateFrontdesk({ ...v, handoff_hours: 720, ai_max_replies_per_hour: '' })).toEqual({
      ai_max_replies_per_hour: 'maxReplies',
    });
  });
});
