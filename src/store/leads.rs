//! Leads: one per (tenant, phone) and per (tenant, WhatsApp user id).
//! Search uses the trigram FTS index (`leads_fts`), never a full scan.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params, types::Type};
use serde::Serialize;

use super::PageRequest;
use super::error::{Rule, StoreError, StoreResult, Unique, is_check, unique_key};
use super::now_sql;
use crate::domain::{LeadId, LeadSource, LeadStatus, Scope, TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Lead {
    pub id: LeadId,
    pub tenant_id: TenantId,
    pub first_name: String,
    pub last_name: String,
    pub phone_e164: Option<String>,
    pub whatsapp_id: Option<String>,
    pub email: Option<String>,
    pub source: LeadSource,
    pub status: LeadStatus,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
    pub last_activity_at: String,
    /// Until when the AI stays silent on this lead; None = it may answer.
    pub ai_paused_until: Option<String>,
    pub assignee_user_id: Option<UserId>,
    pub tags: Vec<String>,
    pub last_inbound_at: Option<String>,
    /// The last message is inbound and nothing was sent after it.
    pub needs_reply: bool,
    /// The conversation's latest message, for a chat list.
    pub last_message: Option<LastMessage>,
}

/// A preview of a lead's latest message (its first 200 characters).
#[derive(Clone, Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LastMessage {
    #[schema(max_length = 200)]
    pub body: String,
    /// `in` (from the customer) or `out` (from us).
    #[schema(pattern = "^(in|out)$")]
    pub direction: String,
    /// Written by the AI.
    pub is_ai: bool,
    /// Delivery status of an outgoing message: pending, queued, sent, delivered, read or failed.
    pub status: Option<String>,
    /// When it was sent or received (RFC 3339).
    pub at: String,
}

// Column 17 is `needs_reply`, the expression of the `leads_needs_reply` index;
// column 18 the latest message as JSON (one seek in `messages_lead`).
const COLUMNS: &str = "l.id, l.tenant_id, l.first_name, l.last_name, l.phone_e164, l.whatsapp_id, l.email, l.source, \
                       l.status, l.notes, l.created_at, l.updated_at, l.last_activity_at, l.ai_paused_until, \
                       l.assignee_user_id, l.tags, l.last_inbound_at, \
                       (l.last_inbound_at IS NOT NULL AND (l.last_outbound_at IS NULL OR l.last_outbound_at < l.last_inbound_at)), \
                       (SELECT json_object('body', substr(m.body, 1, 200), 'direction', m.direction, \
                               'is_ai', json(iif(m.is_ai, 'true', 'false')), 'status', m.status, 'at', m.created_at) \
                        FROM messages m WHERE m.lead_id = l.id ORDER BY m.id DESC LIMIT 1)";

fn from_row(r: &Row) -> rusqlite::Result<Lead> {
    Ok(Lead {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        phone_e164: r.get(4)?,
        whatsapp_id: r.get(5)?,
        email: r.get(6)?,
        source: r.get(7)?,
        status: r.get(8)?,
        notes: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        last_activity_at: r.get(12)?,
        ai_paused_until: r.get(13)?,
        assignee_user_id: r.get(14)?,
        tags: serde_json::from_str(&r.get::<_, String>(15)?).unwrap_or_default(),
        last_inbound_at: r.get(16)?,
        needs_reply: r.get(17)?,
        last_message: r.get::<_, Option<String>>(18)?.and_then(|j| serde_json::from_str(&j).ok()),
    })
}

/// A lead within `scope`; another tenant's lead is simply not found.
pub fn get(conn: &Connection, scope: Scope, id: LeadId) -> StoreResult<Option<Lead>> {
    let sql = format!("SELECT {COLUMNS} FROM leads l WHERE l.id = ?1 AND (?2 IS NULL OR l.tenant_id = ?2)");
    Ok(conn.prepare_cached(&sql)?.query_row(params![id, scope.filter()], from_row).optional()?)
}

pub struct NewLead<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone_e164: Option<&'a str>,
    pub whatsapp_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub source: LeadSource,
    pub status: LeadStatus,
    pub notes: &'a str,
    pub created_by: Option<UserId>,
}

/// A phone or WhatsApp id the tenant already has, naming the existing lead.
pub fn duplicate(key: Unique, lead_id: LeadId) -> StoreError {
    StoreError::Duplicate { key, existing_id: Some(lead_id) }
}

pub fn find_by_phone(conn: &Connection, tenant_id: TenantId, phone: &str) -> StoreResult<Option<LeadId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM leads WHERE tenant_id = ?1 AND phone_e164 = ?2")?
        .query_row(params![tenant_id, phone], |r| r.get(0))
        .optional()?)
}

pub fn find_by_whatsapp_id(conn: &Connection, tenant_id: TenantId, wa: &str) -> StoreResult<Option<LeadId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM leads WHERE tenant_id = ?1 AND whatsapp_id = ?2")?
        .query_row(params![tenant_id, wa], |r| r.get(0))
        .optional()?)
}

