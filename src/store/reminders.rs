//! "Call me back" reminders and their claiming by the scheduler.
//!
//! Life of a reminder (the queue itself is shared with alerts, see
//! [`super::claims`]): `pending` -> claimed (one UPDATE ... RETURNING in a
//! write transaction; the notification and activity are written in that same
//! transaction and `fired_at` set) -> `fired`, or, when the outgoing webhook
//! fails, back to `pending` with a later `next_attempt_at` (only the webhook
//! is retried: `fired_at` is already set) and finally `failed`.
//! A `claimed` row older than [`STALE_CLAIM_SECS`] that this process is not
//! delivering was left by a crash and is put back to `pending`. Each claim
//! carries a random token, and only the claim holding it can finish the row.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::claims;
use super::error::{StoreError, StoreResult};
use super::now_sql;
use super::{Page, PageRequest};
use crate::domain::{LeadId, ReminderId, ReminderStatus, Scope, TenantId, UserId};

pub use super::claims::STALE_CLAIM_SECS;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Reminder {
    pub id: ReminderId,
    pub tenant_id: TenantId,
    pub lead_id: LeadId,
    pub assignee_user_id: Option<UserId>,
    pub created_by: Option<UserId>,
    pub due_at: String,
    pub note: String,
    /// `claimed` is internal; the API shows it as `pending`.
    pub status: ReminderStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub fired_at: Option<String>,
    pub created_at: String,
    /// When due, the AI calls the lead (in business hours).
    pub call: bool,
    /// How that call went: `person`, `machine`, `no_answer`, `busy` or `failed`.
    pub call_outcome: Option<String>,
}

const SELECT: &str = "SELECT id, tenant_id, lead_id, assignee_user_id, created_by, due_at, note,
        CASE status WHEN 'claimed' THEN 'pending' ELSE status END, attempts, last_error, fired_at, created_at,
        call, call_outcome
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
        call: r.get(12)?,
        call_outcome: r.get(13)?,
    })
}

pub fn get(conn: &Connection, scope: Scope, id: ReminderId) -> StoreResult<Option<Reminder>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE id = ?1 AND (?2 IS NULL OR tenant_id = ?2)"))?
        .query_row(params![id, scope.filter()], from_row)
        .optional()?)
}

/// What a new reminder says.
pub struct NewReminder<'a> {
    pub due_at: &'a str,
    pub note: &'a str,
    /// The AI calls the lead when it is due.
    pub call: bool,
}

/// A new pending reminder on a lead of `tenant_id`.
pub fn insert(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    assignee: UserId,
    created_by: Option<UserId>,
    new: &NewReminder,
) -> StoreResult<Reminder> {
    conn.prepare_cached(
        "INSERT INTO lead_reminders (tenant_id, lead_id, assignee_user_id, created_by, due_at, note, next_attempt_at, call)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?7)",
    )?
    .execute(params![tenant_id, lead_id, assignee, created_by, new.due_at, new.note, new.call])?;
    let id = ReminderId(conn.last_insert_rowid());
    get(conn, Scope::Tenant(tenant_id), id)?.ok_or(StoreError::NotFound("reminder"))
}

/// Call-backs the AI set on a lead that have not fired yet: one per
/// request, however many people each was set for (those share a time and a note).
pub fn pending_by_ai(conn: &Connection, tenant_id: TenantId, lead_id: LeadId) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM lead_reminders
              WHERE lead_id = ?2 AND tenant_id = ?1 AND created_by IS NULL AND status IN ('pending', 'claimed')
              GROUP BY due_at, note)",
        )?
        .query_row(params![tenant_id, lead_id], |r| r.get(0))?)
}

/// A lead's reminders by due time, a page at a time; empty when the lead is
/// not in `tenant_id`. (The lead is checked once, then its index is walked.)
pub fn list_for_lead(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    page: PageRequest,
) -> StoreResult<Page<Reminder>> {
    let total: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM lead_reminders
             WHERE lead_id = (SELECT id FROM leads WHERE id = ?1 AND tenant_id = ?2)",
        )?
        .query_row(params![lead_id, tenant_id], |r| r.get(0))?;
    let items = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE lead_id = (SELECT id FROM leads WHERE id = ?1 AND tenant_id = ?2)
             ORDER BY due_at, id LIMIT ?3 OFFSET ?4"
        ))?
        .query_map(params![lead_id, tenant_id, page.page_size, page.offset()], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page.wrap(items, total))
}

