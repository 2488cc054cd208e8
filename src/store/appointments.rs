//! Appointments and their customer reminders. Every function that serves a
//! business takes it; the scheduler's are `*_unscoped` (each row carries its
//! own business). Times are UTC in the stored format.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::claims::{self, Queue};
use super::error::StoreResult;
use super::{Page, PageRequest, now_sql};
use crate::domain::{AppointmentId, AppointmentStatus, BookedBy, LeadId, ServiceId, TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Appointment {
    pub id: AppointmentId,
    pub lead_id: LeadId,
    pub lead_name: String,
    pub service_id: ServiceId,
    pub service_name: String,
    pub staff_user_id: UserId,
    pub staff_name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub status: AppointmentStatus,
    pub note: String,
    pub booked_by: BookedBy,
    pub booked_by_user_id: Option<UserId>,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const SELECT: &str = "SELECT a.id, a.lead_id, trim(l.first_name || ' ' || l.last_name), a.service_id, s.name,
                             a.staff_user_id, u.name, a.starts_at, a.ends_at, a.status, a.note, a.booked_by,
                             a.booked_by_user_id, a.cancel_reason, a.created_at, a.updated_at, a.tenant_id
                      FROM appointments a JOIN leads l ON l.id = a.lead_id JOIN services s ON s.id = a.service_id
                      JOIN users u ON u.id = a.staff_user_id";

fn from_row(r: &Row) -> rusqlite::Result<Appointment> {
    Ok(Appointment {
        id: r.get(0)?,
        lead_id: r.get(1)?,
        lead_name: r.get(2)?,
        service_id: r.get(3)?,
        service_name: r.get(4)?,
        staff_user_id: r.get(5)?,
        staff_name: r.get(6)?,
        starts_at: r.get(7)?,
        ends_at: r.get(8)?,
        status: r.get(9)?,
        note: r.get(10)?,
        booked_by: r.get(11)?,
        booked_by_user_id: r.get(12)?,
        cancel_reason: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

pub fn get(conn: &Connection, tenant_id: TenantId, id: AppointmentId) -> StoreResult<Option<Appointment>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE a.id = ?1 AND a.tenant_id = ?2"))?
        .query_row(params![id, tenant_id], from_row)
        .optional()?)
}

/// What a list is filtered by (all optional; times are stored-format UTC).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub staff_user_id: Option<UserId>,
    pub status: Option<AppointmentStatus>,
    pub lead_id: Option<LeadId>,
}

/// A page of the business's appointments, by start time.
pub fn list(conn: &Connection, tenant_id: TenantId, f: &Filter, page: PageRequest) -> StoreResult<Page<Appointment>> {
    let cond = "a.tenant_id = ?1 AND (?2 IS NULL OR a.starts_at >= ?2) AND (?3 IS NULL OR a.starts_at < ?3)
                AND (?4 IS NULL OR a.staff_user_id = ?4) AND (?5 IS NULL OR a.status = ?5)
                AND (?6 IS NULL OR a.lead_id = ?6)";
    let args = params![tenant_id, f.from, f.to, f.staff_user_id, f.status, f.lead_id];
    let items = conn
        .prepare_cached(&format!("{SELECT} WHERE {cond} ORDER BY a.starts_at, a.id LIMIT ?7 OFFSET ?8"))?
        .query_map(
            params![tenant_id, f.from, f.to, f.staff_user_id, f.status, f.lead_id, page.page_size, page.offset()],
            from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM appointments a WHERE {cond}"))?
        .query_row(args, |r| r.get(0))?;
    Ok(page.wrap(items, total))
}

/// The blocked spans (buffers included) of live bookings of `staff` that
/// reach into `[from, to)`, except `except` (the one being moved).
pub fn busy(
    conn: &Connection,
    staff: UserId,
    from: &str,
    to: &str,
    except: Option<AppointmentId>,
) -> StoreResult<Vec<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT blocked_from, blocked_until FROM appointments
             WHERE staff_user_id = ?1 AND status IN ('booked', 'confirmed') AND blocked_from < ?3 AND blocked_until > ?2
               AND id IS NOT ?4",
        )?
        .query_map(params![staff, from, to, except], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

/// How many live bookings `staff` has starting in `[from, to)` (to pick the least busy).
pub fn count_live(conn: &Connection, staff: UserId, from: &str, to: &str) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM appointments WHERE staff_user_id = ?1 AND status IN ('booked', 'confirmed')
             AND blocked_from < ?3 AND blocked_until > ?2",
        )?
        .query_row(params![staff, from, to], |r| r.get(0))?)
}

/// A booking's time and who gives it.
#[derive(Clone, Debug)]
pub struct Times {
    pub staff_user_id: UserId,
    pub starts_at: String,
    pub ends_at: String,
    pub blocked_from: String,
    pub blocked_until: String,
}

pub struct NewAppointment<'a> {
    pub lead_id: LeadId,
    pub service_id: ServiceId,
    pub times: &'a Times,
    pub note: &'a str,
    pub booked_by: BookedBy,
    pub booked_by_user_id: Option<UserId>,
}

