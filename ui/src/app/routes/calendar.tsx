import '@/i18n/appointments';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageHeader } from '@/components/ui/page-header';
import { paths } from '@/config/paths';
import { useTimezone } from '@/lib/auth';
import { useCurrentBusiness } from '@/features/business/api/get-current-business';
import { useServices } from '@/features/services/api/services';
import { Calendar, type CalendarState } from '@/features/appointments/components/calendar';
import { today } from '@/features/appointments/lib/calendar-grid';
import { useStaff } from './use-staff';

const PHONE_QUERY = '(max-width: 48em)';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar page; its view, day and staff member live in the address (?view=week&date=…&staff=…). */
export function Component() {
  const { t } = useTranslation();
  const tz = useTimezone();
  const [params, setParams] = useSearchParams();
  const phone = useMediaQuery(PHONE_QUERY, window.matchMedia(PHONE_QUERY).matches, { getInitialValueInEffect: false });
  const business = useCurrentBusiness();
  const services = useServices();
  const staff = useStaff();
  const date = params.get('date') ?? '';
  const staffParam = Number(params.get('staff'));
  const state: CalendarState = {
    view: params.get('view') === 'week' ? 'week' : 'day',
    day: DAY.test(date) ? date : today(tz),
    staffId: Number.isInteger(staffParam) && staffParam > 0 ? staffParam : null,
  };
  const onState = (s: CalendarState) => {
    const next = new URLSearchParams({ view: s.view, date: s.day });
    if (s.staffId) next.set('staff', String(s.staffId));
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageHeader title={t('calendar.title')} />
      {services.error && <ErrorAlert error={services.error} onRetry={() => void services.refetch()} />}
      <Calendar
        state={state}
        onState={onState}
        staff={staff}
        services={services.data?.items ?? []}
        hours={business.data?.business_hours}
        tz={tz}
        phone={phone}
        leadHref={paths.lead.getHref}
      />
    </>
  );
}
