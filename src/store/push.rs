//! Web Push subscriptions: one row per browser a user allowed notifications
//! in. Reads and deletes are confined to the user who made them; the
//! scheduler deletes one by id when the push service says it is gone.

use rusqlite::{Connection, params};
use serde::Serialize;

use super::error::StoreResult;
use crate::domain::{TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PushSubscription)]
pub struct Subscription {
    pub id: i64,
    pub endpoint: String,
    /// The browser's P-256 public key, base64url (65 bytes uncompressed).
    pub p256dh: String,
    /// The browser's auth secret, base64url (16 bytes).
    pub auth: String,
    pub created_at: String,
}

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Subscription> {
    Ok(Subscription { id: r.get(0)?, endpoint: r.get(1)?, p256dh: r.get(2)?, auth: r.get(3)?, created_at: r.get(4)? })
}

/// How many browsers one user may subscribe; past it the oldest is dropped
/// (each one is a request per alert, so the count bounds what one alert costs).
pub const PER_USER_MAX: i64 = 10;

/// Saves a browser's subscription for `user_id`. The same endpoint again
/// (a browser re-subscribing, or another user signing in on it) replaces the
/// earlier row: a browser's endpoint belongs to whoever subscribed it last.
/// Then only the user's `PER_USER_MAX` newest subscriptions are kept.
pub fn upsert(
    conn: &Connection,
    tenant_id: TenantId,
    user_id: UserId,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> StoreResult<Subscription> {
    let sub = conn
        .prepare_cached(
            "INSERT INTO push_subscriptions (tenant_id, user_id, endpoint, p256dh, auth) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (endpoint) DO UPDATE SET tenant_id = excluded.tenant_id, user_id = excluded.user_id,
                 p256dh = excluded.p256dh, auth = excluded.auth
             RETURNING id, endpoint, p256dh, auth, created_at",
        )?
        .query_row(params![tenant_id, user_id, endpoint, p256dh, auth], from_row)?;
    conn.prepare_cached(
        "DELETE FROM push_subscriptions WHERE user_id = ?1 AND id NOT IN
             (SELECT id FROM push_subscriptions WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2)",
    )?
    .execute(params![user_id, PER_USER_MAX])?;
    Ok(sub)
}

/// Removes one of the user's subscriptions; false when they have none at `endpoint`.
pub fn delete_for_user(conn: &Connection, user_id: UserId, endpoint: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM push_subscriptions WHERE user_id = ?1 AND endpoint = ?2")?
        .execute(params![user_id, endpoint])?
        > 0)
}

pub fn list_for_user(conn: &Connection, user_id: UserId) -> StoreResult<Vec<Subscription>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, endpoint, p256dh, auth, created_at FROM push_subscriptions WHERE user_id = ?1 ORDER BY id",
        )?
        .query_map([user_id], from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// The push service answered 404/410: the browser dropped this subscription.
/// Unscoped: the scheduler names a row it has just read for the alert's user.
pub fn delete_gone_unscoped(conn: &Connection, id: i64) -> StoreResult<bool> {
    Ok(conn.prepare_cached("DELETE FROM push_subscriptions WHERE id = ?1")?.execute([id])? > 0)
}
