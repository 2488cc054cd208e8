/** GET|PUT /api/business/current/users/:id/schedule: a staff member's weekly hours and time off. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { BusinessHours, StaffSchedule, TimeOff } from '@/types/api';

const url = (userId: number) => `/api/business/current/users/${userId}/schedule`;

export const useStaffSchedule = (userId: number | null) =>
  useQuery({
    queryKey: queryKeys.services.schedule(userId ?? 0),
    queryFn: ({ signal }) => api.get<StaffSchedule>(url(userId ?? 0), { signal }),
    enabled: userId !== null,
  });

/** `work_hours: null` goes back to the business's hours. */
export type StaffScheduleInput = { userId: number; work_hours: BusinessHours | null; time_off: TimeOff[] };

export const useSaveStaffSchedule = (onSuccess?: () => void) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, ...body }: StaffScheduleInput) => api.put<StaffSchedule>(url(userId), body),
    meta: { inlineError: true },
    onSuccess: (saved) => {
      qc.setQueryData(queryKeys.services.schedule(saved.user_id), saved);
      // Free slots follow staff hours.
      void qc.invalidateQueries({ queryKey: queryKeys.appointments.all });
      onSuccess?.();
    },
  });
};
