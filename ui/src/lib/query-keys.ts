/**
 * Every react-query key of the app, in one place: queries, invalidations and
 * the live-events handler all build their keys here, never as literals.
 *
 * Keys are hierarchical and react-query matches by prefix, so each `all` (or
 * a shorter key) invalidates everything below it:
 *
 * - `leads.all` covers the lists and the details, not the activities or the
 *   reminders of a lead (those have their own roots, refreshed on their own
 *   events);
 * - `business.prompt()` also covers `business.promptHistory()` (saving the
 *   prompts adds a revision);
 * - `auth` holds the session itself (`me`): see `isTenantScoped`.
 */
import type { QueryKey } from '@tanstack/react-query';
import type {
  AdminAuditParams,
  BusinessAuditParams,
  BusinessesParams,
  DashboardParams,
  LeadsParams,
  MyRemindersParams,
  NotificationsParams,
} from '@/types/api';

const auth = ['auth'] as const;
const leads = ['leads'] as const;
const activities = ['activities'] as const;
const reminders = ['reminders'] as const;
const notifications = ['notifications'] as const;
const business = ['business'] as const;
const admin = ['admin'] as const;
const audit = ['audit'] as const;
const cannedReplies = ['canned-replies'] as const;
const inbox = ['inbox'] as const;
const appointments = ['appointments'] as const;
const services = ['services'] as const;
const dashboard = ['dashboard'] as const;
const scheduled = ['scheduled'] as const;

export const queryKeys = {
  auth: {
    all: auth,
    /** GET /api/auth/me: the session, `null` when signed out. */
    me: () => [...auth, 'me'] as const,
  },
  leads: {
    all: leads,
    lists: () => [...leads, 'list'] as const,
    list: (params: LeadsParams) => [...leads, 'list', params] as const,
    details: () => [...leads, 'detail'] as const,
    detail: (leadId: number) => [...leads, 'detail', leadId] as const,
  },
  cannedReplies: {
    all: cannedReplies,
  },
  activities: {
    all: activities,
    /** A lead's timeline. */
    lead: (leadId: number) => [...activities, leadId] as const,
  },
  reminders: {
    all: reminders,
    lead: (leadId: number) => [...reminders, 'lead', leadId] as const,
    /** The signed-in user's reminders (GET /api/reminders). */
    mine: (params: MyRemindersParams) => [...reminders, 'mine', params] as const,
  },
  notifications: {
    all: notifications,
    list: (params: NotificationsParams) => [...notifications, params] as const,
  },
  /** The effective business (/api/business/current/...). */
  business: {
    all: business,
    current: () => [...business, 'current'] as const,
    prompt: () => [...business, 'prompt'] as const,
    promptHistory: () => [...business, 'prompt', 'history'] as const,
    users: () => [...business, 'users'] as const,
    /** Who a lead can be assigned to (every role may read it). */
    assignees: () => [...business, 'assignees'] as const,
    /** The WhatsApp link through the bridge (state, QR, pairing code), refreshed on `whatsapp.status`. */
    whatsappLink: () => [...business, 'whatsapp-link'] as const,
  },
  /** The navigation's badges (GET /api/inbox/counts), refreshed on lead, message and reminder events. */
  inbox: {
    all: inbox,
    counts: () => [...inbox, 'counts'] as const,
  },
  /** Appointments and free slots (GET /api/appointments, /api/availability), refreshed on activity events. */
  appointments: {
    all: appointments,
    range: (from: string, to: string) => [...appointments, 'range', from, to] as const,
    lead: (leadId: number) => [...appointments, 'lead', leadId] as const,
    availability: (params: Record<string, string | number | undefined>) =>
      [...appointments, 'availability', params] as const,
  },
  services: {
    all: services,
    /** A staff member's hours and time off. */
    schedule: (userId: number) => [...services, 'schedule', userId] as const,
  },
  /** Platform admin (/api/admin/...). */
  admin: {
    all: admin,
    businesses: () => [...admin, 'businesses'] as const,
    businessList: (params: BusinessesParams) => [...admin, 'businesses', params] as const,
  },
  /** The owner's dashboard for a range of days. */
  dashboard: {
    all: dashboard,
    range: (params: DashboardParams) => [...dashboard, params] as const,
  },
  /** A lead's scheduled sends and follow-up steps. */
  scheduled: {
    all: scheduled,
    lead: (leadId: number) => [...scheduled, leadId] as const,
    /** Other leads that are the same person. */
    duplicates: (leadId: number) => [...scheduled, 'duplicates', leadId] as const,
  },
  audit: {
    all: audit,
    admin: (params: AdminAuditParams) => [...audit, 'admin', params] as const,
    business: (params: BusinessAuditParams) => [...audit, 'business', params] as const,
  },
};

/**
 * Every query but the session itself (`auth`): data seen through the current
 * session and effective business, to be dropped when either changes (sign-in,
 * sign-out, impersonation).
 */
export const isTenantScoped = (query: { queryKey: QueryKey }): boolean => query.queryKey[0] !== auth[0];
