import { Group, Paper, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { useCurrentBusiness } from '@/features/business/api/get-current-business';
import { useDashboard } from '@/features/dashboard/api/get-dashboard';
import { DashboardView } from '@/features/dashboard/components/dashboard-view';
import { presetRange, validRange, type DayRange, type Preset } from '@/features/dashboard/lib/range';

/** The owner's dashboard: a range of days in the business's time zone, and its charts. */
export function Component() {
  const { t } = useTranslation();
  const business = useCurrentBusiness();
  const zone = business.data?.timezone ?? 'Asia/Jerusalem';
  const [preset, setPreset] = useState<Preset>('last30');
  const [custom, setCustom] = useState<DayRange>(() => presetRange('last30', zone));
  const range = preset === 'custom' ? custom : presetRange(preset, zone);
  const valid = validRange(range);
  const dashboard = useDashboard(valid ? range : presetRange('last30', zone));

  return (
    <Stack gap="md">
      <PageHeader title={t('dashboard.title')} />
      <Paper withBorder p="sm">
        <Stack gap="xs">
          <SegmentedControl
            fullWidth
            size="xs"
            aria-label={t('dashboard.range')}
            value={preset}
            onChange={(v) => setPreset(v as Preset)}
            data={[
              { value: 'week', label: t('dashboard.presets.week') },
              { value: 'last7', label: t('dashboard.presets.last7') },
              { value: 'last30', label: t('dashboard.presets.last30') },
              { value: 'custom', label: t('dashboard.presets.custom') },
            ]}
            data-testid="dashboard-preset"
          />
          {preset === 'custom' && (
            <Group gap="sm" align="flex-end">
              <TextInput
                type="date"
                label={t('dashboard.from')}
                value={custom.from}
                onChange={(e) => setCustom((r) => ({ ...r, from: e.currentTarget.value }))}
                data-testid="dashboard-from"
              />
              <TextInput
                type="date"
                label={t('dashboard.to')}
                value={custom.to}
                onChange={(e) => setCustom((r) => ({ ...r, to: e.currentTarget.value }))}
                error={valid ? null : t('dashboard.badRange')}
                data-testid="dashboard-to"
              />
            </Group>
          )}
          <Text size="sm" c="dimmed" data-testid="dashboard-range">
            {t('dashboard.rangeLine', { from: range.from, to: range.to, zone })}
          </Text>
        </Stack>
      </Paper>
      {dashboard.isPending && <PageLoader />}
      {dashboard.error && <ErrorAlert error={dashboard.error} onRetry={() => void dashboard.refetch()} />}
      {dashboard.data && <DashboardView data={dashboard.data} range={valid ? range : presetRange('last30', zone)} />}
    </Stack>
  );
}
