import '@/i18n/appointments';
import './services.css';
import { Badge, Button, Checkbox, Group, NumberInput, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { LazyModal } from '@/components/ui/lazy-modal';
import { PageLoader } from '@/components/ui/page-loader';
import { fieldError } from '@/lib/field-error';
import { intlLocale } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import type { Service } from '@/types/api';
import { useDeleteService, useSaveService, useServices } from '../api/services';
import { agorotToShekels, formatPrice, shekelsToAgorot } from '../lib/price';

type StaffMember = { id: number; name: string };

const num = (v: number | string, fallback = 0) => (typeof v === 'number' ? v : Number(v) || fallback);

function ServiceForm({
  service,
  staff,
  onDone,
}: {
  service: Service | null;
  staff: StaffMember[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(service?.name ?? '');
  const [duration, setDuration] = useState<number | string>(service?.duration_min ?? 30);
  const [price, setPrice] = useState(agorotToShekels(service?.price ?? null));
  const [before, setBefore] = useState<number | string>(service?.buffer_before_min ?? 0);
  const [after, setAfter] = useState<number | string>(service?.buffer_after_min ?? 0);
  const [staffIds, setStaffIds] = useState<string[]>((service?.staff_user_ids ?? []).map(String));
  const [active, setActive] = useState(service?.active ?? true);
  const save = useSaveService(() => {
    notifySuccess(t('services.saved'));
    onDone();
  });
  const agorot = shekelsToAgorot(price);
  const err = (f: string) => fieldError(save.error, f);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending || agorot === undefined || !name.trim()) return;
    save.mutate({
      ...(service ? { id: service.id } : {}),
      name: name.trim(),
      duration_min: num(duration, 30),
      price: agorot,
      buffer_before_min: num(before),
      buffer_after_min: num(after),
      staff_user_ids: staffIds.map(Number),
      active,
    });
  };
  return (
    <form onSubmit={submit} data-testid="service-form" noValidate>
      <Stack gap="sm">
        <TextInput
          label={t('services.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={200}
          required
          dir="auto"
          error={err('name')}
          data-testid="service-name"
        />
        <div className="fd-settings-grid">
          <NumberInput
            label={t('services.duration')}
            min={5}
            max={480}
            step={5}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            value={duration}
            onChange={setDuration}
            error={err('duration_min')}
            data-testid="service-duration"
          />
          <TextInput
            label={t('services.price')}
            description={t('services.priceHelp')}
            inputMode="decimal"
            leftSection={<span aria-hidden="true">₪</span>}
            value={price}
            onChange={(e) => setPrice(e.currentTarget.value)}
            error={agorot === undefined ? t('services.badPrice') : err('price')}
            dir="ltr"
            data-testid="service-price"
          />
          <NumberInput
            label={t('services.bufferBefore')}
            min={0}
            max={120}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            value={before}
            onChange={setBefore}
            error={err('buffer_before_min')}
            data-testid="service-buffer-before"
          />
          <NumberInput
            label={t('services.bufferAfter')}
            min={0}
            max={120}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            value={after}
            onChange={setAfter}
            error={err('buffer_after_min')}
            data-testid="service-buffer-after"
          />
        </div>
        <Checkbox.Group
          label={t('services.staff')}
          description={t('services.staffHelp')}
          value={staffIds}
          onChange={setStaffIds}
          error={err('staff_user_ids')}
          data-testid="service-staff"
        >
          <Group gap="md" mt={6}>
            {staff.map((s) => (
              <Checkbox key={s.id} value={String(s.id)} label={s.name} data-testid={`service-staff-${s.id}`} />
            ))}
          </Group>
        </Checkbox.Group>
        <Switch
          label={t('services.active')}
          description={t('services.activeHelp')}
          checked={active}
          onChange={(e) => setActive(e.currentTarget.checked)}
          data-testid="service-active"
        />
        {save.error && !err('name') && !err('price') && <ErrorAlert error={save.error} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            loading={save.isPending}
            disabled={!name.trim() || agorot === undefined}
            data-testid="service-save"
          >
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The business's services: name, length, price (₪), buffers, who gives it; add, edit, delete (or retire). */
export function ServicesManager({ staff }: { staff: StaffMember[] }) {
  const { t, i18n } = useTranslation();
  const services = useServices();
  const [editing, setEditing] = useState<Service | 'new' | null>(null);
  const remove = useDeleteService(() => notifySuccess(t('services.deleted')));
  const names = (ids: number[]) =>
    ids.length === 0
      ? t('services.everyone')
      : ids.map((id) => staff.find((s) => s.id === id)?.name ?? `#${id}`).join(', ');
  return (
    <Stack gap="sm" data-testid="services-manager">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('services.help')}
        </Text>
        <Button size="xs" onClick={() => setEditing('new')} data-testid="service-add">
          {t('services.add')}
        </Button>
      </Group>
      {services.isPending && <PageLoader />}
      {services.error && <ErrorAlert error={services.error} onRetry={() => void services.refetch()} />}
      {remove.error && <ErrorAlert error={remove.error} />}
      {services.data && services.data.items.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('services.none')}
        </Text>
      )}
      <ul className="fd-service-list">
        {(services.data?.items ?? []).map((s) => (
          <li key={s.id} className="fd-service-row" data-testid="service-row" data-id={s.id}>
            <div className="fd-grow">
              <Group gap="xs">
                <Text fw={600} size="sm" dir="auto">
                  {s.name}
                </Text>
                {!s.active && (
                  <Badge color="gray" variant="outline" size="sm">
                    {t('services.inactive')}
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed">
                {t('services.summary', {
                  duration: s.duration_min,
                  price: s.price === null ? t('services.noPrice') : formatPrice(s.price, intlLocale(i18n.language)),
                  before: s.buffer_before_min,
                  after: s.buffer_after_min,
                })}
              </Text>
              <Text size="xs" c="dimmed">
                {t('services.givenBy', { names: names(s.staff_user_ids) })}
              </Text>
            </div>
            <Group gap={4} wrap="nowrap">
              <Button
                size="compact-xs"
                variant="default"
                onClick={() => setEditing(s)}
                aria-label={`${t('common.edit')} ${s.name}`}
                data-testid="service-edit"
              >
                {t('common.edit')}
              </Button>
              <Button
                size="compact-xs"
                variant="subtle"
                color="red"
                onClick={() => window.confirm(t('services.confirmDelete', { name: s.name })) && remove.mutate(s.id)}
                aria-label={`${t('common.delete')} ${s.name}`}
                data-testid="service-delete"
              >
                {t('common.delete')}
              </Button>
            </Group>
          </li>
        ))}
      </ul>
      <LazyModal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('services.add') : t('services.edit')}
        size="lg"
      >
        {editing !== null && (
          <ServiceForm
            key={editing === 'new' ? 'new' : editing.id}
            service={editing === 'new' ? null : editing}
            staff={staff}
            onDone={() => setEditing(null)}
          />
        )}
      </LazyModal>
    </Stack>
  );
}