/// The caller's reminders in a tenant, by status and due time.
pub fn list_for_assignee(
    conn: &Connection,
    tenant_id: TenantId,
    user_id: UserId,
    status: Option<ReminderStatus>,
    due_before: Option<&str>,
) -> StoreResult<Vec<Reminder>> {
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

/// The user's reminders in a tenant that are due now or earlier and not
/// cancelled (pending, firing, fired or failed): what is waiting for them.
pub fn count_due_for_assignee(conn: &Connection, tenant_id: TenantId, user_id: UserId, now: &str) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM lead_reminders
             WHERE assignee_user_id = ?1 AND tenant_id = ?2 AND status <> 'cancelled' AND due_at <= ?3",
        )?
        .query_row(params![user_id, tenant_id, now], |r| r.get(0))?)
}

/// Moves a reminder to a new time (and/or note); a fired or failed reminder
/// becomes pending again. Cancelled ones cannot be snoozed. False when not
/// changeable or not in `scope`.
pub fn snooze(conn: &Connection, scope: Scope, id: ReminderId, change: &Change) -> StoreResult<bool> {
    let Change { due_at, note, call } = *change;
    Ok(conn.execute(
        concat!(
            "UPDATE lead_reminders SET
            note = coalesce(?4, note),
            call = coalesce(?5, call),
            call_outcome = CASE WHEN ?3 IS NULL THEN call_outcome ELSE NULL END,
            due_at = coalesce(?3, due_at),
            next_attempt_at = coalesce(?3, next_attempt_at),
            status = CASE WHEN ?3 IS NULL THEN status ELSE 'pending' END,
            fired_at = CASE WHEN ?3 IS NULL THEN fired_at ELSE NULL END,
            attempts = CASE WHEN ?3 IS NULL THEN attempts ELSE 0 END,
            last_error = CASE WHEN ?3 IS NULL THEN last_error ELSE NULL END,
            claimed_at = NULL,
            updated_at = ",
            now_sql!(),
            " WHERE id = ?1 AND (?2 IS NULL OR tenant_id = ?2) AND status <> 'cancelled' AND status <> 'claimed'"
        ),
        params![id, scope.filter(), due_at, note, call],
    )? > 0)
}

/// A change to a reminder: a new time (a snooze), note, or whether the AI calls.
#[derive(Clone, Copy)]
pub struct Change<'a> {
    pub due_at: Option<&'a str>,
    pub note: Option<&'a str>,
    pub call: Option<bool>,
}

/// Cancels a reminder in `scope` unless it is being delivered (or already cancelled).
pub fn cancel(conn: &Connection, scope: Scope, id: ReminderId) -> StoreResult<bool> {
    Ok(conn.execute(
        concat!(
            "UPDATE lead_reminders SET status = 'cancelled', updated_at = ",
            now_sql!(),
            " WHERE id = ?1 AND (?2 IS NULL OR tenant_id = ?2) AND status IN ('pending', 'fired', 'failed')"
        ),
        params![id, scope.filter()],
    )? > 0)
}

/// A reminder taken by the scheduler.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub reminder: Reminder,
    /// True the first time: the notification and activity are written now.
    pub first: bool,
    /// This claim's token: only it can finish the row, and a stale claim is
    /// put back only while it still carries it.
    pub token: String,
}

/// Claims every due reminder, atomically: two overlapping ticks, or two
/// processes, can never both get the same row (see [`claims`]).
/// Unscoped: the scheduler's sweep serves every business; each claimed row carries its own tenant.
pub fn claim_due_unscoped(conn: &Connection, now: &str, limit: i64) -> StoreResult<Vec<Claimed>> {
    // RETURNING gives the rows as claimed (shown as `pending`, like `get`), no second read.
    claims::claim_due_unscoped(
        conn,
        claims::REMINDERS,
        now,
        limit,
        "id, tenant_id, lead_id, assignee_user_id, created_by, due_at, note, 'pending', attempts,
         last_error, fired_at, created_at, call, call_outcome, fired_at IS NULL, claim_token",
        |r| Ok(Claimed { reminder: from_row(r)?, first: r.get(14)?, token: r.get(15)? }),
    )
}

/// Unscoped: `id` is a reminder the scheduler has just claimed in this same transaction.
pub fn mark_fired_at_unscoped(conn: &Connection, id: ReminderId, now: &str) -> StoreResult<()> {
    conn.prepare_cached("UPDATE lead_reminders SET fired_at = ?2 WHERE id = ?1")?.execute(params![id, now])?;
    Ok(())
}

/// Delivery finished: `fired`. Only the claim that took the row can say so;
/// false when the claim was lost (put back and taken again meanwhile).
/// Unscoped: the claim token, which only the scheduler holds, names the row.
pub fn mark_done_unscoped(conn: &Connection, id: ReminderId, token: &str) -> StoreResult<bool> {
    claims::mark_done_unscoped(conn, claims::REMINDERS, id.0, token)
}