/// Inserts a lead into `tenant_id`; a duplicate phone or WhatsApp id becomes
/// `Duplicate` naming the existing lead.
pub fn insert(conn: &Connection, tenant_id: TenantId, l: &NewLead) -> StoreResult<LeadId> {
    let res = conn
        .prepare_cached(
            "INSERT INTO leads (tenant_id, first_name, last_name, phone_e164, whatsapp_id, email, source, status, notes,
                                created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            tenant_id,
            l.first_name,
            l.last_name,
            l.phone_e164,
            l.whatsapp_id,
            l.email,
            l.source,
            l.status,
            l.notes,
            l.created_by
        ]);
    match res {
        Ok(_) => Ok(LeadId(conn.last_insert_rowid())),
        Err(e) if unique_key(&e).is_some() => {
            let existing = match l.phone_e164 {
                Some(p) => find_by_phone(conn, tenant_id, p)?.map(|id| duplicate(Unique::LeadPhone, id)),
                None => None,
            };
            let existing = match (existing, l.whatsapp_id) {
                (None, Some(w)) => {
                    find_by_whatsapp_id(conn, tenant_id, w)?.map(|id| duplicate(Unique::LeadWhatsapp, id))
                }
                (e, _) => e,
            };
            Err(existing.unwrap_or_else(|| e.into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// For a business with `auto_assign = 'round_robin'`: the next enabled
/// agent after the one who got the last lead (by user id, wrapping around),
/// whose turn it now is (`tenants.last_auto_assignee`, kept in the data file
/// so the turn survives restarts). None for other businesses, or without agents.
pub fn next_round_robin(conn: &Connection, tenant_id: TenantId) -> StoreResult<Option<UserId>> {
    let Some((mode, last)) = conn
        .prepare_cached("SELECT auto_assign, last_auto_assignee FROM tenants WHERE id = ?1")?
        .query_row([tenant_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?)))
        .optional()?
    else {
        return Ok(None);
    };
    if mode != "round_robin" {
        return Ok(None);
    }
    let next: Option<UserId> = conn
        .prepare_cached(
            "SELECT id FROM users WHERE tenant_id = ?1 AND role = 'agent' AND disabled = 0
             ORDER BY id <= coalesce(?2, 0), id LIMIT 1",
        )?
        .query_row(params![tenant_id, last], |r| r.get(0))
        .optional()?;
    if let Some(user) = next {
        conn.prepare_cached("UPDATE tenants SET last_auto_assignee = ?2 WHERE id = ?1")?
            .execute(params![tenant_id, user])?;
    }
    Ok(next)
}

/// Sets a lead's tags (already checked).
pub fn set_tags(conn: &Connection, tenant_id: TenantId, id: LeadId, tags: &[String]) -> StoreResult<()> {
    conn.prepare_cached("UPDATE leads SET tags = ?3 WHERE id = ?1 AND tenant_id = ?2")?.execute(params![
        id,
        tenant_id,
        serde_json::Value::from(tags.to_vec()).to_string()
    ])?;
    Ok(())
}

/// A lead's fields as an import leaves them (empty ones filled).
pub struct Filled<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: Option<&'a str>,
    pub notes: &'a str,
    pub tags: &'a [String],
}

/// Writes the fields an import filled, and marks the lead active.
pub fn fill_fields(conn: &Connection, tenant_id: TenantId, id: LeadId, f: &Filled) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE leads SET first_name = ?3, last_name = ?4, email = ?5, notes = ?6, tags = ?7, updated_at = ",
        now_sql!(),
        ", last_activity_at = ",
        now_sql!(),
        " WHERE id = ?1 AND tenant_id = ?2"
    ))?
    .execute(params![
        id,
        tenant_id,
        f.first_name,
        f.last_name,
        f.email,
        f.notes,
        serde_json::Value::from(f.tags.to_vec()).to_string()
    ])?;
    Ok(())
}

/// Gives the lead to `user` (who is of the same business: the caller checked).
pub fn set_assignee(conn: &Connection, tenant_id: TenantId, id: LeadId, user: UserId) -> StoreResult<()> {
    conn.prepare_cached("UPDATE leads SET assignee_user_id = ?3 WHERE id = ?1 AND tenant_id = ?2")?
        .execute(params![id, tenant_id, user])?;
    Ok(())
}

/// Tells `user` a lead is now theirs (kind `assigned`): in-app, and through
/// the alerts the notification queues.
pub fn notify_assignee(
    conn: &Connection,
    tenant_id: TenantId,
    id: LeadId,
    user: UserId,
) -> StoreResult<super::notifications::Notification> {
    let name: String = conn
        .prepare_cached("SELECT trim(first_name || ' ' || last_name) FROM leads WHERE id = ?1 AND tenant_id = ?2")?
        .query_row(params![id, tenant_id], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    super::notifications::insert(
        conn,
        tenant_id,
        &super::notifications::NewNotification {
            user_id: user,
            kind: "assigned",
            title: &name,
            body: "",
            lead_id: Some(id),
            reminder_id: None,
        },
    )
}

/// Fields a PATCH may change; None = unchanged; Some(None) clears a nullable field.
#[derive(Default, Debug)]
pub struct LeadPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone_e164: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub source: Option<LeadSource>,
    pub status: Option<LeadStatus>,
    pub notes: Option<String>,
    pub tags: Option<Vec<String>>,
    pub assignee_user_id: Option<Option<UserId>>,
}

/// Applies `p` to a lead in `scope`, in the caller's transaction: the lead
/// before and after, or `NotFound` when it is not in scope.
pub fn update_scoped(conn: &Connection, scope: Scope, id: LeadId, p: &LeadPatch) -> StoreResult<(Lead, Lead)> {
    let before = get(conn, scope, id)?.ok_or(StoreError::NotFound("lead"))?;
    update(conn, before.tenant_id, id, p)?;
    let after = get(conn, scope, id)?.ok_or(StoreError::NotFound("lead"))?;
    Ok((before, after))
}

