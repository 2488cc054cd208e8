//! Appointments: booking, rescheduling, confirming, completing and
//! cancelling, one rule for every caller (staff, the AI, the customer's
//! reply). Each runs inside the caller's write transaction: the check that
//! the slot is free and the write are one transaction on the one writer, so
//! two requests for one slot can never both succeed. Each change writes its
//! activity on the lead (who did it: a person, the AI, the customer),
//! (re)schedules or drops the customer's reminder, and tells the staff
//! member when the AI or the customer booked or cancelled.

pub mod availability;
pub mod reply;
pub mod words;

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde_json::json;

use crate::{
    domain::{
        ActivityKind, AppointmentId, AppointmentStatus, BookedBy, Invalid, LeadId, Scope, ServiceId, TenantId, UserId,
        slots::Slot,
    },
    store::{
        self, Actor, StoreError,
        activities::Activity,
        appointments::{Appointment, NewAppointment, Times},
        notifications::{NewNotification, Notification},
    },
};
use availability::{Inputs, Rules, stored};

/// Why a booking change did not happen.
#[derive(Debug)]
pub enum BookingError {
    Store(StoreError),
    Invalid(Invalid),
    NotFound(&'static str),
    /// Another booking holds the time; the next free slots.
    Taken(Vec<Slot>),
    /// The time is not bookable at all (closed, off the grid, too soon, too far); the next free slots.
    Unavailable(Vec<Slot>),
    /// The appointment's status does not allow this (e.g. confirming a cancelled one).
    Status(String),
}

impl BookingError {
    pub fn invalid(field: &str, message: &str, hint: &str) -> Self {
        BookingError::Invalid(Invalid::new(field, message, hint))
    }
}

impl From<StoreError> for BookingError {
    fn from(e: StoreError) -> Self {
        BookingError::Store(e)
    }
}

impl From<rusqlite::Error> for BookingError {
    fn from(e: rusqlite::Error) -> Self {
        BookingError::Store(e.into())
    }
}

impl From<super::CoreError> for BookingError {
    fn from(e: super::CoreError) -> Self {
        match e {
            super::CoreError::Store(e) => BookingError::Store(e),
            super::CoreError::Invalid(e) => BookingError::Invalid(e),
        }
    }
}

/// Who is changing a booking.
#[derive(Clone, Copy, Debug)]
pub struct Who {
    pub by: BookedBy,
    /// The signed-in person, when it is one.
    pub actor: Option<Actor>,
}

impl Who {
    pub fn person(actor: Actor) -> Who {
        Who { by: BookedBy::Person, actor: Some(actor) }
    }
    pub const AI: Who = Who { by: BookedBy::Ai, actor: None };
    pub const CUSTOMER: Who = Who { by: BookedBy::Customer, actor: None };

