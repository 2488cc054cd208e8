//! Alerts: a notification carried to a user's phone (WhatsApp) or browsers
//! (Web Push). Every in-app notification queues one row per channel the
//! user has switched on (`core::notify`, in the notification's own
//! transaction); the scheduler claims and delivers them exactly like
//! reminders (the shared queue is [`super::claims`]), retrying with backoff
//! and recording `sent`, or `failed` with the reason.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::claims::{self, ALERTS};
use super::error::StoreResult;
use super::notifications::Notification;
use crate::domain::{LeadId, TenantId, UserId};

pub const WHATSAPP: &str = "whatsapp";
pub const PUSH: &str = "push";

/// An alert as its user sees it (`GET /api/alerts`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Alert {
    pub id: i64,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub channel: String,
    pub kind: String,
    pub lead_id: Option<LeadId>,
    pub title: String,
    pub body: String,
    /// A path of the UI (`/leads/7`); the public URL goes in front when sent.
    pub url: String,
    /// `claimed` is internal; shown as `pending`.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub created_at: String,
}

const COLUMNS: &str = "id, tenant_id, user_id, channel, kind, lead_id, title, body, url,
    CASE status WHEN 'claimed' THEN 'pending' ELSE status END, attempts, last_error, sent_at, created_at";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Alert> {
    Ok(Alert {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        user_id: r.get(2)?,
        channel: r.get(3)?,
        kind: r.get(4)?,
        lead_id: r.get(5)?,
        title: r.get(6)?,
        body: r.get(7)?,
        url: r.get(8)?,
        status: r.get(9)?,
        attempts: r.get(10)?,
        last_error: r.get(11)?,
        sent_at: r.get(12)?,
        created_at: r.get(13)?,
    })
}

/// The channels `user_id` has on: (WhatsApp with a phone, push with at least
/// one subscription); None for a disabled or unknown user.
pub fn channels_of(conn: &Connection, user_id: UserId) -> StoreResult<Option<(bool, bool)>> {
    Ok(conn
        .prepare_cached(
            "SELECT u.notify_whatsapp = 1 AND u.phone_e164 IS NOT NULL,
                    u.notify_push = 1 AND EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.user_id = u.id)
             FROM users u WHERE u.id = ?1 AND u.disabled = 0",
        )?
        .query_row([user_id], |r| Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?)))
        .optional()?)
}

/// Queues one pending alert of `n` on `channel`, worded by the caller.
pub fn insert(
    conn: &Connection,
    n: &Notification,
    channel: &str,
    title: &str,
    body: &str,
    url: &str,
) -> StoreResult<usize> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO alerts (tenant_id, user_id, channel, kind, lead_id, title, body, url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![n.tenant_id, n.user_id, channel, n.kind, n.lead_id, title, body, url])?)
}

/// How long one caller's missed calls make one alert to each owner: a caller
/// ringing again and again must not page the owners (and cost a WhatsApp
/// message) each time. The lead's timeline still records every call.
pub const MISSED_CALL_COALESCE: &str = "-10 minutes";

/// Whether `user_id` already had a missed-call notice about this caller (by
/// number, or by lead when the number is unknown) in the last ten minutes.
pub fn missed_call_notified_recently(
    conn: &Connection,
    tenant_id: TenantId,
    user_id: UserId,
    caller: &str,
    lead_id: LeadId,
) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT created_at >= ",
            super::now_sql!("?5"),
            " FROM notifications
             WHERE user_id = ?1 AND tenant_id = ?2 AND kind = 'missed_call'
               AND ((?3 <> '' AND title = ?3) OR lead_id = ?4)
             ORDER BY id DESC LIMIT 1"
        ))?
        .query_row(params![user_id, tenant_id, caller, lead_id, MISSED_CALL_COALESCE], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// A user's own alerts, newest first (what reached their phone, or why not).
pub fn list_for_user(conn: &Connection, user_id: UserId, limit: i64) -> StoreResult<Vec<Alert>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM alerts WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2"))?
        .query_map(params![user_id, limit], from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// An alert taken by the scheduler, with where it goes.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub alert: Alert,
    pub token: String,
    /// The user's phone now (they may have changed it since the alert was queued).
    pub phone_e164: Option<String>,
}

/// Claims due alerts (see [`claims::claim_due_unscoped`]).
/// Unscoped: the scheduler serves every business; each row carries its own tenant and user.
pub fn claim_due_unscoped(conn: &Connection, now: &str, limit: i64) -> StoreResult<Vec<Claimed>> {
    let claimed = claims::claim_due_unscoped(
        conn,
        ALERTS,
        now,
        limit,
        "id, tenant_id, user_id, channel, kind, lead_id, title, body, url, 'pending', attempts, last_error,
         sent_at, created_at, claim_token",
        |r| Ok((from_row(r)?, r.get::<_, String>(14)?)),
    )?;
    let mut phone = conn.prepare_cached("SELECT phone_e164 FROM users WHERE id = ?1")?;
    claimed
        .into_iter()
        .map(|(alert, token)| {
            let phone_e164: Option<String> = phone.query_row([alert.user_id], |r| r.get(0)).optional()?.flatten();
            Ok(Claimed { alert, token, phone_e164 })
        })
        .collect()
}