fn update(conn: &Connection, tenant_id: TenantId, id: LeadId, p: &LeadPatch) -> StoreResult<()> {
    let res = conn.execute(
        concat!(
            "UPDATE leads SET
            first_name = coalesce(?3, first_name),
            last_name = coalesce(?4, last_name),
            phone_e164 = CASE WHEN ?5 THEN ?6 ELSE phone_e164 END,
            email = CASE WHEN ?7 THEN ?8 ELSE email END,
            source = coalesce(?9, source),
            status = coalesce(?10, status),
            notes = coalesce(?11, notes),
            tags = coalesce(?12, tags),
            assignee_user_id = CASE WHEN ?13 THEN ?14 ELSE assignee_user_id END,
            updated_at = ",
            now_sql!(),
            ",
            last_activity_at = ",
            now_sql!(),
            " WHERE id = ?1 AND tenant_id = ?2"
        ),
        params![
            id,
            tenant_id,
            p.first_name,
            p.last_name,
            p.phone_e164.is_some(),
            p.phone_e164.clone().flatten(),
            p.email.is_some(),
            p.email.clone().flatten(),
            p.source,
            p.status,
            p.notes,
            p.tags.as_ref().map(|t| serde_json::Value::from(t.clone()).to_string()),
            p.assignee_user_id.is_some(),
            p.assignee_user_id.flatten()
        ],
    );
    match res {
        Ok(_) => Ok(()),
        Err(e) if unique_key(&e).is_some() => {
            let phone = p.phone_e164.clone().flatten().unwrap_or_default();
            Err(find_by_phone(conn, tenant_id, &phone)?
                .map(|id| duplicate(Unique::LeadPhone, id))
                .unwrap_or_else(|| e.into()))
        }
        Err(e) if is_check(&e) => Err(StoreError::Conflict(Rule::LeadNeedsContact)),
        Err(e) => Err(e.into()),
    }
}

/// Bumps last_activity_at (new activity on the lead). A lead already at this
/// millisecond (a message's trigger just set it) is not rewritten: each rewrite
/// moves the lead in every index ordered by activity.
pub fn touch(conn: &Connection, tenant_id: TenantId, id: LeadId) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE leads SET last_activity_at = ",
        now_sql!(),
        " WHERE id = ?1 AND tenant_id = ?2 AND last_activity_at <> ",
        now_sql!()
    ))?
    .execute(params![id, tenant_id])?;
    Ok(())
}

/// A change to whether the AI may answer a lead.
#[derive(Clone, Copy, Debug)]
pub enum AiPause {
    /// Silent for this many hours from now.
    For {
        hours: u32,
    },
    Resume,
}

/// Pauses or resumes the AI on a lead of `tenant_id`, with its timeline
/// entry (`reason` as the body). Resuming a lead that is not paused changes
/// nothing and records nothing (None).
pub fn set_ai_pause(
    conn: &Connection,
    tenant_id: TenantId,
    id: LeadId,
    change: AiPause,
    actor: Option<super::Actor>,
    reason: &str,
) -> StoreResult<Option<super::activities::Activity>> {
    let (until, kind) = match change {
        AiPause::For { hours } => {
            let until = time::OffsetDateTime::now_utc() + time::Duration::hours(i64::from(hours));
            (Some(crate::domain::time::format(until)), crate::domain::ActivityKind::AiPaused)
        }
        AiPause::Resume => (None, crate::domain::ActivityKind::AiResumed),
    };
    let changed = conn
        .prepare_cached(
            "UPDATE leads SET ai_paused_until = ?3
             WHERE id = ?1 AND tenant_id = ?2 AND (?3 IS NOT NULL OR ai_paused_until IS NOT NULL)",
        )?
        .execute(params![id, tenant_id, until])?;
    if changed == 0 {
        if get(conn, Scope::Tenant(tenant_id), id)?.is_none() {
            return Err(StoreError::NotFound("lead"));
        }
        return Ok(None);
    }
    let data = serde_json::json!({ "until": until });
    Ok(Some(super::activities::add(conn, tenant_id, id, kind, reason, &data, actor)?))
}

/// A person wrote to the lead (from the UI, or from the business's own
/// phone): the AI stays silent for the business's `handoff_hours`. Only the
/// start of a pause goes on the timeline, not every message of the conversation.
pub fn pause_for_takeover(
    conn: &Connection,
    tenant_id: TenantId,
    id: LeadId,
    actor: Option<super::Actor>,
    how: &str,
) -> StoreResult<Option<super::activities::Activity>> {
    let was_answering = ai_may_answer(conn, tenant_id, id)?;
    let hours = super::tenants::handoff_hours(conn, tenant_id)?;
    let activity = set_ai_pause(conn, tenant_id, id, AiPause::For { hours }, actor, how)?;
    Ok(activity.filter(|_| was_answering))
}

