//! Messages to send later: a person's scheduled sends and the steps of a
//! business's follow-up sequence, claimed by the scheduler (see `claims`).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use super::claims::{self, Queue};
use super::error::StoreResult;
use super::now_sql;
use crate::domain::{LeadId, TenantId, UserId};

pub const QUEUE: Queue = claims::SCHEDULED_MESSAGES;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ScheduledMessage)]
pub struct Scheduled {
    pub id: i64,
    pub tenant_id: TenantId,
    pub lead_id: LeadId,
    /// `scheduled` (a person's send) or `follow_up` (a step of the business's sequence).
    pub kind: String,
    /// The follow-up step (1 to 3).
    pub step: Option<i64>,
    pub text: String,
    pub send_at: String,
    pub created_by: Option<UserId>,
    /// `pending`, `sending`, `sent`, `failed` or `cancelled`.
    pub status: String,
    pub sent_at: Option<String>,
    /// Why it failed or was cancelled, in plain words.
    pub last_error: Option<String>,
    pub message_id: Option<i64>,
    pub created_at: String,
}

const SELECT: &str = "SELECT id, tenant_id, lead_id, kind, step, body, send_at, created_by,
                             iif(status = 'claimed', 'sending', status), sent_at, last_error, message_id, created_at
                      FROM scheduled_messages";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Scheduled> {
    Ok(Scheduled {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        lead_id: r.get(2)?,
        kind: r.get(3)?,
        step: r.get(4)?,
        text: r.get(5)?,
        send_at: r.get(6)?,
        created_by: r.get(7)?,
        status: r.get(8)?,
        sent_at: r.get(9)?,
        last_error: r.get(10)?,
        message_id: r.get(11)?,
        created_at: r.get(12)?,
    })
}

pub struct NewScheduled<'a> {
    pub lead_id: LeadId,
    pub kind: &'a str,
    pub step: Option<i64>,
    pub text: &'a str,
    pub send_at: &'a str,
    pub created_by: Option<UserId>,
}

pub fn insert(conn: &Connection, tenant_id: TenantId, n: &NewScheduled) -> StoreResult<Scheduled> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO scheduled_messages (tenant_id, lead_id, kind, step, body, send_at, next_attempt_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)
             RETURNING id, tenant_id, lead_id, kind, step, body, send_at, created_by,
                       status, sent_at, last_error, message_id, created_at",
        )?
        .query_row(params![tenant_id, n.lead_id, n.kind, n.step, n.text, n.send_at, n.created_by], from_row)?)
}

pub fn get(conn: &Connection, tenant_id: TenantId, id: i64) -> StoreResult<Option<Scheduled>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE id = ?1 AND tenant_id = ?2"))?
        .query_row(params![id, tenant_id], from_row)
        .optional()?)
}

/// A lead's scheduled messages, soonest first (the latest 100).
pub fn list_for_lead(conn: &Connection, tenant_id: TenantId, lead_id: LeadId) -> StoreResult<Vec<Scheduled>> {
    let mut v = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE lead_id = ?1 AND tenant_id = ?2 ORDER BY send_at DESC, id DESC LIMIT 100"
        ))?
        .query_map(params![lead_id, tenant_id], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    v.reverse();
    Ok(v)
}

/// Cancels a pending message; false when it is no longer pending (being sent, sent, or over).
pub fn cancel(conn: &Connection, tenant_id: TenantId, id: i64, reason: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(concat!(
            "UPDATE scheduled_messages SET status = 'cancelled', last_error = ?3, updated_at = ",
            now_sql!(),
            " WHERE id = ?1 AND tenant_id = ?2 AND status = 'pending'"
        ))?
        .execute(params![id, tenant_id, reason])?
        > 0)
}

/// Ends a lead's pending follow-up steps (a new message of ours starts the sequence again).
pub fn cancel_follow_ups(conn: &Connection, tenant_id: TenantId, lead_id: LeadId, reason: &str) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE scheduled_messages SET status = 'cancelled', last_error = ?3, updated_at = ",
        now_sql!(),
        " WHERE lead_id = ?1 AND tenant_id = ?2 AND kind = 'follow_up' AND status = 'pending'"
    ))?
    .execute(params![lead_id, tenant_id, reason])?;
    Ok(())
}

/// Whether the lead asked for no more follow-ups.
pub fn opted_out(conn: &Connection, lead_id: LeadId) -> StoreResult<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM follow_up_opt_outs WHERE lead_id = ?1")?.exists([lead_id])?)
}

/// The business's follow-up steps as stored (`[{after_hours, text}]`; empty when none).
pub fn follow_up_steps(conn: &Connection, tenant_id: TenantId) -> StoreResult<Vec<Value>> {
    let steps: Option<String> = conn
        .prepare_cached("SELECT json_extract(settings, '$.follow_ups') FROM tenants WHERE id = ?1")?
        .query_row([tenant_id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(steps.and_then(|s| serde_json::from_str::<Vec<Value>>(&s).ok()).unwrap_or_default())
}

/// A claimed row: what the scheduler sends.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    pub token: String,
    pub attempts: i64,
    pub tenant_id: TenantId,
    pub lead_id: LeadId,
    pub kind: String,
    pub step: Option<i64>,
    pub text: String,
    pub created_by: Option<UserId>,
    pub created_at: String,
}

/// Claims due rows, every business's (see `store::claims`).
pub fn claim_due_unscoped(conn: &Connection, now: &str, limit: i64) -> StoreResult<Vec<Claimed>> {
    claims::claim_due_unscoped(
        conn,
        QUEUE,
        now,
        limit,
        "id, claim_token, attempts, tenant_id, lead_id, kind, step, body, created_by, created_at",
        |r| {
            Ok(Claimed {
                id: r.get(0)?,
                token: r.get(1)?,
                attempts: r.get(2)?,
                tenant_id: r.get(3)?,
                lead_id: r.get(4)?,
                kind: r.get(5)?,
                step: r.get(6)?,
                text: r.get(7)?,
                created_by: r.get(8)?,
                created_at: r.get(9)?,
            })
        },
    )
}

/// Notes the message a claimed row became (before the claim is marked done).
pub fn set_message(conn: &Connection, id: i64, token: &str, message_id: i64) -> StoreResult<()> {
    conn.prepare_cached("UPDATE scheduled_messages SET message_id = ?3 WHERE id = ?1 AND claim_token = ?2")?
        .execute(params![id, token, message_id])?;
    Ok(())
}

/// A claimed row that must not go out after all (the lead replied, closed, opted out).
pub fn cancel_claimed(conn: &Connection, id: i64, token: &str, reason: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(concat!(
            "UPDATE scheduled_messages SET status = 'cancelled', last_error = ?3, claimed_at = NULL,
                claim_token = NULL, updated_at = ",
            now_sql!(),
            " WHERE id = ?1 AND status = 'claimed' AND claim_token = ?2"
        ))?
        .execute(params![id, token, reason])?
        > 0)
}
