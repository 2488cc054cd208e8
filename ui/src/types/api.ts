/** Typed models of the frontdesk HTTP API: the JSON bodies it answers and accepts, field names as sent (snake_case). */

export type Role = 'system_admin' | 'owner' | 'agent';
export const ROLES: readonly Role[] = ['system_admin', 'owner', 'agent'];

export type User = {
  id: number;
  email: string;
  name: string;
  role: Role;
  tenant_id: number;
  /** Where WhatsApp alerts go (E.164); absent in older answers. */
  phone_e164?: string | null;
  notify_whatsapp?: boolean;
  notify_push?: boolean;
};

/** PATCH /api/auth/me: the caller's own profile. */
export type ProfileInput = {
  name?: string;
  phone_e164?: string | null;
  notify_whatsapp?: boolean;
  notify_push?: boolean;
};

/** GET /api/inbox/counts, for the effective business. */
export type InboxCounts = {
  /** Leads whose last message is inbound (the list's needs_reply=true). */
  needs_reply: number;
  /** Open leads assigned to me (assignee=me&open=true). */
  mine: number;
  /** Open leads without an assignee (assignee=none&open=true). */
  unassigned: number;
  /** My reminders due now or earlier, not cancelled. */
  reminders_due: number;
};

/** GET /api/business/current/assignees: who a lead can be assigned to. */
export type Assignee = { id: number; name: string; email: string; role: Role };

export type TenantSummary = { id: number; name: string; timezone?: string | null };

/** GET /api/auth/me (also the answer of impersonate and exit). */
export type Me = {
  user: User;
  impersonating: boolean;
  impersonated_tenant_id: number | null;
  /** Unix seconds; null when not impersonating. */
  impersonation_started_at: number | null;
  /**
   * The business every request acts in, as the server decides it: the
   * impersonated one while impersonating, else the user's own. Use this
   * rather than re-deriving it from the fields above.
   */
  effective_tenant_id: number;
  /** The effective business. */
  tenant: TenantSummary | null;
};

export type Page<T> = { items: T[]; total: number; page: number; page_size: number };
export type Items<T> = { items: T[] };

/** Weekdays as the API names them, Sunday first (the Israeli week). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** One open interval in local time: ["HH:MM", "HH:MM"]; "24:00" ends at midnight. */
export type HoursInterval = [string, string];
/** Open intervals per weekday (several per day allowed; `[]` = closed all day). */
export type BusinessHours = Record<Weekday, HoursInterval[]>;
export type AiLanguage = 'he' | 'en';
export type AutoAssign = 'none' | 'round_robin';

/** GET /api/business/current (and the admin's business rows). */
export type Business = {
  id: number;
  name: string;
  phone_e164: string | null;
  whatsapp_e164: string | null;
  whatsapp_instance: string | null;
  timezone: string;
  ai_auto_reply: boolean;
  default_region: string;
  created_at: string;
  updated_at: string;
  business_hours: BusinessHours;
  /** Closed days, local "YYYY-MM-DD", sorted. */
  holidays: string[];
  /** The phone a person answers (transfers, in-hours ringing). */
  forward_e164: string | null;
  ai_language: AiLanguage;
  /** 1-720: how long a person's message (or a pause) silences the AI on a lead. */
  handoff_hours: number;
  /** 1-1000 */
  ai_max_replies_per_hour: number;
  /** 0-10000: AI replies across all of the business's leads in an hour. */
  ai_max_replies_per_hour_business: number;
  missed_call_text: string | null;
  /** HX + 32 hex digits. */
  twilio_template_sid: string | null;
  auto_assign: AutoAssign;
  /** Set by the platform admin only: forward_e164 may be outside the business's country. */
  allow_international_forward: boolean;
  /** Appointment starts fall on this grid (minutes from local midnight). */
  booking_slot_step_min: number;
  booking_min_notice_min: number;
  booking_horizon_days: number;
  /** The customer is reminded this many hours before an appointment. */
  booking_reminder_hours: number;
  twilio_booking_template_sid: string | null;
  /** Up to 3 steps sent when the customer has not answered our last message ([] = off). */
  follow_ups: FollowUpStep[];
};

/** One follow-up step: sent `after_hours` (0.001-720, fractions allowed) after our last message. */
export type FollowUpStep = { after_hours: number; text: string };

/** GET/PATCH /api/business/current: the business and where it stands now, computed in its zone. */
export type CurrentBusiness = Business & {
  open_now: boolean;
  /** The next opening after now (RFC 3339); null when it never opens. */
  next_open_at: string | null;
  /** When open: the end of the current opening (RFC 3339). */
  closes_at: string | null;
};

export type Prompt = {
  calls_prompt: string;
  whatsapp_prompt: string;
  updated_at: string | null;
  updated_by: unknown;
};

