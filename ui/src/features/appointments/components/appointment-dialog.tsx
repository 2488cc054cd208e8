import '@/i18n/appointments';
import { Anchor, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { LazyModal } from '@/components/ui/lazy-modal';
import { notifySuccess } from '@/lib/notify';
import type { Appointment } from '@/types/api';
import { alternativesOf, useCancelAppointment, useUpdateAppointment } from '../api/appointments';
import { clock, localDay, wallMinutes } from '../lib/calendar-grid';
import { AppointmentStatusBadge } from './appointment-status-badge';
import { SlotAlternatives } from './slot-alternatives';
import { SlotPicker, type Chosen } from './slot-picker';
import type { StaffMember } from './booking-dialog';

type Mode = 'view' | 'reschedule' | 'cancel';

function when(a: Appointment, tz: string): string {
  return `${localDay(a.starts_at, tz)} ${clock(wallMinutes(a.starts_at, tz))}–${clock(wallMinutes(a.ends_at, tz))}`;
}

function Details({
  appointment: a,
  tz,
  staff,
  leadHref,
  onClose,
}: {
  appointment: Appointment;
  tz: string;
  staff: StaffMember[];
  leadHref: (id: number) => string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('view');
  const [day, setDay] = useState(localDay(a.starts_at, tz));
  const [picked, setPicked] = useState<Chosen | null>(null);
  const [reason, setReason] = useState('');
  const done = (key: string) => () => {
    notifySuccess(t(key));
    setMode('view');
    setPicked(null);
  };
  const update = useUpdateAppointment(done('appointments.updated'));
  const cancel = useCancelAppointment(done('appointments.cancelled'));
  const live = a.status === 'booked' || a.status === 'confirmed';
  const busy = update.isPending || cancel.isPending;
  const setStatus = (status: 'confirmed' | 'completed' | 'no_show') => update.mutate({ id: a.id, status });

  return (
    <Stack gap="sm" data-testid="appointment-details" data-id={a.id} data-status={a.status}>
      <Group gap="xs" justify="space-between">
        <AppointmentStatusBadge status={a.status} />
        <Text size="sm" fw={600} data-testid="appointment-when">
          <bdi>{when(a, tz)}</bdi>
        </Text>
      </Group>
      <dl className="fd-dl">
        <dt>{t('appointments.lead')}</dt>
        <dd>
          <Anchor component={Link} to={leadHref(a.lead_id)} onClick={onClose} dir="auto">
            {a.lead_name}
          </Anchor>
        </dd>
        <dt>{t('appointments.service')}</dt>
        <dd dir="auto">{a.service_name}</dd>
        <dt>{t('appointments.staff')}</dt>
        <dd dir="auto">{a.staff_name}</dd>
        <dt>{t('appointments.bookedBy')}</dt>
        <dd>{t(`appointments.by.${a.booked_by}`, { defaultValue: a.booked_by })}</dd>
        {a.note && (
          <>
            <dt>{t('appointments.note')}</dt>
            <dd dir="auto">{a.note}</dd>
          </>
        )}
        {a.cancel_reason && (
          <>
            <dt>{t('appointments.cancelReason')}</dt>
            <dd dir="auto">{a.cancel_reason}</dd>
          </>
        )}
      </dl>
      {(update.error || cancel.error) && (
        <ErrorAlert error={update.error ?? cancel.error}>
          {mode === 'reschedule' && (
            <SlotAlternatives
              slots={alternativesOf(update.error)}
              tz={tz}
              staff={staff}
              onPick={(s) => {
                setDay(localDay(s.starts_at, tz));
                setPicked(s);
                update.reset();
              }}
            />
          )}
        </ErrorAlert>
      )}
      {live && mode === 'view' && (
        <Group gap="xs" data-testid="appointment-actions">
          {a.status === 'booked' && (
            <Button size="xs" onClick={() => setStatus('confirmed')} loading={busy} data-testid="appointment-confirm">
              {t('appointments.confirm')}
            </Button>
          )}
          <Button
            size="xs"
            variant="default"
            onClick={() => setMode('reschedule')}
            data-testid="appointment-reschedule"
          >
            {t('appointments.reschedule')}
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => setStatus('completed')}
            disabled={busy}
            data-testid="appointment-complete"
          >
            {t('appointments.markCompleted')}
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => setStatus('no_show')}
            disabled={busy}
            data-testid="appointment-no-show"
          >
            {t('appointments.markNoShow')}
          </Button>
          <Button
            size="xs"
            color="red"
            variant="light"
            onClick={() => setMode('cancel')}
            data-testid="appointment-cancel"
          >
            {t('appointments.cancel')}
          </Button>
        </Group>
      )}
      {mode === 'reschedule' && (
        <Stack gap="xs" data-testid="reschedule-form">
          <SlotPicker
            serviceId={a.service_id}
            staffId={null}
            day={day}
            onDay={(d) => {
              setDay(d);
              setPicked(null);
            }}
            tz={tz}
            chosen={picked}
            onChoose={setPicked}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" size="xs" onClick={() => setMode('view')}>
              {t('common.cancel')}
            </Button>
            <Button
              size="xs"
              disabled={!picked}
              loading={update.isPending}
              onClick={() =>
                picked && update.mutate({ id: a.id, starts_at: picked.starts_at, staff_user_id: picked.staff_user_id })
              }
              data-testid="reschedule-save"
            >
              {t('appointments.moveHere')}
            </Button>
          </Group>
        </Stack>
      )}
      {mode === 'cancel' && (
        <Stack gap="xs" data-testid="cancel-form">
          <Textarea
            label={t('appointments.cancelReason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
            autosize
            minRows={1}
            dir="auto"
            data-testid="cancel-reason"
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" size="xs" onClick={() => setMode('view')}>
              {t('appointments.keep')}
            </Button>
            <Button
              size="xs"
              color="red"
              loading={cancel.isPending}
              onClick={() => cancel.mutate({ id: a.id, reason })}
              data-testid="cancel-confirm"
            >
              {t('appointments.cancelIt')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}

/** One appointment: its details and, while it is live, confirm, move, complete, no-show, cancel. */
export function AppointmentDialog({
  appointment,
  onClose,
  tz,
  staff,
  leadHref,
}: {
  appointment: Appointment | null;
  onClose: () => void;
  tz: string;
  staff: StaffMember[];
  leadHref: (id: number) => string;
}) {
  const { t } = useTranslation();
  return (
    <LazyModal opened={appointment !== null} onClose={onClose} title={t('appointments.detailsTitle')} size="lg">
      {appointment && (
        <Details
          key={appointment.id}
          appointment={appointment}
          tz={tz}
          staff={staff}
          leadHref={leadHref}
          onClose={onClose}
        />
      )}
    </LazyModal>
  );
}
