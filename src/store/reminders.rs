//! "Call me back" reminders and their claiming by the scheduler.
//!
//! Life of a reminder: `pending` -> claimed (one UPDATE ... RETURNING in a
//! write transaction; the notification and activity are written in that same
//! transaction and `fired_at` set) -> `fired`, or, when the outgoing webhook
//! fails, back to `pending` with a later `next_attempt_at` (only the webhook
//! is retried: `fired_at` is already set) and finally `failed`.
//! A `claimed` row older than [`STALE_CLAIM_SECS`] was left by a crash and is
//! put back to `pending`.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Page, PageRequest};
use crate::{error::ApiError, http::extract::Scope};

pub const STALE_CLAIM_SECS: i64 = 60;
pub const MAX_ATTEMPTS: i64 = 5;

#[derive(Clone, Debug, Serialize)]
pub struct Reminder {
    pub id: i64,
    pub tenant_id: i64,
    pub lead_id: i64,
    pub assignee_user_id: Option<i64>,
    pub created_by: Option<i64>,
    pub due_at: String,
    pub note: String,
    /// `claimed` is internal; the API shows it as `pending`.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub fired_at: Option<String>,
    pub created_at: String,
}

const SELECT: &str = "SELECT id, tenant_id, lead_id, assignee_user_id, created_by, due_at, note,
        CASE status WHEN 'claimed' THEN 'pending' ELSE status END, attempts, last_error, fired_at, created_at
    FROM lead_reminders";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Reminder> {
    Ok(Reminder {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        lead_id: r.get(2)?,
        assignee_user_id: r.get(3)?,
        created_by: r.get(4)?,
        due_at: r.get(5)?,
        note: r.get(6)?,
        status: r.get(7)?,
        attempts: r.get(8)?,
        last_error: r.get(9)?,
        fired_at: r.get(10)?,
        created_at: r.get(11)?,
    })
}

fn scope_tenant(scope: Scope) -> Option<i64> {
    match scope {
        Scope::All => None,
        Scope::Tenant(t) => Some(t),
    }
}

pub fn get(conn: &Connection, scope: Scope, id: i64) -> Result<Option<Reminder>, ApiError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE id = ?1 AND (?2 IS NULL OR tenant_id = ?2)"))?
        .query_row(params![id, scope_tenant(scope)], from_row)
        .optional()?)
}

pub fn insert(
    conn: &Connection,
    tenant_id: i64,
    lead_id: i64,
    assignee: i64,
    created_by: i64,
    due_at: &str,
    note: &str,
) -> Result<Reminder, ApiError> {
    conn.prepare_cached(
        "INSERT INTO lead_reminders (tenant_id, lead_id, assignee_user_id, created_by, due_at, note, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
    )?
    .execute(params![tenant_id, lead_id, assignee, created_by, due_at, note])?;
    let id = conn.last_insert_rowid();
    get(conn, Scope::Tenant(tenant_id), id)?.ok_or_else(|| ApiError::internal("inserted reminder vanished"))
}

/// A lead's reminders by due time, a page at a time.
pub fn list_for_lead(conn: &Connection, lead_id: i64, page: PageRequest) -> Result<Page<Reminder>, ApiError> {
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM lead_reminders WHERE lead_id = ?1")?
        .query_row([lead_id], |r| r.get(0))?;
    let items = conn
        .prepare_cached(&format!("{SELECT} WHERE lead_id = ?1 ORDER BY due_at, id LIMIT ?2 OFFSET ?3"))?
        .query_map(params![lead_id, page.page_size, page.offset()], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page.wrap(items, total))
}