/// Whether the AI may answer this lead now (not paused, or the pause is over).
pub fn ai_may_answer(conn: &Connection, tenant_id: TenantId, id: LeadId) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT ai_paused_until IS NULL OR ai_paused_until <= ",
            now_sql!(),
            " FROM leads WHERE id = ?1 AND tenant_id = ?2"
        ))?
        .query_row(params![id, tenant_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// Adds one tag (at most [`crate::domain::text::TAGS_MAX`]); false when the
/// lead already had it. The caller validates the tag.
pub fn add_tag(conn: &Connection, tenant_id: TenantId, id: LeadId, tag: &str) -> StoreResult<bool> {
    let lead = get(conn, Scope::Tenant(tenant_id), id)?.ok_or(StoreError::NotFound("lead"))?;
    if lead.tags.iter().any(|t| t == tag) {
        return Ok(false);
    }
    if lead.tags.len() >= crate::domain::text::TAGS_MAX {
        return Err(StoreError::Conflict(Rule::TooManyTags));
    }
    let mut tags = lead.tags;
    tags.push(tag.to_string());
    conn.prepare_cached("UPDATE leads SET tags = ?3 WHERE id = ?1 AND tenant_id = ?2")?.execute(params![
        id,
        tenant_id,
        serde_json::Value::from(tags).to_string()
    ])?;
    Ok(true)
}

/// Deletes a lead in `scope`; false when it is not there (or not in scope).
pub fn delete(conn: &Connection, scope: Scope, id: LeadId) -> StoreResult<bool> {
    Ok(conn
        .execute("DELETE FROM leads WHERE id = ?1 AND (?2 IS NULL OR tenant_id = ?2)", params![id, scope.filter()])?
        > 0)
}

#[derive(Default, Debug)]
pub struct LeadFilter {
    pub q: Option<String>,
    pub status: Option<LeadStatus>,
    pub source: Option<LeadSource>,
    /// `true`: only conversations waiting for a reply, oldest waiting first.
    pub needs_reply: Option<bool>,
    pub assignee: Option<Assignee>,
    pub tag: Option<String>,
    /// `true`: only open leads (not won, lost or archived); `false`: only closed ones.
    pub open: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignee {
    Nobody,
    User(UserId),
}

impl LeadFilter {
    /// Only filters the per-(status, source) totals can answer.
    fn counted_by_totals(&self) -> bool {
        self.needs_reply.is_none() && self.assignee.is_none() && self.tag.is_none() && self.open.is_none()
    }
}

/// Turns a search string into an FTS5 trigram phrase, or None when it is too
/// short for trigrams (then a bounded LIKE is used). Phone-looking input is
/// reduced to digits without a national leading 0, so `052-123` finds `+97252123...`.
pub(crate) fn search_term(q: &str) -> Option<String> {
    let q = q.trim();
    let phoneish = !q.is_empty() && q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let term = if phoneish {
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        digits.trim_start_matches('0').to_string()
    } else {
        q.to_string()
    };
    if term.chars().count() < 3 {
        return None;
    }
    Some(format!("\"{}\"", term.replace('"', "\"\"")))
}

// Conditions carry no `?`; written out so the partial index's WHERE is matched.
const NEEDS_REPLY_WHERE: &str =
    "l.last_inbound_at IS NOT NULL AND (l.last_outbound_at IS NULL OR l.last_outbound_at < l.last_inbound_at)";
const NOT_NEEDS_REPLY_WHERE: &str =
    "NOT (l.last_inbound_at IS NOT NULL AND (l.last_outbound_at IS NULL OR l.last_outbound_at < l.last_inbound_at))";

/// The list's filters other than the search text, as conditions on `l`
/// (one `?` each) with their values in order; the CSV export shares them.
pub(super) fn filter_conditions(scope: Scope, f: &LeadFilter) -> (Vec<&'static str>, Vec<Box<dyn ToSql>>) {
    let mut clauses = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    if let Some(t) = scope.filter() {
        clauses.push("l.tenant_id = ?");
        args.push(Box::new(t));
    }
    if let Some(s) = f.status {
        clauses.push("l.status = ?");
        args.push(Box::new(s));
    }
    if let Some(s) = f.source {
        clauses.push("l.source = ?");
        args.push(Box::new(s));
    }
    match f.needs_reply {
        Some(true) => clauses.push(NEEDS_REPLY_WHERE),
        Some(false) => clauses.push(NOT_NEEDS_REPLY_WHERE),
        None => {}
    }
    match f.assignee {
        Some(Assignee::Nobody) => clauses.push("l.assignee_user_id IS NULL"),
        Some(Assignee::User(u)) => {
            clauses.push("l.assignee_user_id = ?");
            args.push(Box::new(u));
        }
        None => {}
    }
    if let Some(t) = &f.tag {
        clauses.push("EXISTS (SELECT 1 FROM json_each(l.tags) WHERE value = ?)");
        args.push(Box::new(t.clone()));
    }
    match f.open {
        Some(true) => clauses.push("l.status NOT IN ('won', 'lost', 'archived')"),
        Some(false) => clauses.push("l.status IN ('won', 'lost', 'archived')"),
        None => {}
    }
    (clauses, args)
}

/// How many leads in `scope` match `f` (its search text aside): the `total`
/// the list would answer, for the inbox's counts.
pub fn count_filtered(conn: &Connection, scope: Scope, f: &LeadFilter) -> StoreResult<i64> {
    let (clauses, args) = filter_conditions(scope, f);
    let sql = if clauses.is_empty() {
        "SELECT count(*) FROM leads l".to_string()
    } else {
        format!("SELECT count(*) FROM leads l WHERE {}", clauses.join(" AND "))
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params_from_iter(args.iter().map(|a| a.as_ref())), |r| r.get(0))?)
}

/// A page of leads as the JSON body `{items, total, page, page_size}`, each
/// item exactly as [`Lead`] serialises. Rows are written into the body as
/// they are read, borrowed from SQLite: no String per field, no `Lead` per row.
pub fn list_json(conn: &Connection, scope: Scope, f: &LeadFilter, page: PageRequest) -> StoreResult<Vec<u8>> {
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if let Some(term) = q.and_then(search_term) {
        return search_json(conn, scope, f, &term, page);
    }
    let (mut clauses, mut args) = filter_conditions(scope, f);
    if let Some(q) = q {
        clauses.push("(l.first_name LIKE ?1x OR l.last_name LIKE ?1x OR l.phone_e164 LIKE ?1x OR l.email LIKE ?1x)");
        args.push(Box::new(format!("%{}%", q.replace(['%', '_'], ""))));
    }
    let (sql_where, flat) = where_clause(&clauses, &args);
    let total: i64 = if q.is_some() || !f.counted_by_totals() {
        conn.prepare_cached(&format!("SELECT count(*) FROM leads l{sql_where}"))?.query_row(&flat[..], |r| r.get(0))?
    } else {
        counted_total(conn, scope, f.status, f.source)?
    };
    let (limit, offset) = (page.page_size, page.offset());
    let mut bound = flat;
    bound.push(&limit);
    bound.push(&offset);
    let sql = format!("SELECT {COLUMNS} FROM leads l{sql_where} {}", list_order(f));
    page_json(conn, &sql, &bound[..], total, page)
}

/// How many leads `scope` has with this status and source (None: any), from
/// the totals the lead triggers keep, instead of counting the leads.
fn counted_total(
    conn: &Connection,
    scope: Scope,
    status: Option<LeadStatus>,
    source: Option<LeadSource>,
) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(n), 0) FROM lead_counts
             WHERE (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR source = ?3)",
        )?
        .query_row(params![scope.filter(), status, source], |r| r.get(0))?)
}

