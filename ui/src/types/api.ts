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

export type Business = {
  id: number;
  name: string;
  phone_e164: string | null;
  whatsapp_e164: string | null;
  whatsapp_instance: string | null;
  timezone: string;
  ai_auto_reply: boolean;
  created_at: string;
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
  assignee_user_id?: number | null;
  /** The last message is inbound: someone is waiting for an answer. */
  needs_reply?: boolean;
  last_inbound_at?: string | null;
  tags?: string[];
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
};

export type Activity = {
  id: number;
  lead_id: number;
  kind: string;
  body: string | null;
  data: unknown;
  actor_user_id: number | null;
  actor_name: string | null;
  created_at: string;
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
};

export type AppNotification = {
  id: number;
  kind: string;
  title: string;
  body: string | null;
  lead_id: number | null;
  reminder_id: number | null;
  read_at: string | null;
  created_at: string;
};

export type NotificationsPage = Page<AppNotification> & { unread: number };

/** Query parameters of the list endpoints (also part of their react-query keys, see lib/query-keys.ts). */
export type LeadsParams = {
  q?: string;
  status?: string;
  source?: string;
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
export type LeadsExportParams = Pick<LeadsParams, 'q' | 'status' | 'source'>;
export type MyRemindersParams = { status?: string; due_before?: string };
export type NotificationsParams = { page?: number; page_size?: number };
export type BusinessesParams = { page?: number; page_size?: number; q?: string };
export type AdminAuditParams = { tenant_id?: string; action?: string; page?: number };
export type BusinessAuditParams = { page?: number; action?: string };