export type PromptRevision = {
  id: number;
  calls_prompt: string;
  whatsapp_prompt: string;
  author: { id: number; name: string; email: string } | null;
  created_at: string;
};

export type BusinessUser = User & { disabled: boolean; created_at: string };

export type AuditEntry = {
  id: number;
  tenant_id: number | null;
  actor_user_id: number | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  details: unknown;
  ip: string | null;
  impersonating: boolean;
  created_at: string;
};

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost', 'archived'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const LEAD_SOURCES = ['manual', 'form', 'call', 'whatsapp', 'other'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export type Lead = {
  id: number;
  tenant_id: number;
  first_name: string | null;
  last_name: string | null;
  phone_e164: string | null;
  whatsapp_id: string | null;
  email: string | null;
  source: LeadSource | string;
  status: LeadStatus | string;
  notes: string | null;
  created_at: string;
  updated_at: string;
  last_activity_at: string | null;
  /** At most 20, each at most 40 characters. */
  tags: string[];
  /** Until when the AI stays silent on this lead (RFC 3339); null, or past, = it may answer. */
  ai_paused_until: string | null;
  assignee_user_id: number | null;
  last_inbound_at: string | null;
  /** The last message is inbound and nothing was sent after it. */
  needs_reply: boolean;
  /** The conversation's latest message (a preview), for the conversation list. */
  last_message: LastMessage | null;
};

export type LastMessage = {
  /** At most 200 characters. */
  body: string;
  direction: 'in' | 'out';
  is_ai: boolean;
  status: string | null;
  at: string;
};

/** A business's canned reply; the body may hold {{first_name}}, {{business_name}}, {{next_open}}, {{my_name}}. */
export type CannedReply = {
  id: number;
  shortcut: string;
  body: string;
  created_at: string;
  updated_at: string;
};

/**
 * POST /api/leads/import. Rows are numbered from 1 at the first line after
 * the header (blank lines are skipped and not counted).
 */
export type LeadImportDuplicate = {
  row: number;
  /** The existing lead; null in a dry run when the row repeats an earlier row that creates a lead. */
  lead_id: number | null;
};
/** One failing field of a row (a row may be listed once per field); `field` is the column name, or `row`. */
export type LeadImportInvalid = { row: number; field: string; message: string };
export type LeadImportResult = {
  dry_run: boolean;
  /** Data rows in the file. */
  rows: number;
  /** New leads (to be) created. */
  created: number;
  /** Existing leads (to be) completed: a duplicate only fills their empty fields. */
  updated: number;
  duplicates: LeadImportDuplicate[];
  invalid: LeadImportInvalid[];
};

export type TranscriptLine = { speaker: 'caller' | 'agent' | string; text: string };
/** `data` of a `call` activity. A finished AI call: `{call_id, status, duration_s, transcript, dtmf, ended_by}`. */
export type CallData = {
  transcript?: TranscriptLine[];
  duration_s?: number;
  status?: 'completed' | 'missed' | 'failed' | string;
  dtmf?: string[];
  ended_by?: string;
  /** Who took the call: a person (dialled or transferred), the AI, or a voicemail. */
  answered_by?: 'person' | 'ai' | 'voicemail' | string;
  /** How quickly the AI answered: the caller's end of speech to its first audio, in ms. */
  turn_latency_ms?: TurnLatency;
  /** `outbound`: a callback a reminder asked for. */
  direction?: 'inbound' | 'outbound' | string;
  /** A callback's outcome: person, machine, no_answer, busy or failed. */
  outcome?: string;
};

export type TurnLatency = { median: number; max: number; turns: number };