/// The caller's reminders in a tenant, by status and due time.
pub fn list_for_assignee(
    conn: &Connection,
    tenant_id: i64,
    user_id: i64,
    status: Option<&str>,
    due_before: Option<&str>,
) -> Result<Vec<Reminder>, ApiError> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE assignee_user_id = ?1 AND tenant_id = ?2
               AND (?3 IS NULL OR CASE status WHEN 'claimed' THEN 'pending' ELSE status END = ?3)
               AND (?4 IS NULL OR due_at < ?4)
             ORDER BY due_at LIMIT 500"
        ))?
        .query_map(params![user_id, tenant_id, status, due_before], from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// Moves a reminder to a new time (and/or note); a fired or failed reminder
/// becomes pending again. Cancelled ones cannot be snoozed.
pub fn snooze(
    conn: &Connection,
    tenant_id: i64,
    id: i64,
    due_at: Option<&str>,
    note: Option<&str>,
) -> Result<bool, ApiError> {
    Ok(conn.execute(
        "UPDATE lead_reminders SET
            note = coalesce(?4, note),
            due_at = coalesce(?3, due_at),
            next_attempt_at = coalesce(?3, next_attempt_at),
            status = CASE WHEN ?3 IS NULL THEN status ELSE 'pending' END,
            fired_at = CASE WHEN ?3 IS NULL THEN fired_at ELSE NULL END,
            attempts = CASE WHEN ?3 IS NULL THEN attempts ELSE 0 END,
            last_error = CASE WHEN ?3 IS NULL THEN last_error ELSE NULL END,
            claimed_at = NULL,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND tenant_id = ?2 AND status <> 'cancelled' AND status <> 'claimed'",
        params![id, tenant_id, due_at, note],
    )? > 0)
}

pub fn cancel(conn: &Connection, tenant_id: i64, id: i64) -> Result<bool, ApiError> {
    Ok(conn.execute(
        "UPDATE lead_reminders SET status = 'cancelled', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND tenant_id = ?2 AND status IN ('pending', 'fired', 'failed')",
        params![id, tenant_id],
    )? > 0)
}

/// A reminder taken by the scheduler.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub reminder: Reminder,
    /// True the first time: the notification and activity are written now.
    pub first: bool,
}

/// Claims every due reminder, atomically: two overlapping ticks, or two
/// processes, can never both get the same row.
pub fn claim_due(conn: &Connection, now: &str, limit: i64) -> Result<Vec<Claimed>, ApiError> {
    // RETURNING gives the rows as claimed (shown as `pending`, like `get`), no second read.
    Ok(conn
        .prepare_cached(
            "UPDATE lead_reminders SET status = 'claimed', claimed_at = ?1, attempts = attempts + 1
             WHERE id IN (SELECT id FROM lead_reminders WHERE status = 'pending' AND next_attempt_at <= ?1
                          ORDER BY next_attempt_at LIMIT ?2)
             RETURNING id, tenant_id, lead_id, assignee_user_id, created_by, due_at, note, 'pending', attempts,
                       last_error, fired_at, created_at, fired_at IS NULL",
        )?
        .query_map(params![now, limit], |r| Ok(Claimed { reminder: from_row(r)?, first: r.get(12)? }))?
        .collect::<Result<Vec<_>, _>>()?)
}

pub fn mark_fired_at(conn: &Connection, id: i64, now: &str) -> Result<(), ApiError> {
    conn.prepare_cached("UPDATE lead_reminders SET fired_at = ?2 WHERE id = ?1")?.execute(params![id, now])?;
    Ok(())
}

/// Delivery finished: `fired`.
pub fn mark_done(conn: &Connection, id: i64) -> Result<(), ApiError> {
    conn.prepare_cached(
        "UPDATE lead_reminders SET status = 'fired', last_error = NULL, claimed_at = NULL,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND status = 'claimed'",
    )?
    .execute([id])?;
    Ok(())
}

/// Delivery failed: retry at `retry_at`, or give up as `failed` after MAX_ATTEMPTS.
pub fn mark_failed_attempt(conn: &Connection, id: i64, error: &str, retry_at: &str) -> Result<(), ApiError> {
    conn.prepare_cached(
        "UPDATE lead_reminders SET
            status = CASE WHEN attempts >= ?4 THEN 'failed' ELSE 'pending' END,
            next_attempt_at = ?3, last_error = ?2, claimed_at = NULL,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND status = 'claimed'",
    )?
    .execute(params![id, error, retry_at, MAX_ATTEMPTS])?;
    Ok(())
}

/// Puts claims abandoned by a crash back in the queue.
pub fn rescue_stale(conn: &Connection, older_than: &str) -> Result<usize, ApiError> {
    Ok(conn.execute(
        "UPDATE lead_reminders SET status = 'pending', claimed_at = NULL
         WHERE status = 'claimed' AND claimed_at < ?1",
        [older_than],
    )?)
}

/// When the next pending reminder is due (for the precise timer).
pub fn next_due(conn: &Connection) -> Result<Option<String>, ApiError> {
    Ok(conn
        .prepare_cached("SELECT min(next_attempt_at) FROM lead_reminders WHERE status = 'pending'")?
        .query_row([], |r| r.get(0))?)
}
