import '@/i18n/appointments';
import { Button, Group, NativeSelect, Select, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { LazyModal } from '@/components/ui/lazy-modal';
import { notifySuccess } from '@/lib/notify';
import { formatPhone } from '@/lib/format';
import type { Appointment, Service } from '@/types/api';
import { alternativesOf, useBookAppointment, useLeadSearch } from '../api/appointments';
import { clock, localDay, wallMinutes } from '../lib/calendar-grid';
import { SlotPicker, type Chosen } from './slot-picker';
import { SlotAlternatives } from './slot-alternatives';

export type StaffMember = { id: number; name: string };
/** What the dialog opens with: a day, maybe a time (a clicked cell), a staff member, a lead. */
export type BookingStart = {
  day: string;
  minutes?: number;
  staffId?: number | null;
  lead?: { id: number; name: string } | null;
};

function LeadSearch({ onPick }: { onPick: (lead: { id: number; name: string }) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const found = useLeadSearch(q);
  const data = (found.data?.items ?? []).map((l) => ({
    value: String(l.id),
    label: `${[l.first_name, l.last_name].filter(Boolean).join(' ') || formatPhone(l.phone_e164)}${
      l.phone_e164 ? ` · ${formatPhone(l.phone_e164)}` : ''
    }`,
  }));
  return (
    <Select
      label={t('appointments.lead')}
      placeholder={t('appointments.searchLead')}
      searchable
      searchValue={q}
      onSearchChange={setQ}
      data={data}
      filter={({ options }) => options}
      nothingFoundMessage={q.trim() ? t('appointments.noLeads') : undefined}
      onChange={(v) => {
        const hit = found.data?.items.find((l) => String(l.id) === v);
        if (hit) onPick({ id: hit.id, name: [hit.first_name, hit.last_name].filter(Boolean).join(' ') });
      }}
      comboboxProps={{ withinPortal: true }}
      required
      data-testid="booking-lead-search"
    />
  );
}

function BookingForm({
  start,
  services,
  staff,
  tz,
  onDone,
}: {
  start: BookingStart;
  services: Service[];
  staff: StaffMember[];
  tz: string;
  onDone: (a: Appointment) => void;
}) {
  const { t } = useTranslation();
  const active = services.filter((s) => s.active);
  const [lead, setLead] = useState(start.lead ?? null);
  const [serviceId, setServiceId] = useState<number | null>(active.length === 1 ? active[0]!.id : null);
  const [staffId, setStaffId] = useState<number | null>(start.staffId ?? null);
  const [day, setDay] = useState(start.day);
  const [picked, setPicked] = useState<Chosen | null>(null);
  const [note, setNote] = useState('');
  const book = useBookAppointment((a) => {
    notifySuccess(t('appointments.booked'));
    onDone(a);
  });
  // The clicked cell's time, until another is chosen (offered only if free).
  const [wanted, setWanted] = useState(start.minutes ?? null);
  const chosen: Chosen | null = picked;
  const alternatives = alternativesOf(book.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!lead || !serviceId || !chosen || book.isPending) return;
    book.mutate({
      lead_id: lead.id,
      service_id: serviceId,
      starts_at: chosen.starts_at,
      staff_user_id: chosen.staff_user_id,
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  };

  return (
    <form onSubmit={submit} data-testid="booking-form">
      <Stack gap="sm">
        {lead ? (
          <Group gap="xs" justify="space-between" wrap="nowrap">
            <Text size="sm">
              {t('appointments.lead')}:{' '}
              <b data-testid="booking-lead" dir="auto">
                {lead.name}
              </b>
            </Text>
            {!start.lead && (
              <Button size="compact-xs" variant="subtle" onClick={() => setLead(null)}>
                {t('appointments.changeLead')}
              </Button>
            )}
          </Group>
        ) : (
          <LeadSearch onPick={setLead} />
        )}
        <NativeSelect
          label={t('appointments.service')}
          value={serviceId ? String(serviceId) : ''}
          onChange={(e) => {
            setServiceId(Number(e.currentTarget.value) || null);
            setPicked(null);
          }}
          data={[
            { value: '', label: t('appointments.pickService') },
            ...active.map((s) => ({ value: String(s.id), label: `${s.name} (${s.duration_min}′)` })),
          ]}
          required
          data-testid="booking-service"
        />
        {active.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('appointments.noServices')}
          </Text>
        )}
        <NativeSelect
          label={t('appointments.staff')}
          value={staffId ? String(staffId) : ''}
          onChange={(e) => {
            setStaffId(Number(e.currentTarget.value) || null);
            setPicked(null);
          }}
          data={[
            { value: '', label: t('appointments.anyStaff') },
            ...staff.map((s) => ({ value: String(s.id), label: s.name })),
          ]}
          data-testid="booking-staff"
        />
        <SlotPicker
          serviceId={serviceId}
          staffId={staffId}
          day={day}
          onDay={(d) => {
            setDay(d);
            setPicked(null);
            setWanted(null);
          }}
          tz={tz}
          chosen={chosen}
          onChoose={(s) => {
            setPicked(s);
            setWanted(null);
          }}
          preferMinutes={wanted}
          onPreferred={setPicked}
        />
        <Textarea
          label={t('appointments.note')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          autosize
          minRows={1}
          maxRows={4}
          maxLength={2000}
          dir="auto"
          data-testid="booking-note"
        />
        {book.error && (
          <ErrorAlert error={book.error}>
            <SlotAlternatives
              slots={alternatives}
              tz={tz}
              staff={staff}
              onPick={(s) => {
                setDay(localDay(s.starts_at, tz));
                setStaffId(s.staff_user_id);
                setPicked(s);
                book.reset();
              }}
            />
          </ErrorAlert>
        )}
        {chosen && (
          <Text size="sm" data-testid="booking-summary">
            {t('appointments.chosenTime', {
              day: localDay(chosen.starts_at, tz),
              time: clock(wallMinutes(chosen.starts_at, tz)),
              staff: staff.find((s) => s.id === chosen.staff_user_id)?.name ?? '',
            })}
          </Text>
        )}
        <Group justify="flex-end">
          <Button
            type="submit"
            loading={book.isPending}
            disabled={!lead || !serviceId || !chosen}
            data-testid="booking-submit"
          >
            {t('appointments.book')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Book a lead: search them (or come with one), a service, a free time from availability, staff, a note. */
export function BookingDialog({
  start,
  onClose,
  services,
  staff,
  tz,
  onBooked,
}: {
  start: BookingStart | null;
  onClose: () => void;
  services: Service[];
  staff: StaffMember[];
  tz: string;
  onBooked?: (a: Appointment) => void;
}) {
  const { t } = useTranslation();
  return (
    <LazyModal opened={start !== null} onClose={onClose} title={t('appointments.newTitle')} size="lg">
      {start && (
        <BookingForm
          key={JSON.stringify(start)}
          start={start}
          services={services}
          staff={staff}
          tz={tz}
          onDone={(a) => {
            onBooked?.(a);
            onClose();
          }}
        />
      )}
    </LazyModal>
  );
}
