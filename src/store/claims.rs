//! The work queues the scheduler claims rows from: reminders, alerts,
//! appointment reminders and scheduled messages.
//!
//! Both tables share one life cycle: `pending` (due at `next_attempt_at`) ->
//! `claimed` (one `UPDATE ... RETURNING` sets a random `claim_token`, the
//! claim time and the attempt count, so two ticks or two processes never get
//! the same row) -> done, or back to `pending` with a later attempt time, or
//! `failed` after the queue's `max_attempts`. Only the claim holding the token can
//! record the outcome; a claim older than [`STALE_CLAIM_SECS`] that this
//! process is not delivering was left by a crash and is put back.
//! Every function here is unscoped: the scheduler serves every business, each
//! row carries its own tenant, and a token (which only the scheduler holds)
//! names the row being finished.

use std::collections::HashSet;

use rusqlite::{Connection, Row, params};

use super::error::StoreResult;
use super::now_sql;

pub const STALE_CLAIM_SECS: i64 = 60;

/// One claimable table.
#[derive(Clone, Copy, Debug)]
pub struct Queue {
    pub table: &'static str,
    /// The SET clause of a finished row.
    done: &'static str,
    /// Extra SET clause of every outcome (`updated_at` where the table has it).
    touch: &'static str,
    /// Attempts before a row is `failed`. With the backoff of 2, 4, 8, ... s,
    /// 5 attempts span 30 s and 8 span over 4 minutes.
    pub max_attempts: i64,
}

pub const REMINDERS: Queue = Queue {
    table: "lead_reminders",
    done: "status = 'fired'",
    touch: concat!(", updated_at = ", now_sql!()),
    max_attempts: 5,
};

/// Alerts get more attempts than reminders: a provider that failed is skipped
/// for 60 s (its breaker), and the retries must outlast that.
pub const ALERTS: Queue =
    Queue { table: "alerts", done: concat!("status = 'sent', sent_at = ", now_sql!()), touch: "", max_attempts: 8 };

/// Customers' appointment reminders: one send each, retried like alerts.
pub const APPOINTMENT_REMINDERS: Queue = Queue {
    table: "appointment_reminders",
    done: concat!("status = 'sent', sent_at = ", now_sql!()),
    touch: "",
    max_attempts: 8,
};

/// Messages to send later (scheduled sends, follow-up steps), retried like alerts.
pub const SCHEDULED_MESSAGES: Queue = Queue {
    table: "scheduled_messages",
    done: concat!("status = 'sent', sent_at = ", now_sql!()),
    touch: concat!(", updated_at = ", now_sql!()),
    max_attempts: 8,
};
/// Inbound media to fetch from the provider: a failure is tried again with
/// the same backoff, for over four minutes, before the timeline keeps a note.
pub const MEDIA: Queue = Queue { table: "media", done: "status = 'stored'", touch: "", max_attempts: 8 };

/// Claims up to `limit` due rows of `q`, oldest due first, and maps each
/// row as claimed: `returning` lists the columns `map` reads.
pub fn claim_due_unscoped<T>(
    conn: &Connection,
    q: Queue,
    now: &str,
    limit: i64,
    returning: &str,
    map: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> StoreResult<Vec<T>> {
    let t = q.table;
    let sql = format!(
        "UPDATE {t} SET status = 'claimed', claimed_at = ?1, attempts = attempts + 1,
                claim_token = lower(hex(randomblob(12)))
         WHERE id IN (SELECT id FROM {t} WHERE status = 'pending' AND next_attempt_at <= ?1
                      ORDER BY next_attempt_at LIMIT ?2)
         RETURNING {returning}"
    );
    Ok(conn.prepare_cached(&sql)?.query_map(params![now, limit], map)?.collect::<Result<Vec<_>, _>>()?)
}

/// Delivery finished. False when the claim was lost (put back and taken again meanwhile).
pub fn mark_done_unscoped(conn: &Connection, q: Queue, id: i64, token: &str) -> StoreResult<bool> {
    let sql = format!(
        "UPDATE {} SET {}, last_error = NULL, claimed_at = NULL, claim_token = NULL{}
         WHERE id = ?1 AND status = 'claimed' AND claim_token = ?2",
        q.table, q.done, q.touch
    );
    Ok(conn.prepare_cached(&sql)?.execute(params![id, token])? > 0)
}

/// Delivery failed: retry at `retry_at`, or give up as `failed` after
/// the queue's `max_attempts` (at once when `permanent`). `error` is a plain reason.
pub fn mark_failed_attempt_unscoped(
    conn: &Connection,
    q: Queue,
    id: i64,
    token: &str,
    error: &str,
    retry_at: &str,
    permanent: bool,
) -> StoreResult<bool> {
    let sql = format!(
        "UPDATE {} SET status = CASE WHEN attempts >= ?4 OR ?6 THEN 'failed' ELSE 'pending' END,
                next_attempt_at = ?3, last_error = ?2, claimed_at = NULL, claim_token = NULL{}
         WHERE id = ?1 AND status = 'claimed' AND claim_token = ?5",
        q.table, q.touch
    );
    Ok(conn.prepare_cached(&sql)?.execute(params![id, error, retry_at, q.max_attempts, token, permanent])? > 0)
}

/// Puts claims abandoned by a crash back in the queue: claimed before
/// `older_than` and not in `live` (tokens this process is still delivering,
/// however slowly). Each row is put back only if it still carries the token
/// read here, so a claim finishing at the same moment is never undone.
pub fn rescue_stale_unscoped(
    conn: &Connection,
    q: Queue,
    older_than: &str,
    live: &HashSet<String>,
) -> StoreResult<usize> {
    let t = q.table;
    let stale: Vec<(i64, String)> = conn
        .prepare_cached(&format!(
            "SELECT id, coalesce(claim_token, '') FROM {t} WHERE status = 'claimed' AND claimed_at < ?1"
        ))?
        .query_map([older_than], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut rescued = 0;
    let put_back = format!(
        "UPDATE {t} SET status = 'pending', claimed_at = NULL, claim_token = NULL
         WHERE id = ?1 AND status = 'claimed' AND coalesce(claim_token, '') = ?2"
    );
    for (id, token) in stale.into_iter().filter(|(_, t)| !live.contains(t)) {
        rescued += conn.prepare_cached(&put_back)?.execute(params![id, token])?;
    }
    Ok(rescued)
}

/// When the next pending row is due (for the precise timer).
pub fn next_due_unscoped(conn: &Connection, q: Queue) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached(&format!("SELECT min(next_attempt_at) FROM {} WHERE status = 'pending'", q.table))?
        .query_row([], |r| r.get(0))?)
}