pub fn insert(conn: &Connection, tenant_id: TenantId, a: &NewAppointment) -> StoreResult<AppointmentId> {
    let t = a.times;
    Ok(conn
        .prepare_cached(
            "INSERT INTO appointments (tenant_id, lead_id, service_id, staff_user_id, starts_at, ends_at, blocked_from,
                                       blocked_until, note, booked_by, booked_by_user_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
        )?
        .query_row(
            params![
                tenant_id,
                a.lead_id,
                a.service_id,
                t.staff_user_id,
                t.starts_at,
                t.ends_at,
                t.blocked_from,
                t.blocked_until,
                a.note,
                a.booked_by,
                a.booked_by_user_id
            ],
            |r| r.get(0),
        )?)
}

/// Moves a booking (and back to `booked`: the customer confirms the new time).
pub fn reschedule(conn: &Connection, tenant_id: TenantId, id: AppointmentId, t: &Times) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE appointments SET staff_user_id = ?3, starts_at = ?4, ends_at = ?5, blocked_from = ?6,
             blocked_until = ?7, status = 'booked', updated_at = ",
        now_sql!(),
        " WHERE id = ?1 AND tenant_id = ?2"
    ))?
    .execute(params![id, tenant_id, t.staff_user_id, t.starts_at, t.ends_at, t.blocked_from, t.blocked_until])?;
    Ok(())
}

pub fn set_status(
    conn: &Connection,
    tenant_id: TenantId,
    id: AppointmentId,
    status: AppointmentStatus,
    cancel_reason: Option<&str>,
) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE appointments SET status = ?3, cancel_reason = coalesce(?4, cancel_reason), updated_at = ",
        now_sql!(),
        " WHERE id = ?1 AND tenant_id = ?2"
    ))?
    .execute(params![id, tenant_id, status, cancel_reason])?;
    Ok(())
}

pub fn set_note(conn: &Connection, tenant_id: TenantId, id: AppointmentId, note: &str) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE appointments SET note = ?3, updated_at = ",
        now_sql!(),
        " WHERE id = ?1 AND tenant_id = ?2"
    ))?
    .execute(params![id, tenant_id, note])?;
    Ok(())
}

/// A lead's live bookings starting after `now`, soonest first.
pub fn upcoming_for_lead(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    now: &str,
) -> StoreResult<Vec<Appointment>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE a.tenant_id = ?1 AND a.lead_id = ?2 AND a.starts_at > ?3
                        AND a.status IN ('booked', 'confirmed') ORDER BY a.starts_at, a.id LIMIT 20"
        ))?
        .query_map(params![tenant_id, lead_id, now], from_row)?
        .collect::<Result<_, _>>()?)
}

/// One staff member's appointments starting in `[from, to)`, for their calendar feed.
pub fn for_staff(
    conn: &Connection,
    tenant_id: TenantId,
    staff: UserId,
    from: &str,
    to: &str,
) -> StoreResult<Vec<Appointment>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE a.tenant_id = ?1 AND a.staff_user_id = ?2 AND a.starts_at >= ?3 AND a.starts_at < ?4
             ORDER BY a.starts_at, a.id LIMIT 5000"
        ))?
        .query_map(params![tenant_id, staff, from, to], from_row)?
        .collect::<Result<_, _>>()?)
}

/// The customer reminders' queue (see `store::claims`).
pub const REMINDERS: Queue = claims::APPOINTMENT_REMINDERS;

/// Sets when the customer is reminded (again): pending at `at`, whatever it was.
pub fn schedule_reminder(conn: &Connection, tenant_id: TenantId, id: AppointmentId, at: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO appointment_reminders (tenant_id, appointment_id, next_attempt_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (appointment_id) DO UPDATE SET status = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at,
             claim_token = NULL, claimed_at = NULL, sent_at = NULL, last_error = NULL",
    )?
    .execute(params![tenant_id, id, at])?;
    Ok(())
}

/// No reminder for a cancelled booking (one being sent right now finishes).
pub fn drop_reminder(conn: &Connection, id: AppointmentId) -> StoreResult<()> {
    conn.prepare_cached(
        "DELETE FROM appointment_reminders WHERE appointment_id = ?1 AND status IN ('pending', 'failed')",
    )?
    .execute([id])?;
    Ok(())
}

/// A claimed reminder: its row, its token, and the appointment it is about.
#[derive(Clone, Debug)]
pub struct ClaimedReminder {
    pub id: i64,
    pub token: String,
    pub attempts: i64,
    pub tenant_id: TenantId,
    pub appointment_id: AppointmentId,
}

/// Claims due reminders (see `store::claims`).
pub fn claim_due_unscoped(conn: &Connection, now: &str, limit: i64) -> StoreResult<Vec<ClaimedReminder>> {
    claims::claim_due_unscoped(
        conn,
        REMINDERS,
        now,
        limit,
        "id, claim_token, attempts, tenant_id, appointment_id",
        |r| {
            Ok(ClaimedReminder {
                id: r.get(0)?,
                token: r.get(1)?,
                attempts: r.get(2)?,
                tenant_id: r.get(3)?,
                appointment_id: r.get(4)?,
            })
        },
    )
}

/// The lead's soonest live booking whose reminder went out and that has not
/// started yet: what a reply `1` or `2` is about.
pub fn reminded_for_lead(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    now: &str,
) -> StoreResult<Option<Appointment>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} JOIN appointment_reminders r ON r.appointment_id = a.id AND r.status = 'sent'
             WHERE a.tenant_id = ?1 AND a.lead_id = ?2 AND a.starts_at > ?3 AND a.status IN ('booked', 'confirmed')
             ORDER BY a.starts_at LIMIT 1"
        ))?
        .query_row(params![tenant_id, lead_id, now], from_row)
        .optional()?)
}
