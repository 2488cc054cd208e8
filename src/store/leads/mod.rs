//! Leads: one per (tenant, phone) and per (tenant, WhatsApp user id).
//! Search uses the trigram FTS index (`leads_fts`), never a full scan.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::error::{Rule, StoreError, StoreResult, Unique, unique_key};
use super::now_sql;
use crate::domain::{LeadId, LeadSource, LeadStatus, Scope, TenantId, UserId};

mod ai_pause;
mod arms;
mod contact;
mod fold;
mod list;
mod patch;
mod search;
mod search_index;

pub use ai_pause::{AiPause, ai_may_answer, pause_for_takeover, set_ai_pause};
pub(crate) use arms::Arms;
pub use contact::{Contact, find_contact, touch_contact};
pub use fold::register_functions;
pub(crate) use list::filter_conditions;
pub use list::{Assignee, LeadFilter, count_filtered, list_json};
pub use patch::{LeadPatch, update_scoped};
pub use search::{COUNT_LIMIT, search_term};
pub(crate) use search::{Search, ids_with_email, matching_ids};
pub use search_index::{BATCH, index_all_waiting, sync_search_index};

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
// column 18 the latest message as JSON, kept on the lead by the message triggers.
const COLUMNS: &str = "l.id, l.tenant_id, l.first_name, l.last_name, l.phone_e164, l.whatsapp_id, l.email, l.source, \
                       l.status, l.notes, l.created_at, l.updated_at, l.last_activity_at, l.ai_paused_until, \
                       l.assignee_user_id, l.tags, l.last_inbound_at, \
                       (l.last_inbound_at IS NOT NULL AND (l.last_outbound_at IS NULL OR l.last_outbound_at < l.last_inbound_at)), \
                       l.last_message";

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
/// `Duplicate` naming the existing lead. Its id is above every lead's, past
/// and present (`lead_id_floor` in schema.sql): a deleted lead's id is not reused.
pub fn insert(conn: &Connection, tenant_id: TenantId, l: &NewLead) -> StoreResult<LeadId> {
    let res = conn
        .prepare_cached(
            "INSERT INTO leads (id, tenant_id, first_name, last_name, phone_e164, whatsapp_id, email, source, status,
                                notes, created_by)
             VALUES (max(coalesce((SELECT max(id) FROM leads), 0),
                         coalesce((SELECT high FROM lead_id_floor WHERE id = 1), 0)) + 1,
                     ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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

/// A lead's display name (first and last, trimmed) and phone, if the lead is in `tenant_id`.
pub fn name_and_phone(
    conn: &Connection,
    tenant_id: TenantId,
    id: LeadId,
) -> StoreResult<Option<(String, Option<String>)>> {
    Ok(conn
        .prepare_cached(
            "SELECT trim(first_name || ' ' || last_name), phone_e164 FROM leads WHERE id = ?1 AND tenant_id = ?2",
        )?
        .query_row(params![id, tenant_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
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

#[cfg(test)]
mod tests;