/// Delivery failed: retry at `retry_at`, or give up as `failed` after 5 attempts.
/// Unscoped: the claim token, which only the scheduler holds, names the row.
pub fn mark_failed_attempt_unscoped(
    conn: &Connection,
    id: ReminderId,
    token: &str,
    error: &str,
    retry_at: &str,
) -> StoreResult<bool> {
    claims::mark_failed_attempt_unscoped(conn, claims::REMINDERS, id.0, token, error, retry_at, false)
}

/// A callback that may not be placed now (the business is closed, or its
/// hourly number is reached): back to `pending` until `until`, and the
/// claim's attempt not counted. Unscoped: the claim token names the row.
pub fn defer_unscoped(conn: &Connection, id: ReminderId, token: &str, until: &str) -> StoreResult<bool> {
    Ok(conn.execute(
        concat!(
            "UPDATE lead_reminders SET status = 'pending', next_attempt_at = ?3, claimed_at = NULL, claim_token = NULL,
                 attempts = max(attempts - 1, 0), updated_at = ",
            now_sql!(),
            " WHERE id = ?1 AND status = 'claimed' AND claim_token = ?2"
        ),
        params![id, token, until],
    )? > 0)
}

/// How the reminder's call went, the first time it is known; false when it already was.
pub fn set_call_outcome(conn: &Connection, tenant_id: TenantId, id: ReminderId, outcome: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE lead_reminders SET call_outcome = ?3 WHERE id = ?1 AND tenant_id = ?2 AND call_outcome IS NULL",
        )?
        .execute(params![id, tenant_id, outcome])?
        > 0)
}

/// Puts reminder claims abandoned by a crash back in the queue (see [`claims::rescue_stale_unscoped`]).
/// Unscoped: a scheduler sweep over every business; it only changes claim state.
pub fn rescue_stale_unscoped(
    conn: &Connection,
    older_than: &str,
    live: &std::collections::HashSet<String>,
) -> StoreResult<usize> {
    claims::rescue_stale_unscoped(conn, claims::REMINDERS, older_than, live)
}

/// When the next pending reminder is due (for the precise timer).
/// Unscoped: the scheduler's timer serves every business and reads only a time.
pub fn next_due_unscoped(conn: &Connection) -> StoreResult<Option<String>> {
    claims::next_due_unscoped(conn, claims::REMINDERS)
}

/// For `/metrics`: reminders not yet delivered (claimed ones included), and
/// how many of those are past their due time at `now`. Across businesses:
/// the scrape is an operator's view of the whole instance.
pub fn pending_counts_unscoped(conn: &Connection, now: &str) -> StoreResult<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(due_at < ?1), 0) FROM lead_reminders WHERE status IN ('pending', 'claimed')",
        )?
        .query_row(params![now], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::db::Db;

    fn setup(db: &Db) {
        db.write_blocking(|tx| -> crate::store::StoreResult<_> {
            tx.execute_batch(
                "INSERT INTO tenants (id, name) VALUES (1, 't');
                 INSERT INTO leads (id, tenant_id, first_name, phone_e164, source) VALUES (1, 1, 'a', '+972521111111', 'manual');
                 INSERT INTO lead_reminders (tenant_id, lead_id, due_at, next_attempt_at)
                     VALUES (1, 1, '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z');",
            )?;
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_slow_delivery_is_not_rescued_and_a_lost_claim_cannot_finish_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("c.db")).unwrap();
        setup(&db);
        let first = db.write_blocking(|tx| claim_due_unscoped(tx, "2021-01-01T00:00:00.000Z", 10)).unwrap();
        assert_eq!(first.len(), 1);
        let token = first[0].token.clone();
        // Still being delivered here, however long: not stale.
        let live: HashSet<String> = [token.clone()].into();
        assert_eq!(db.write_blocking(|tx| rescue_stale_unscoped(tx, "2099-01-01T00:00:00.000Z", &live)).unwrap(), 0);
        // A crash left it: rescued, and claimed again under a new token.
        assert_eq!(
            db.write_blocking(|tx| rescue_stale_unscoped(tx, "2099-01-01T00:00:00.000Z", &HashSet::new())).unwrap(),
            1
        );
        let second = db.write_blocking(|tx| claim_due_unscoped(tx, "2021-01-01T00:00:00.000Z", 10)).unwrap();
        assert_ne!(second[0].token, token);
        // The old claim's late outcome changes nothing; the new claim finishes it.
        assert!(!db.write_blocking(|tx| mark_done_unscoped(tx, ReminderId(1), &token)).unwrap());
        assert!(
            !db.write_blocking(|tx| mark_failed_attempt_unscoped(
                tx,
                ReminderId(1),
                &token,
                "x",
                "2021-01-01T00:00:00.000Z"
            ))
            .unwrap()
        );
        assert!(db.write_blocking(|tx| mark_done_unscoped(tx, ReminderId(1), &second[0].token)).unwrap());
    }
}
