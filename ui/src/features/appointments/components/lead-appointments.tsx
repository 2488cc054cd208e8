import '@/i18n/appointments';
import './calendar.css';
import { Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageLoader } from '@/components/ui/page-loader';
import { useNow } from '@/hooks/use-now';
import type { Appointment, Service } from '@/types/api';
import { useLeadAppointments } from '../api/appointments';
import { clock, localDay, today, wallMinutes } from '../lib/calendar-grid';
import { AppointmentDialog } from './appointment-dialog';
import { AppointmentStatusBadge } from './appointment-status-badge';
import { BookingDialog, type BookingStart, type StaffMember } from './booking-dialog';

/** A lead's appointments (upcoming first, then the past, newest first) with Book. */
export function LeadAppointments({
  lead,
  services,
  staff,
  tz,
  leadHref,
}: {
  lead: { id: number; name: string };
  services: Service[];
  staff: StaffMember[];
  tz: string;
  leadHref: (id: number) => string;
}) {
  const { t } = useTranslation();
  const list = useLeadAppointments(lead.id);
  const [booking, setBooking] = useState<BookingStart | null>(null);
  const [openId, setOpenId] = useState<{ id: number; last: Appointment } | null>(null);
  const now = useNow(60_000);
  const items = [...(list.data?.items ?? [])];
  const upcoming = items
    .filter((a) => Date.parse(a.ends_at) >= now)
    .sort((x, y) => x.starts_at.localeCompare(y.starts_at));
  const past = items.filter((a) => Date.parse(a.ends_at) < now).sort((x, y) => y.starts_at.localeCompare(x.starts_at));
  const opened = openId ? (items.find((a) => a.id === openId.id) ?? openId.last) : null;
  return (
    <Stack gap="sm" data-testid="lead-appointments">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('appointments.leadCount', { count: items.filter((a) => a.status !== 'cancelled').length })}
        </Text>
        <Button size="xs" onClick={() => setBooking({ day: today(tz), lead })} data-testid="lead-book">
          {t('appointments.book')}
        </Button>
      </Group>
      {list.isPending && <PageLoader />}
      {list.error && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {items.length > 0 && (
        <ul className="fd-appt-list">
          {[...upcoming, ...past].map((a) => (
            <li key={a.id}>
              <button
                type="button"
                className={`fd-appt-row fd-appt-${a.status}`}
                onClick={() => setOpenId({ id: a.id, last: a })}
                data-testid="lead-appointment"
                data-id={a.id}
                data-status={a.status}
              >
                <bdi>
                  {localDay(a.starts_at, tz)} {clock(wallMinutes(a.starts_at, tz))}
                </bdi>
                <span dir="auto">{a.service_name}</span>
                <span dir="auto">· {a.staff_name}</span>
                <AppointmentStatusBadge status={a.status} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <BookingDialog start={booking} onClose={() => setBooking(null)} services={services} staff={staff} tz={tz} />
      <AppointmentDialog
        appointment={opened}
        onClose={() => setOpenId(null)}
        tz={tz}
        staff={staff}
        leadHref={leadHref}
      />
    </Stack>
  );
}