    fn rules(&self) -> Rules {
        if self.by == BookedBy::Person { Rules::Staff } else { Rules::Offered }
    }
}

/// What a change wrote, for the caller to answer with and publish after the commit.
#[derive(Debug)]
pub struct Changed {
    pub appointment: Appointment,
    pub activity: Activity,
    pub notifications: Vec<Notification>,
}

/// Publishes what a change wrote, after its commit: the activity, the
/// notifications, and a wake-up for the scheduler (a reminder may be due).
pub fn announce(ctx: &crate::context::Context, c: &Changed) {
    ctx.events.activity(&c.activity);
    for n in &c.notifications {
        ctx.events.notification(n);
    }
    ctx.reminder_wake.now();
}

pub struct Booking {
    pub lead_id: LeadId,
    pub service_id: ServiceId,
    pub starts_at: DateTime<Utc>,
    pub staff_user_id: Option<UserId>,
    pub note: String,
}

/// Books `b` if its time is free for the staff member asked for, or, when
/// none is, for the staff member giving the service who has the fewest live
/// bookings that local day (then the lowest id).
pub fn book(
    tx: &Connection,
    tenant_id: TenantId,
    b: &Booking,
    who: Who,
    now: DateTime<Utc>,
) -> Result<Changed, BookingError> {
    store::leads::get(tx, Scope::Tenant(tenant_id), b.lead_id)?.ok_or(BookingError::NotFound("lead"))?;
    let inputs = Inputs::load(tx, tenant_id, b.service_id, b.staff_user_id)?;
    let times = free_times(tx, &inputs, who, now, b.starts_at, None, None)?;
    let new = NewAppointment {
        lead_id: b.lead_id,
        service_id: b.service_id,
        times: &times,
        note: &b.note,
        booked_by: who.by,
        booked_by_user_id: who.actor.map(|a| a.user_id),
    };
    let id = store::appointments::insert(tx, tenant_id, &new)?;
    let a = get(tx, tenant_id, id)?;
    remind(tx, &inputs, &a, now)?;
    let activity = record(tx, tenant_id, &a, ActivityKind::AppointmentBooked, who, &inputs, json!({}))?;
    let notifications = tell_staff(tx, tenant_id, &a, "appointment_booked", who, &inputs)?;
    Ok(Changed { appointment: a, activity, notifications })
}

/// Moves a live booking to `starts_at` (with the same service), keeping its
/// staff member when they are free then, else as [`book`] picks.
pub fn reschedule(
    tx: &Connection,
    tenant_id: TenantId,
    id: AppointmentId,
    starts_at: DateTime<Utc>,
    staff: Option<UserId>,
    who: Who,
    now: DateTime<Utc>,
) -> Result<Changed, BookingError> {
    let before = live(tx, tenant_id, id)?;
    let inputs = Inputs::load(tx, tenant_id, before.service_id, staff)?;
    let times = free_times(tx, &inputs, who, now, starts_at, Some(id), Some(before.staff_user_id))?;
    store::appointments::reschedule(tx, tenant_id, id, &times)?;
    let a = get(tx, tenant_id, id)?;
    remind(tx, &inputs, &a, now)?;
    let data = json!({"from": before.starts_at, "from_staff_user_id": before.staff_user_id});
    let activity = record(tx, tenant_id, &a, ActivityKind::AppointmentRescheduled, who, &inputs, data)?;
    let notifications = tell_staff(tx, tenant_id, &a, "appointment_rescheduled", who, &inputs)?;
    Ok(Changed { appointment: a, activity, notifications })
}

/// `confirmed` (from booked), `completed` or `no_show` (from booked or
/// confirmed). Setting the status it already has changes nothing (None).
pub fn set_status(
    tx: &Connection,
    tenant_id: TenantId,
    id: AppointmentId,
    status: AppointmentStatus,
    who: Who,
) -> Result<Option<Changed>, BookingError> {
    use AppointmentStatus::*;
    let a = get(tx, tenant_id, id)?;
    if a.status == status {
        return Ok(None);
    }
    let kind = match (a.status, status) {
        (Booked, Confirmed) => ActivityKind::AppointmentConfirmed,
        (Booked | Confirmed, Completed) => ActivityKind::AppointmentCompleted,
        (Booked | Confirmed, NoShow) => ActivityKind::AppointmentNoShow,
        (_, Cancelled) => return cancel(tx, tenant_id, id, None, who).map(Some),
        (from, to) => {
            return Err(BookingError::Status(format!(
                "An appointment that is {} cannot become {}.",
                from.as_str(),
                to.as_str()
            )));
        }
    };
    store::appointments::set_status(tx, tenant_id, id, status, None)?;
    if status != Confirmed {
        store::appointments::drop_reminder(tx, id)?;
    }
    let a = get(tx, tenant_id, id)?;
    let inputs_tz = tz_of(tx, tenant_id)?;
    let body = words::line(&a, inputs_tz);
    let data = json!({"appointment_id": a.id, "starts_at": a.starts_at, "status": a.status, "by": who.by});
    let activity = store::activities::add(tx, tenant_id, a.lead_id, kind, &body, &data, who.actor)?;
    Ok(Some(Changed { appointment: a, activity, notifications: Vec::new() }))
}

/// Cancels a live booking; the staff member is told when the AI or the customer cancelled.
pub fn cancel(
    tx: &Connection,
    tenant_id: TenantId,
    id: AppointmentId,
    reason: Option<&str>,
    who: Who,
) -> Result<Changed, BookingError> {
    let a = live(tx, tenant_id, id)?;
    store::appointments::set_status(tx, tenant_id, id, AppointmentStatus::Cancelled, reason)?;
    store::appointments::drop_reminder(tx, id)?;
    let a = Appointment { status: AppointmentStatus::Cancelled, cancel_reason: reason.map(str::to_string), ..a };
    let tz = tz_of(tx, tenant_id)?;
    let body = match reason {
        Some(r) if !r.is_empty() => format!("{} ({r})", words::line(&a, tz)),
        _ => words::line(&a, tz),
    };
    let data = json!({"appointment_id": a.id, "starts_at": a.starts_at, "reason": reason, "by": who.by});
    let activity =
        store::activities::add(tx, tenant_id, a.lead_id, ActivityKind::AppointmentCancelled, &body, &data, who.actor)?;
    let notifications = match who.by {
        BookedBy::Person => Vec::new(),
        _ => vec![notify_one(tx, tenant_id, &a, "appointment_cancelled", &body)?],
    };
    let a = get(tx, tenant_id, id)?;
    Ok(Changed { appointment: a, activity, notifications })
}

pub fn get(conn: &Connection, tenant_id: TenantId, id: AppointmentId) -> Result<Appointment, BookingError> {
    store::appointments::get(conn, tenant_id, id)?.ok_or(BookingError::NotFound("appointment"))
}

/// A booking that can still be moved or cancelled.
fn live(conn: &Connection, tenant_id: TenantId, id: AppointmentId) -> Result<Appointment, BookingError> {
    let a = get(conn, tenant_id, id)?;
    match a.status {
        AppointmentStatus::Booked | AppointmentStatus::Confirmed => Ok(a),
        s => Err(BookingError::Status(format!("The appointment is {} already.", s.as_str()))),
    }
}

fn tz_of(conn: &Connection, tenant_id: TenantId) -> Result<chrono_tz::Tz, BookingError> {
    let t = store::tenants::get(conn, tenant_id)?.ok_or(BookingError::NotFound("business"))?;
    Ok(t.schedule().tz)
}

/// The times of a booking at `start`: with `prefer` (or the one staff member
/// asked for) when free, else the least busy free one that day. Refused as
/// taken (another booking holds it) or unavailable (never offered), with
/// the next free slots.
fn free_times(
    tx: &Connection,
    inputs: &Inputs,
    who: Who,
    now: DateTime<Utc>,
    start: DateTime<Utc>,
    except: Option<AppointmentId>,
    prefer: Option<UserId>,
) -> Result<Times, BookingError> {
    let rules = who.rules();
    let window = (start, start + Duration::seconds(1));
    let free = inputs.slots(tx, rules, now, window, except, true)?;
    let chosen = match prefer.and_then(|p| free.iter().find(|s| s.staff_user_id == p)) {
        Some(s) => Some(*s),
        None => least_busy(tx, inputs, &free)?,
    };
    let Some(slot) = chosen else {
        let alternatives = inputs.alternatives(tx, rules, now, start, except, 3)?;
        let offered = !inputs.slots(tx, rules, now, window, except, false)?.is_empty();
        return Err(if offered { BookingError::Taken(alternatives) } else { BookingError::Unavailable(alternatives) });
    };
    let blocked = inputs.length().blocked(slot.starts_at);
    Ok(Times {
        staff_user_id: slot.staff_user_id,
        starts_at: stored(slot.starts_at),
        ends_at: stored(slot.ends_at),
        blocked_from: stored(blocked.from),
        blocked_until: stored(blocked.until),
    })
}

/// Of the free staff members at one time: the fewest live bookings that local day, then the lowest id.
fn least_busy(tx: &Connection, inputs: &Inputs, free: &[Slot]) -> Result<Option<Slot>, BookingError> {
    let Some(first) = free.first() else { return Ok(None) };
    let tz = inputs.schedule.tz;
    let day = first.starts_at.with_timezone(&tz).date_naive();
    let bound = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|n| n.and_local_timezone(tz).earliest())
            .map(|t| stored(t.with_timezone(&Utc)))
            .unwrap_or_default()
    };
    let (from, to) = (bound(day), bound(day.succ_opt().unwrap_or(day)));
    let mut best: Option<(i64, Slot)> = None;
    for s in free {
        let n = store::appointments::count_live(tx, s.staff_user_id, &from, &to)?;
        if best.as_ref().is_none_or(|(m, b)| n < *m || (n == *m && s.staff_user_id < b.staff_user_id)) {
            best = Some((n, *s));
        }
    }
    Ok(best.map(|(_, s)| s))
}