export const MESSAGE_STATUSES = ['pending', 'queued', 'sent', 'delivered', 'read', 'failed', 'received'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** `data` of an `ai_action` activity: the tool the AI called, with what and what came of it. */
export type AiActionData = {
  tool: string;
  arguments: unknown;
  /** `{error: "..."}` when the action was refused. */
  result: unknown;
  channel: 'whatsapp' | 'call' | string;
};

export type Activity = {
  id: number;
  tenant_id: number;
  lead_id: number;
  kind: string;
  body: string | null;
  data: unknown;
  /** null on AI entries (`ai_action`, `ai_reply`) and other automatic ones. */
  actor_user_id: number | null;
  actor_name: string | null;
  /** Written by the platform admin inside this business. */
  impersonating: boolean;
  created_at: string;
  /** Messages (`message_in`, `message_out`, `ai_reply`): where the message stands now; null on other kinds. */
  message_status: MessageStatus | string | null;
  /** Why it failed: a text or the provider's code. */
  message_error: string | null;
};

export type ReminderStatus = 'pending' | 'fired' | 'failed' | 'cancelled';
export type Reminder = {
  id: number;
  tenant_id: number;
  lead_id: number;
  assignee_user_id: number | null;
  created_by: number | null;
  due_at: string;
  note: string | null;
  status: ReminderStatus | string;
  attempts: number;
  last_error: string | null;
  fired_at: string | null;
  created_at: string;
  /** When due, the AI calls the lead (in business hours). */
  call: boolean;
  /** How that call went: person, machine, no_answer, busy or failed. */
  call_outcome: 'person' | 'machine' | 'no_answer' | 'busy' | 'failed' | string | null;
};

export type AppNotification = {
  id: number;
  tenant_id: number;
  user_id: number;
  kind: string;
  title: string;
  body: string | null;
  lead_id: number | null;
  reminder_id: number | null;
  read_at: string | null;
  created_at: string;
};

/** A WhatsApp message (in `lead.message_*` events and the timeline's `message_id`). */
export type Message = {
  id: number;
  tenant_id: number;
  lead_id: number;
  direction: 'in' | 'out' | string;
  provider: string;
  provider_message_id: string | null;
  body: string;
  media: unknown;
  status: 'pending' | 'sent' | 'failed' | 'received' | string;
  /** Why a send failed, in plain words. */
  error_code: string | null;
  is_ai: boolean;
  created_at: string;
};

export type NotificationsPage = Page<AppNotification> & { unread: number };

/** Query parameters of the list endpoints (also part of their react-query keys, see lib/query-keys.ts). */
export type LeadsParams = {
  q?: string;
  status?: string;
  source?: string;
  tag?: string;
  page?: number;
  page_size?: number;
  /** `true`: waiting for a reply, oldest first. */
  needs_reply?: boolean;
  /** `me`, `none` or a user id. */
  assignee?: string;
  /** `true`: not won, lost or archived. */
  open?: boolean;
};
/** The filters of GET /api/leads/export.csv: those of the lead list, without paging. */
export type LeadsExportParams = Pick<LeadsParams, 'q' | 'status' | 'source' | 'tag'>;
export type MyRemindersParams = { status?: string; due_before?: string };
export type NotificationsParams = { page?: number; page_size?: number };
export type BusinessesParams = { page?: number; page_size?: number; q?: string };
export type AdminAuditParams = { tenant_id?: string; action?: string; page?: number };
export type BusinessAuditParams = { page?: number; action?: string };

/** GET /api/services: what the business books. `price` in agorot (1/100 shekel). */
export type Service = {
  id: number;
  name: string;
  duration_min: number;
  price: number | null;
  buffer_before_min: number;
  buffer_after_min: number;
  /** Who gives it; empty = every staff member with hours. */
  staff_user_ids: number[];
  active: boolean;
  created_at: string;
  updated_at: string;
};

export const APPOINTMENT_STATUSES = ['booked', 'confirmed', 'completed', 'no_show', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export type Appointment = {
  id: number;
  lead_id: number;
  lead_name: string;
  service_id: number;
  service_name: string;
  staff_user_id: number;
  staff_name: string;
  starts_at: string;
  ends_at: string;
  status: AppointmentStatus;
  note: string;
  booked_by: 'person' | 'ai' | 'customer' | string;
  booked_by_user_id: number | null;
  cancel_reason: string | null;
  created_at: string;
  updated_at: string;
};

/** One free slot of GET /api/availability. */
export type Slot = { starts_at: string; ends_at: string; staff_user_id: number };
export type Availability = { time_zone: string; slots: Slot[] };

export type TimeOff = { starts_at: string; ends_at: string; note?: string };
/** GET|PUT /api/business/current/users/:id/schedule. */
export type StaffSchedule = {
  user_id: number;
  work_hours: BusinessHours;
  uses_business_hours: boolean;
  time_off: TimeOff[];
};

/** First-response times of one kind of reply, in seconds (null when `count` is 0). */
export type ResponseTimes = { median_s: number | null; p90_s: number | null; count: number };

/** GET /api/dashboard?from&to: days (YYYY-MM-DD) in the business's time zone, both included. */
export type Dashboard = {
  time_zone: string;
  leads_by_source: Record<string, number>;
  leads_by_day: { date: string; source: string; count: number }[];
  calls: { person: number; ai: number; voicemail: number; missed: number };
  first_response: { person: ResponseTimes; ai: ResponseTimes };
  /** 0-1: conversations the AI answered with no person replying and no handoff. */
  ai_handled_share: number;
  appointments: {
    booked_by_ai: number;
    booked_by_staff: number;
    confirmed: number;
    cancelled: number;
    no_show: number;
  };
};
export type DashboardParams = { from: string; to: string };

/** A message queued for later: a person's scheduled send or a follow-up step. */
export type ScheduledMessage = {
  id: number;
  tenant_id: number;
  lead_id: number;
  kind: 'scheduled' | 'follow_up';
  step: number | null;
  text: string;
  send_at: string;
  created_by: number | null;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
  sent_at: string | null;
  last_error: string | null;
  message_id: number | null;
  created_at: string;
};
