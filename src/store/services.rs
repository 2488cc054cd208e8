//! Services a business books, and who gives each. Every function takes the
//! business; another business's service is simply not found.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::error::StoreResult;
use super::now_sql;
use crate::domain::{ServiceId, TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    /// 5 to 480 minutes.
    pub duration_min: i64,
    /// In agorot (1/100 shekel); null when not said.
    pub price: Option<i64>,
    /// Minutes kept free before and after (0 to 120 each).
    pub buffer_before_min: i64,
    pub buffer_after_min: i64,
    /// Who gives it; empty = every staff member with hours.
    pub staff_user_ids: Vec<UserId>,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A service's fields; `None` leaves a field as it is (on update).
#[derive(Clone, Debug, Default)]
pub struct ServiceFields {
    pub name: Option<String>,
    pub duration_min: Option<i64>,
    pub price: Option<Option<i64>>,
    pub buffer_before_min: Option<i64>,
    pub buffer_after_min: Option<i64>,
    pub active: Option<bool>,
}

const SELECT: &str = "SELECT s.id, s.name, s.duration_min, s.price_agorot, s.buffer_before_min, s.buffer_after_min,
                             (SELECT group_concat(user_id) FROM service_staff WHERE service_id = s.id),
                             s.active, s.created_at, s.updated_at
                      FROM services s";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Service> {
    let staff: Option<String> = r.get(6)?;
    let mut staff_user_ids: Vec<UserId> =
        staff.unwrap_or_default().split(',').filter_map(|s| s.parse().ok()).map(UserId).collect();
    staff_user_ids.sort_unstable();
    Ok(Service {
        id: r.get(0)?,
        name: r.get(1)?,
        duration_min: r.get(2)?,
        price: r.get(3)?,
        buffer_before_min: r.get(4)?,
        buffer_after_min: r.get(5)?,
        staff_user_ids,
        active: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

/// The business's services by name (only the active ones when asked).
pub fn list(conn: &Connection, tenant_id: TenantId, active_only: bool) -> StoreResult<Vec<Service>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE s.tenant_id = ?1 AND (s.active = 1 OR NOT ?2) ORDER BY s.name, s.id"))?
        .query_map(params![tenant_id, active_only], from_row)?
        .collect::<Result<_, _>>()?)
}

pub fn get(conn: &Connection, tenant_id: TenantId, id: ServiceId) -> StoreResult<Option<Service>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE s.id = ?1 AND s.tenant_id = ?2"))?
        .query_row(params![id, tenant_id], from_row)
        .optional()?)
}

/// A new service (its staff set with [`set_staff`]).
pub fn insert(conn: &Connection, tenant_id: TenantId, f: &ServiceFields) -> StoreResult<ServiceId> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO services (tenant_id, name, duration_min, price_agorot, buffer_before_min, buffer_after_min, active)
             VALUES (?1, ?2, ?3, ?4, coalesce(?5, 0), coalesce(?6, 0), coalesce(?7, 1)) RETURNING id",
        )?
        .query_row(
            params![
                tenant_id,
                f.name,
                f.duration_min,
                f.price.flatten(),
                f.buffer_before_min,
                f.buffer_after_min,
                f.active
            ],
            |r| r.get(0),
        )?)
}

/// Changes what is given; false when the business has no such service.
pub fn update(conn: &Connection, tenant_id: TenantId, id: ServiceId, f: &ServiceFields) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(concat!(
            "UPDATE services SET name = coalesce(?3, name), duration_min = coalesce(?4, duration_min),
                 price_agorot = CASE WHEN ?5 THEN ?6 ELSE price_agorot END,
                 buffer_before_min = coalesce(?7, buffer_before_min), buffer_after_min = coalesce(?8, buffer_after_min),
                 active = coalesce(?9, active), updated_at = ",
            now_sql!(),
            " WHERE id = ?1 AND tenant_id = ?2"
        ))?
        .execute(params![
            id,
            tenant_id,
            f.name,
            f.duration_min,
            f.price.is_some(),
            f.price.flatten(),
            f.buffer_before_min,
            f.buffer_after_min,
            f.active
        ])?
        > 0)
}

/// Who gives the service (the ids are checked by the caller to be the business's staff).
pub fn set_staff(conn: &Connection, id: ServiceId, users: &[UserId]) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM service_staff WHERE service_id = ?1")?.execute([id])?;
    let mut add = conn.prepare_cached("INSERT OR IGNORE INTO service_staff (service_id, user_id) VALUES (?1, ?2)")?;
    for u in users {
        add.execute(params![id, u])?;
    }
    Ok(())
}

/// What deleting a service did.
#[derive(Debug, PartialEq, Eq)]
pub enum Deleted {
    Gone,
    NotFound,
    /// Appointments name it: it stays (deactivate it instead).
    InUse,
}

pub fn delete(conn: &Connection, tenant_id: TenantId, id: ServiceId) -> StoreResult<Deleted> {
    if get(conn, tenant_id, id)?.is_none() {
        return Ok(Deleted::NotFound);
    }
    let used: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM appointments WHERE service_id = ?1)")?
        .query_row([id], |r| r.get(0))?;
    if used {
        return Ok(Deleted::InUse);
    }
    conn.prepare_cached("DELETE FROM services WHERE id = ?1 AND tenant_id = ?2")?.execute(params![id, tenant_id])?;
    Ok(Deleted::Gone)
}