/// The customer is reminded `booking_reminder_hours` before the start, or
/// at once when that moment has passed (the scheduler sends it).
fn remind(tx: &Connection, inputs: &Inputs, a: &Appointment, now: DateTime<Utc>) -> Result<(), BookingError> {
    let Some(start) = availability::parse_utc(&a.starts_at) else { return Ok(()) };
    let at = (start - Duration::hours(i64::from(inputs.tenant.booking_reminder_hours))).max(now);
    store::appointments::schedule_reminder(tx, inputs.tenant.id, a.id, &stored(at))?;
    Ok(())
}

fn record(
    tx: &Connection,
    tenant_id: TenantId,
    a: &Appointment,
    kind: ActivityKind,
    who: Who,
    inputs: &Inputs,
    extra: serde_json::Value,
) -> Result<Activity, BookingError> {
    let mut data = json!({"appointment_id": a.id, "service_id": a.service_id, "staff_user_id": a.staff_user_id,
                          "starts_at": a.starts_at, "ends_at": a.ends_at, "by": who.by});
    if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    let body = words::line(a, inputs.schedule.tz);
    Ok(store::activities::add(tx, tenant_id, a.lead_id, kind, &body, &data, who.actor)?)
}

/// The staff member hears of what the AI or the customer did (a person booking knows already).
fn tell_staff(
    tx: &Connection,
    tenant_id: TenantId,
    a: &Appointment,
    kind: &str,
    who: Who,
    inputs: &Inputs,
) -> Result<Vec<Notification>, BookingError> {
    if who.by == BookedBy::Person {
        return Ok(Vec::new());
    }
    Ok(vec![notify_one(tx, tenant_id, a, kind, &words::line(a, inputs.schedule.tz))?])
}

fn notify_one(
    tx: &Connection,
    tenant_id: TenantId,
    a: &Appointment,
    kind: &str,
    body: &str,
) -> Result<Notification, BookingError> {
    let n = NewNotification {
        user_id: a.staff_user_id,
        kind,
        title: &a.lead_name,
        body,
        lead_id: Some(a.lead_id),
        reminder_id: None,
    };
    Ok(super::notify::notify(tx, tenant_id, &n)?)
}
