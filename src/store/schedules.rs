//! Staff hours: each staff member's own week (or the business's) and time
//! off, and who can be booked at all.

use rusqlite::{Connection, OptionalExtension, params};

use super::error::StoreResult;
use super::now_sql;
use crate::domain::{TenantId, UserId};

/// A staff member's stored schedule: `work_hours` JSON (None = the
/// business's hours) and `time_off` JSON (`[{starts_at, ends_at, note}]`).
#[derive(Clone, Debug, Default)]
pub struct Stored {
    pub work_hours: Option<String>,
    pub time_off: String,
}

/// The schedule of a user of the business; None when there is no such
/// user there. A user who never set one has the default (`Stored` empty).
pub fn get(conn: &Connection, tenant_id: TenantId, user_id: UserId) -> StoreResult<Option<Stored>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.work_hours, coalesce(s.time_off, '[]') FROM users u
             LEFT JOIN staff_schedules s ON s.user_id = u.id
             WHERE u.id = ?1 AND u.tenant_id = ?2",
        )?
        .query_row(params![user_id, tenant_id], |r| Ok(Stored { work_hours: r.get(0)?, time_off: r.get(1)? }))
        .optional()?)
}

/// Writes a user's schedule (the caller checked the user is of the business).
pub fn put(conn: &Connection, tenant_id: TenantId, user_id: UserId, s: &Stored) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "INSERT INTO staff_schedules (user_id, tenant_id, work_hours, time_off) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET work_hours = excluded.work_hours, time_off = excluded.time_off,
             updated_at = ",
        now_sql!()
    ))?
    .execute(params![user_id, tenant_id, s.work_hours, s.time_off])?;
    Ok(())
}

/// The business's bookable people: enabled owners and agents, by id, with
/// their schedules; only `only` when it is not empty.
pub fn staff(conn: &Connection, tenant_id: TenantId, only: &[UserId]) -> StoreResult<Vec<(UserId, Stored)>> {
    let rows = conn
        .prepare_cached(
            "SELECT u.id, s.work_hours, coalesce(s.time_off, '[]') FROM users u
             LEFT JOIN staff_schedules s ON s.user_id = u.id
             WHERE u.tenant_id = ?1 AND u.disabled = 0 AND u.role IN ('owner', 'agent') ORDER BY u.id",
        )?
        .query_map([tenant_id], |r| {
            Ok((r.get::<_, UserId>(0)?, Stored { work_hours: r.get(1)?, time_off: r.get(2)? }))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().filter(|(id, _)| only.is_empty() || only.contains(id)).collect())
}