fn list_order(f: &LeadFilter) -> &'static str {
    if f.needs_reply == Some(true) {
        "ORDER BY l.last_inbound_at, l.id LIMIT ? OFFSET ?"
    } else {
        "ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ? OFFSET ?"
    }
}

/// The conditions as ` WHERE a AND b`, with their values in `?` order. Each
/// clause has at most one `?`; the LIKE clause repeats one value, so it is expanded.
fn where_clause<'a>(clauses: &[&str], args: &'a [Box<dyn ToSql>]) -> (String, Vec<&'a dyn ToSql>) {
    let mut sql_where = String::new();
    let mut flat: Vec<&dyn ToSql> = Vec::new();
    let mut next_arg = args.iter();
    for (i, c) in clauses.iter().enumerate() {
        sql_where.push_str(if i == 0 { " WHERE " } else { " AND " });
        if c.contains("?1x") {
            sql_where.push_str(&c.replace("?1x", "?"));
            if let Some(a) = next_arg.next() {
                flat.extend(std::iter::repeat_n(a.as_ref(), 4));
            }
        } else {
            sql_where.push_str(c);
            if c.contains('?')
                && let Some(a) = next_arg.next()
            {
                flat.push(a.as_ref());
            }
        }
    }
    (sql_where, flat)
}

/// The search index's rowids of the leads in `scope`: the index keys a lead
/// by `(tenant_id << 32) | id` (schema version 5), so one business is one range.
pub(super) fn search_rowid_range(scope: Scope) -> (i64, i64) {
    match scope.filter() {
        Some(t) => (t.0 << 32, (t.0 << 32) | 0xffff_ffff),
        None => (0, i64::MAX),
    }
}

/// The ids of the leads whose text matches the FTS term `?1`, in the rowid range `?2..=?3`.
const MATCHING_LEAD_IDS: &str =
    "SELECT rowid & 4294967295 FROM leads_fts WHERE leads_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3";

