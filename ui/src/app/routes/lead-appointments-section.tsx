import { paths } from '@/config/paths';
import { useTimezone } from '@/lib/auth';
import { leadDisplayName } from '@/lib/format';
import type { Lead } from '@/types/api';
import { LeadAppointments } from '@/features/appointments/components/lead-appointments';
import { useServices } from '@/features/services/api/services';
import { useStaff } from './use-staff';

/** The lead page's Appointments section: the lead's appointments and Book, with the business's services and staff. */
export function AppointmentsSection({ lead }: { lead: Lead }) {
  const tz = useTimezone();
  const services = useServices();
  const staff = useStaff();
  return (
    <LeadAppointments
      lead={{ id: lead.id, name: leadDisplayName(lead) }}
      services={services.data?.items ?? []}
      staff={staff}
      tz={tz}
      leadHref={paths.lead.getHref}
    />
  );
}
