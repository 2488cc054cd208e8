/** The appointments' requests: a range for the calendar, a lead's, free slots, and the changes. */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Appointment, Availability, Lead, Page, Slot } from '@/types/api';

/** The most the server gives per page: a busy week of a dozen staff members fits. */
const PAGE_SIZE = 200;

export const getAppointments = (from: string, to: string, signal?: AbortSignal): Promise<Page<Appointment>> =>
  api.get<Page<Appointment>>('/api/appointments', { query: { from, to, page_size: PAGE_SIZE }, signal });

export const useAppointmentsInRange = (from: string, to: string) =>
  useQuery({
    ...queryOptions({
      queryKey: queryKeys.appointments.range(from, to),
      queryFn: ({ signal }) => getAppointments(from, to, signal),
    }),
    placeholderData: keepPreviousData,
  });

export const useLeadAppointments = (leadId: number) =>
  useQuery({
    queryKey: queryKeys.appointments.lead(leadId),
    queryFn: ({ signal }) =>
      api.get<Page<Appointment>>('/api/appointments', { query: { lead_id: leadId, page_size: PAGE_SIZE }, signal }),
  });

export type AvailabilityParams = { service_id: number; from: string; to: string; staff_user_id?: number };

export const useAvailability = (params: AvailabilityParams | null) =>
  useQuery({
    queryKey: queryKeys.appointments.availability(params ?? {}),
    queryFn: ({ signal }) =>
      api.get<Availability>('/api/availability', { query: params as AvailabilityParams, signal }),
    enabled: params !== null,
    placeholderData: keepPreviousData,
  });

/** Leads by name or phone, for the booking dialog's search. */
export const useLeadSearch = (q: string) =>
  useQuery({
    queryKey: [...queryKeys.leads.lists(), 'booking-search', q],
    queryFn: ({ signal }) => api.get<Page<Lead>>('/api/leads', { query: { q, page_size: 8 }, signal }),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });

/** The free slots a refused booking offers instead (409 slot_taken, 422 slot_unavailable). */
export function alternativesOf(error: unknown): Slot[] {
  if (!isApiError(error)) return [];
  const body = error.body as { alternatives?: unknown } | null | undefined;
  return Array.isArray(body?.alternatives) ? (body.alternatives as Slot[]) : [];
}

function useAppointmentMutation<I>(fn: (input: I) => Promise<Appointment>, onSuccess?: (a: Appointment) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    meta: { inlineError: true },
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: queryKeys.appointments.all });
      void qc.invalidateQueries({ queryKey: queryKeys.activities.lead(a.lead_id) });
      onSuccess?.(a);
    },
  });
}

export type NewAppointment = {
  lead_id: number;
  service_id: number;
  starts_at: string;
  staff_user_id?: number;
  note?: string;
};

export const useBookAppointment = (onSuccess?: (a: Appointment) => void) =>
  useAppointmentMutation((b: NewAppointment) => api.post<Appointment>('/api/appointments', b), onSuccess);

export type AppointmentPatch = {
  id: number;
  starts_at?: string;
  staff_user_id?: number;
  status?: 'confirmed' | 'completed' | 'no_show';
  note?: string;
};

export const useUpdateAppointment = (onSuccess?: (a: Appointment) => void) =>
  useAppointmentMutation(
    ({ id, ...body }: AppointmentPatch) => api.patch<Appointment>(`/api/appointments/${id}`, body),
    onSuccess,
  );

export const useCancelAppointment = (onSuccess?: (a: Appointment) => void) =>
  useAppointmentMutation(
    ({ id, reason }: { id: number; reason: string }) =>
      api.post<Appointment>(`/api/appointments/${id}/cancel`, reason.trim() ? { reason: reason.trim() } : {}),
    onSuccess,
  );