/// A search page. Without other filters the matches' ids are read once from
/// the index (their number is the total), and the page is either the newest
/// matches found by walking the activity index (many matches) or the matches
/// sorted (few); a search never sorts thousands of rows nor reads the index twice.
fn search_json(conn: &Connection, scope: Scope, f: &LeadFilter, term: &str, page: PageRequest) -> StoreResult<Vec<u8>> {
    let (lo, hi) = search_rowid_range(scope);
    let (limit, offset) = (page.page_size, page.offset());
    let (clauses, args) = filter_conditions(Scope::All, f);
    if !clauses.is_empty() {
        // Other filters too: start from the matches (the range is the business),
        // then check each against the filters; no index on `l` can lead here.
        let (sql_where, flat) = where_clause(&clauses, &args);
        let rest = sql_where.replacen(" WHERE ", " AND ", 1);
        let mut bound: Vec<&dyn ToSql> = vec![&term, &lo, &hi];
        bound.extend(flat);
        let total: i64 = conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM leads_fts f JOIN leads l ON l.id = f.rowid & 4294967295
                 WHERE leads_fts MATCH ?1 AND f.rowid BETWEEN ?2 AND ?3{rest}"
            ))?
            .query_row(&bound[..], |r| r.get(0))?;
        bound.push(&limit);
        bound.push(&offset);
        let sql = format!(
            "SELECT {COLUMNS} FROM leads_fts f JOIN leads l ON l.id = f.rowid & 4294967295
             WHERE leads_fts MATCH ?1 AND f.rowid BETWEEN ?2 AND ?3{rest} {}",
            list_order(f)
        );
        return page_json(conn, &sql, &bound[..], total, page);
    }
    let mut ids: Vec<i64> = conn
        .prepare_cached(MATCHING_LEAD_IDS)?
        .query_map(params![term, lo, hi], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.sort_unstable();
    let total = ids.len() as i64;
    let wanted = offset.saturating_add(limit);
    let in_scope = counted_total(conn, scope, None, None)?;
    // Walking reads about wanted * in_scope / total index entries; sorting looks up
    // every match (several times dearer per row).
    let walk = total > 0 && (wanted as f64) * (in_scope as f64) < 5.0 * (total as f64) * (total as f64);
    let (chosen, bound_offset) = if walk {
        let walk_sql = match scope {
            Scope::Tenant(_) => "SELECT id FROM leads WHERE tenant_id = ?1 ORDER BY last_activity_at DESC, id DESC",
            Scope::All => "SELECT id FROM leads WHERE ?1 IS NULL ORDER BY last_activity_at DESC, id DESC",
        };
        let mut stmt = conn.prepare_cached(walk_sql)?;
        let mut rows = stmt.query([scope.filter()])?;
        let mut seen = 0i64;
        let mut chosen = Vec::with_capacity(limit as usize);
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if ids.binary_search(&id).is_ok() {
                seen += 1;
                if seen > offset {
                    chosen.push(id);
                    if seen >= wanted {
                        break;
                    }
                }
            }
        }
        (chosen, 0)
    } else {
        (ids, offset)
    };
    let id_list = serde_json::to_string(&chosen).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let sql = format!(
        "SELECT {COLUMNS} FROM leads l WHERE l.id IN (SELECT value FROM json_each(?1)) AND (?4 IS NULL OR l.tenant_id = ?4)
         ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ?2 OFFSET ?3"
    );
    page_json(conn, &sql, params![id_list, limit, bound_offset, scope.filter()], total, page)
}

/// Runs `sql` (which selects [`COLUMNS`]) and writes the page body.
fn page_json(
    conn: &Connection,
    sql: &str,
    bound: impl rusqlite::Params,
    total: i64,
    page: PageRequest,
) -> StoreResult<Vec<u8>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(bound)?;
    let mut out = Vec::with_capacity(512 + 400 * page.page_size as usize);
    out.extend_from_slice(b"{\"items\":[");
    let mut first = true;
    while let Some(r) = rows.next()? {
        if !first {
            out.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut out, &borrow_row(r)?).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    }
    out.extend_from_slice(
        format!("],\"total\":{total},\"page\":{},\"page_size\":{}}}", page.page, page.page_size).as_bytes(),
    );
    Ok(out)
}

/// Starts a writer group in which the search index is brought up to date
/// once, at the end ([`sync_search_index`]), instead of at every change
/// (see `search_index_mode` in schema.sql for why).
pub fn defer_search_index(tx: &Connection) -> StoreResult<()> {
    tx.prepare_cached("UPDATE search_index_mode SET deferred = 1 WHERE id = 1")?.execute([])?;
    Ok(())
}

/// Indexes every lead the group created or renamed, and ends the deferral.
/// Runs in the group's transaction just before COMMIT, outside any request's
/// savepoint, so FTS5 writes one segment for the whole group.
pub fn sync_search_index(tx: &Connection) -> StoreResult<()> {
    let noted: bool =
        tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM search_index_pending)")?.query_row([], |r| r.get(0))?;
    if noted {
        index_noted_leads(tx)?;
    }
    tx.prepare_cached("UPDATE search_index_mode SET deferred = 0 WHERE id = 1")?.execute([])?;
    Ok(())
}

/// Re-indexes the leads noted in `search_index_pending` and clears the notes.
fn index_noted_leads(tx: &Connection) -> StoreResult<()> {
    let stale: Vec<i64> = tx
        .prepare_cached("SELECT lead_id FROM search_index_pending WHERE is_new = 0")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut unindex = tx.prepare_cached(
        "DELETE FROM leads_fts WHERE rowid = (SELECT (tenant_id << 32) | id FROM leads WHERE id = ?1)",
    )?;
    for id in stale {
        unindex.execute([id])?;
    }
    tx.prepare_cached(
        "INSERT INTO leads_fts (rowid, text)
         SELECT (l.tenant_id << 32) | l.id, l.first_name || ' ' || l.last_name || ' ' || coalesce(l.phone_e164, '') || ' '
                      || coalesce(l.whatsapp_id, '') || ' ' || coalesce(l.email, '')
         FROM search_index_pending p JOIN leads l ON l.id = p.lead_id",
    )?
    .execute([])?;
    tx.prepare_cached("DELETE FROM search_index_pending")?.execute([])?;
    Ok(())
}

/// [`Lead`]'s JSON shape over borrowed row data (same fields, same order).
#[derive(Serialize)]
struct LeadRef<'a> {
    id: i64,
    tenant_id: i64,
    first_name: &'a str,
    last_name: &'a str,
    phone_e164: Option<&'a str>,
    whatsapp_id: Option<&'a str>,
    email: Option<&'a str>,
    source: &'a str,
    status: &'a str,
    notes: &'a str,
    created_at: &'a str,
    updated_at: &'a str,
    last_activity_at: &'a str,
    ai_paused_until: Option<&'a str>,
    assignee_user_id: Option<i64>,
    tags: &'a serde_json::value::RawValue,
    last_inbound_at: Option<&'a str>,
    needs_reply: bool,
    last_message: Option<&'a serde_json::value::RawValue>,
}

