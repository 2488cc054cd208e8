import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { AiLanguage, AutoAssign, BusinessHours, CurrentBusiness, FollowUpStep } from '@/types/api';

/** PATCH /api/business/current: only the fields sent change; null clears a nullable one. */
export type UpdateCurrentBusinessInput = {
  name?: string;
  timezone?: string;
  ai_auto_reply?: boolean;
  business_hours?: BusinessHours;
  holidays?: string[];
  forward_e164?: string | null;
  ai_language?: AiLanguage;
  handoff_hours?: number;
  ai_max_replies_per_hour?: number;
  ai_max_replies_per_hour_business?: number;
  missed_call_text?: string | null;
  twilio_template_sid?: string | null;
  auto_assign?: AutoAssign;
  booking_slot_step_min?: number;
  booking_min_notice_min?: number;
  booking_horizon_days?: number;
  booking_reminder_hours?: number;
  twilio_booking_template_sid?: string | null;
  /** Up to 3 steps; [] turns follow-ups off. */
  follow_ups?: FollowUpStep[];
};

export const updateCurrentBusiness = (input: UpdateCurrentBusinessInput): Promise<CurrentBusiness> =>
  api.patch<CurrentBusiness>('/api/business/current', input);

export const useUpdateCurrentBusiness = (onSuccess?: (business: CurrentBusiness) => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateCurrentBusiness,
    meta: { inlineError: true },
    onSuccess: (business) => {
      qc.setQueryData(queryKeys.business.current(), business);
      void qc.invalidateQueries({ queryKey: queryKeys.business.current() });
      // The tenant's name and timezone are part of `me`.
      void qc.invalidateQueries({ queryKey: queryKeys.auth.me() });
      onSuccess?.(business);
    },
  });
};
