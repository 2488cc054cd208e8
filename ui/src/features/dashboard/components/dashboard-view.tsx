import '@mantine/charts/styles.css';
import './dashboard.css';
import { BarChart, DonutChart } from '@mantine/charts';
import { Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LEAD_SOURCES, type Dashboard } from '@/types/api';
import { byDay, duration, type DayRange } from '../lib/range';

const SOURCE_COLORS: Record<string, string> = {
  whatsapp: 'teal.6',
  call: 'blue.6',
  form: 'grape.6',
  manual: 'orange.6',
  other: 'gray.6',
};

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Title order={2} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/**
 * The dashboard's charts. In Hebrew the charts read right to left: the day
 * axis runs from the right and the counts sit on the right. Each chart has a
 * plain-text summary for screen readers.
 */
export function DashboardView({ data, range }: { data: Dashboard; range: DayRange }) {
  const { t, i18n } = useTranslation();
  const rtl = i18n.dir() === 'rtl';
  const units = { s: t('dashboard.units.s'), min: t('dashboard.units.min'), h: t('dashboard.units.h') };
  const sources = LEAD_SOURCES.filter((s) => (data.leads_by_source[s] ?? 0) > 0);
  const days = byDay(range, data.leads_by_day, sources);
  const total = Object.values(data.leads_by_source).reduce((a, b) => a + b, 0);
  const sourceLabel = (s: string) => t(`leadSource.${s}`, { defaultValue: s });
  const summary = (entries: [string, number][]) => entries.map(([k, v]) => `${k}: ${v}`).join(', ');
  const axes = {
    xAxisProps: { reversed: rtl },
    yAxisProps: { orientation: rtl ? ('right' as const) : ('left' as const), allowDecimals: false },
  };
  const calls: [string, number][] = [
    [t('dashboard.calls.person'), data.calls.person],
    [t('dashboard.calls.ai'), data.calls.ai],
    [t('dashboard.calls.voicemail'), data.calls.voicemail],
    [t('dashboard.calls.missed'), data.calls.missed],
  ];
  const fr = data.first_response;

  return (
    <Stack gap="md">
      <div className="fd-dash-stats">
        <Stat label={t('dashboard.newLeads')} value={String(total)} testId="dashboard-total-leads" />
        <Stat
          label={t('dashboard.aiHandled')}
          value={`${Math.round(data.ai_handled_share * 100)}%`}
          testId="dashboard-ai-share"
        />
        <Stat label={t('dashboard.missedCalls')} value={String(data.calls.missed)} testId="dashboard-missed" />
        <Stat
          label={t('dashboard.booked')}
          value={String(data.appointments.booked_by_ai + data.appointments.booked_by_staff)}
        />
      </div>

      <Section title={t('dashboard.leadsByDay')} testId="dashboard-leads-by-day">
        <figure className="fd-chart" aria-label={t('dashboard.leadsByDay')}>
          <BarChart
            h={260}
            data={days}
            dataKey="date"
            type="stacked"
            series={sources.map((s) => ({ name: s, label: sourceLabel(s), color: SOURCE_COLORS[s] ?? 'gray.6' }))}
            withLegend
            tickLine="none"
            {...axes}
          />
          <figcaption className="fd-visually-hidden">
            {summary(Object.entries(data.leads_by_source).map(([s, n]) => [sourceLabel(s), n]))}
          </figcaption>
        </figure>
      </Section>

      <div className="fd-dash-pair">
        <Section title={t('dashboard.leadsBySource')} testId="dashboard-leads-by-source">
          {total === 0 ? (
            <Text c="dimmed">{t('dashboard.none')}</Text>
          ) : (
            <figure className="fd-chart" aria-label={t('dashboard.leadsBySource')}>
              <DonutChart
                mx="auto"
                withLabelsLine
                withLabels
                data={sources.map((s) => ({
                  name: sourceLabel(s),
                  value: data.leads_by_source[s] ?? 0,
                  color: SOURCE_COLORS[s] ?? 'gray.6',
                }))}
              />
              <figcaption>
                <Text size="sm" ta="center">
                  {summary(sources.map((s) => [sourceLabel(s), data.leads_by_source[s] ?? 0]))}
                </Text>
              </figcaption>
            </figure>
          )}
        </Section>
        <Section title={t('dashboard.calls.title')} testId="dashboard-calls">
          <figure className="fd-chart" aria-label={t('dashboard.calls.title')}>
            <BarChart
              h={220}
              data={calls.map(([name, count]) => ({ name, count }))}
              dataKey="name"
              series={[{ name: 'count', label: t('dashboard.calls.count'), color: 'blue.6' }]}
              tickLine="none"
              {...axes}
            />
            <figcaption className="fd-visually-hidden">{summary(calls)}</figcaption>
          </figure>
        </Section>
      </div>

      <div className="fd-dash-pair">
        <Section title={t('dashboard.firstResponse')} testId="dashboard-first-response">
          <div className="fd-dash-two">
            <Stat label={t('dashboard.personMedian')} value={duration(fr.person.median_s, units)} />
            <Stat label={t('dashboard.personP90')} value={duration(fr.person.p90_s, units)} />
            <Stat label={t('dashboard.aiMedian')} value={duration(fr.ai.median_s, units)} />
            <Stat label={t('dashboard.aiP90')} value={duration(fr.ai.p90_s, units)} />
          </div>
          <Text size="sm" c="dimmed" mt="xs">
            {t('dashboard.conversations', { person: fr.person.count, ai: fr.ai.count })}
          </Text>
        </Section>
        <Section title={t('dashboard.appointments.title')} testId="dashboard-appointments">
          <div className="fd-dash-three">
            <Stat label={t('dashboard.appointments.byAi')} value={String(data.appointments.booked_by_ai)} />
            <Stat label={t('dashboard.appointments.byStaff')} value={String(data.appointments.booked_by_staff)} />
            <Stat label={t('dashboard.appointments.confirmed')} value={String(data.appointments.confirmed)} />
            <Stat label={t('dashboard.appointments.cancelled')} value={String(data.appointments.cancelled)} />
            <Stat label={t('dashboard.appointments.noShow')} value={String(data.appointments.no_show)} />
          </div>
        </Section>
      </div>
    </Stack>
  );
}