fn text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn opt_text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn borrow_row<'r>(r: &'r Row<'_>) -> rusqlite::Result<LeadRef<'r>> {
    Ok(LeadRef {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        first_name: text(r, 2)?,
        last_name: text(r, 3)?,
        phone_e164: opt_text(r, 4)?,
        whatsapp_id: opt_text(r, 5)?,
        email: opt_text(r, 6)?,
        source: text(r, 7)?,
        status: text(r, 8)?,
        notes: text(r, 9)?,
        created_at: text(r, 10)?,
        updated_at: text(r, 11)?,
        last_activity_at: text(r, 12)?,
        ai_paused_until: opt_text(r, 13)?,
        assignee_user_id: r.get(14)?,
        tags: serde_json::from_str(text(r, 15)?)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(15, Type::Text, Box::new(e)))?,
        last_inbound_at: opt_text(r, 16)?,
        needs_reply: r.get(17)?,
        last_message: opt_text(r, 18)?
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(18, Type::Text, Box::new(e)))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn matches(db: &Db, term: &str) -> Vec<i64> {
        db.write_blocking(|c| -> StoreResult<Vec<i64>> {
            Ok(c.prepare("SELECT rowid & 4294967295 FROM leads_fts WHERE leads_fts MATCH ?1 ORDER BY rowid")?
                .query_map([term], |r| r.get(0))?
                .collect::<Result<_, _>>()?)
        })
        .unwrap()
    }

    /// Writes through the writer are indexed at the end of their group (a
    /// failed write leaves nothing behind); writes by any other connection
    /// are indexed at once, because the deferral is never committed.
    #[test]
    fn the_search_index_follows_group_writes_and_outside_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let db = Db::open(&path).unwrap();
        db.write_blocking(|tx| -> StoreResult<_> {
            tx.execute_batch("INSERT INTO tenants (id, name) VALUES (1, 't')")?;
            Ok(())
        })
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let add = |name: &'static str, phone: &'static str, fail: bool| {
                let db = db.clone();
                async move {
                    db.write(move |tx| -> StoreResult<()> {
                        tx.execute(
                            "INSERT INTO leads (tenant_id, first_name, phone_e164, source) VALUES (1, ?1, ?2, 'manual')",
                            params![name, phone],
                        )?;
                        if fail {
                            return Err(StoreError::NotFound("a failing write"));
                        }
                        Ok(())
                    })
                    .await
                }
            };
            let (a, b, c) = tokio::join!(
                add("Zehava", "+972521000001", false),
                add("Zalman", "+972521000002", true),
                add("Zipora", "+972521000003", false)
            );
            assert!(a.is_ok() && b.is_err() && c.is_ok());
            db.write(|tx| -> StoreResult<()> {
                tx.execute("UPDATE leads SET first_name = 'Yardena' WHERE first_name = 'Zehava'", [])?;
                Ok(())
            })
            .await
            .unwrap();
        });
        assert_eq!(matches(&db, "\"Zipora\"").len(), 1);
        assert!(matches(&db, "\"Zalman\"").is_empty(), "a rolled-back write left an index entry");
        assert!(matches(&db, "\"Zehava\"").is_empty(), "the old name is still indexed");
        assert_eq!(matches(&db, "\"Yardena\"").len(), 1);
        let other = rusqlite::Connection::open(&path).unwrap();
        let (deferred, pending): (i64, i64) = other
            .query_row(
                "SELECT (SELECT deferred FROM search_index_mode), (SELECT count(*) FROM search_index_pending)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((deferred, pending), (0, 0));
        other
            .execute("INSERT INTO leads (tenant_id, first_name, phone_e164, source) VALUES (1, 'Tehila', '+972539999999', 'manual')", [])
            .unwrap();
        assert_eq!(matches(&db, "\"Tehila\"").len(), 1);
    }

    /// The list's hand-written body must stay what serialising `Lead`s gives.
    #[test]
    fn the_streamed_list_body_is_the_lead_json_of_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("l.db")).unwrap();
        db.write_blocking(|tx| -> StoreResult<_> {
            tx.execute_batch(
                "INSERT INTO tenants (id, name) VALUES (1, 't');
                 INSERT INTO leads (tenant_id, first_name, last_name, phone_e164, email, source, notes)
                     VALUES (1, 'דנה \"ד\"', 'לוי\\', '+972521111111', 'd@example.com', 'manual', 'line1
line2');
                 INSERT INTO leads (tenant_id, first_name, whatsapp_id, source, status)
                     VALUES (1, 'x', 'wa-user', 'whatsapp', 'contacted');",
            )?;
            Ok(())
        })
        .unwrap();
        let page = PageRequest::new(Some(1), Some(10), 25);
        let body = db.write_blocking(|c| list_json(c, Scope::All, &LeadFilter::default(), page)).unwrap();
        let got: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let want = db
            .write_blocking(|c| -> StoreResult<_> {
                let ids: Vec<i64> =
                    got["items"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
                let leads = ids
                    .iter()
                    .map(|id| get(c, Scope::All, LeadId(*id)).map(Option::unwrap))
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(serde_json::to_value(page.wrap(leads, 2)).unwrap())
            })
            .unwrap();
        assert_eq!(got, want);
        assert_eq!(got["items"].as_array().unwrap().len(), 2);
    }

    /// Every way a search page can be made (walking the activity index for a
    /// common term, sorting the matches of a rare one, other filters on top)
    /// answers what a plain scan in the business would, page by page.
    #[test]
    fn search_pages_match_a_plain_scan_in_the_business() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("q.db")).unwrap();
        db.write_blocking(|tx| -> StoreResult<_> {
            tx.execute_batch("INSERT INTO tenants (id, name) VALUES (1, 'a'), (2, 'b')")?;
            let names = ["Dana", "Yossi", "Noa", "Avi"];
            for i in 0..400i64 {
                let tenant = 1 + i % 2;
                let status = if i % 3 == 0 { "contacted" } else { "new" };
                tx.execute(
                    "INSERT INTO leads (tenant_id, first_name, last_name, phone_e164, source, status, last_activity_at)
                     VALUES (?1, ?2, ?3, ?4, 'form', ?5, ?6)",
                    params![
                        tenant,
                        names[(i % 4) as usize],
                        format!("Levi{i}"),
                        format!("+9725200{i:05}"),
                        status,
                        format!("2026-01-01T00:{:02}:{:02}.000Z", (i * 7919) % 60, i % 60)
                    ],
                )?;
            }
            Ok(())
        })
        .unwrap();
        let ids = |body: Vec<u8>| -> (Vec<i64>, i64) {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let ids = v["items"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
            (ids, v["total"].as_i64().unwrap())
        };
        let cases: [(&str, Option<LeadStatus>); 5] = [
            ("Dana", None),
            ("Levi1", None),
            ("Levi123", None),
            ("Dana", Some(LeadStatus::Contacted)),
            ("Nobody", None),
        ];
        for scope in [Scope::Tenant(TenantId(1)), Scope::Tenant(TenantId(2)), Scope::All] {
            for (q, status) in cases {
                let like = format!("%{q}%");
                let want: Vec<i64> = db
                    .write_blocking(|c| -> StoreResult<_> {
                        Ok(c.prepare(
                            "SELECT id FROM leads WHERE (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR status = ?2)
                             AND (first_name LIKE ?3 OR last_name LIKE ?3) ORDER BY last_activity_at DESC, id DESC",
                        )?
                        .query_map(params![scope.filter(), status, like], |r| r.get(0))?
                        .collect::<Result<_, _>>()?)
                    })
                    .unwrap();
                for (page, size) in [(1, 50), (2, 7), (3, 20), (40, 50)] {
                    let f = LeadFilter { q: Some(q.to_string()), status, ..Default::default() };
                    let p = PageRequest::new(Some(page), Some(size), 25);
                    let (got, total) = ids(db.write_blocking(|c| list_json(c, scope, &f, p)).unwrap());
                    let expect: Vec<i64> = want.iter().copied().skip(p.offset() as usize).take(size as usize).collect();
                    assert_eq!(
                        (got, total),
                        (expect, want.len() as i64),
                        "{scope:?} q={q} {status:?} page {page}/{size}"
                    );
                }
            }
        }
    }

    #[test]
    fn search_terms_for_phones_drop_formatting_and_the_national_zero() {
        assert_eq!(search_term("052-123").as_deref(), Some("\"52123\""));
        assert_eq!(search_term("+972 52").as_deref(), Some("\"97252\""));
        assert_eq!(search_term("ab"), None);
        assert_eq!(search_term("דנה").as_deref(), Some("\"דנה\""));
        assert_eq!(search_term("a\"b c").as_deref(), Some("\"a\"\"b c\""));
    }
}

