//! The bell: per-user notifications. Reads and marks are scoped by the user,
//! which is narrower than a business: a user sees their own notifications of
//! every business they were notified in (the platform admin's reminders).

use rusqlite::{Connection, params};
use serde::Serialize;

use super::error::StoreResult;
use super::now_sql;
use super::{Page, PageRequest};
use crate::domain::{LeadId, TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub lead_id: Option<LeadId>,
    pub reminder_id: Option<i64>,
    pub read_at: Option<String>,
    pub created_at: String,
}

const SELECT: &str =
    "SELECT id, tenant_id, user_id, kind, title, body, lead_id, reminder_id, read_at, created_at FROM notifications";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Notification> {
    Ok(Notification {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        user_id: r.get(2)?,
        kind: r.get(3)?,
        title: r.get(4)?,
        body: r.get(5)?,
        lead_id: r.get(6)?,
        reminder_id: r.get(7)?,
        read_at: r.get(8)?,
        created_at: r.get(9)?,
    })
}

pub struct NewNotification<'a> {
    pub user_id: UserId,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub lead_id: Option<LeadId>,
    pub reminder_id: Option<i64>,
}

/// A notification for a user, about something in `tenant_id` (its alerts
/// are `core::notify`'s to queue, in the same transaction).
pub fn insert(conn: &Connection, tenant_id: TenantId, n: &NewNotification) -> StoreResult<Notification> {
    conn.prepare_cached(
        "INSERT INTO notifications (tenant_id, user_id, kind, title, body, lead_id, reminder_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![tenant_id, n.user_id, n.kind, n.title, n.body, n.lead_id, n.reminder_id])?;
    let id = conn.last_insert_rowid();
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id], from_row)?)
}

/// A user's notifications, newest first, with the unread count.
pub fn list_for_user(conn: &Connection, user_id: UserId, page: PageRequest) -> StoreResult<(Page<Notification>, i64)> {
    let (total, unread): (i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE read_at IS NULL) FROM notifications WHERE user_id = ?1",
        )?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let items = conn
        .prepare_cached(&format!("{SELECT} WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3"))?
        .query_map(params![user_id, page.page_size, page.offset()], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((page.wrap(items, total), unread))
}

/// Marks one of the user's notifications read; false when it is not theirs.
pub fn mark_read(conn: &Connection, user_id: UserId, id: i64) -> StoreResult<bool> {
    Ok(conn.execute(
        concat!(
            "UPDATE notifications SET read_at = coalesce(read_at, ",
            now_sql!(),
            ")
         WHERE id = ?1 AND user_id = ?2"
        ),
        params![id, user_id],
    )? > 0)
}