/// Who wrote or called, as a provider identifies them.
#[derive(Clone, Debug, Default)]
pub struct Contact {
    pub phone_e164: Option<String>,
    pub whatsapp_id: Option<String>,
    /// A display name (ProfileName / pushName): fills an empty name only.
    pub name: Option<String>,
}

/// The lead for `contact`, by phone, then by WhatsApp id.
pub fn find_contact(conn: &Connection, tenant_id: TenantId, contact: &Contact) -> StoreResult<Option<LeadId>> {
    if let Some(p) = &contact.phone_e164
        && let Some(id) = find_by_phone(conn, tenant_id, p)?
    {
        return Ok(Some(id));
    }
    match &contact.whatsapp_id {
        Some(w) => find_by_whatsapp_id(conn, tenant_id, w),
        None => Ok(None),
    }
}

/// The existing lead for `contact` (by phone, then WhatsApp id), with an
/// empty name and a missing WhatsApp id filled in from it; None when the
/// business has no such lead. Runs inside the caller's write.
pub fn touch_contact(conn: &Connection, tenant_id: TenantId, contact: &Contact) -> StoreResult<Option<LeadId>> {
    let Some(id) = find_contact(conn, tenant_id, contact)? else {
        return Ok(None);
    };
    if let Some(name) = contact.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        conn.prepare_cached("UPDATE leads SET first_name = ?2 WHERE id = ?1 AND first_name = '' AND last_name = ''")?
            .execute(params![id, name])?;
    }
    if let Some(w) = &contact.whatsapp_id {
        conn.prepare_cached("UPDATE OR IGNORE leads SET whatsapp_id = ?2 WHERE id = ?1 AND whatsapp_id IS NULL")?
            .execute(params![id, w])?;
    }
    Ok(Some(id))
}
