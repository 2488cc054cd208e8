//! The AI's booking tools: find free slots, book one for the conversation's
//! lead, move or cancel that lead's own future appointments, and list them.
//! The rules are the core's (`core::appointments`), with the AI's bounds:
//! only slots availability offers (minimum notice and horizon included),
//! only this lead's appointments, and a few upcoming bookings at most.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Done, Failure, Step, ToolScope, parse, refuse};
use crate::{
    core::appointments::{self as booking, BookingError, Changed, Who, availability},
    domain::{AppointmentId, slots::Slot, text},
    store::{self, appointments::Appointment, services::Service},
};

/// At most this many slots go back to the model at once.
const SLOTS_MAX: usize = 6;
/// A lead may hold at most this many upcoming bookings made by the AI.
const UPCOMING_MAX: usize = 3;

impl From<BookingError> for Failure {
    fn from(e: BookingError) -> Self {
        match e {
            BookingError::Store(e) => Failure::Store(e),
            BookingError::Invalid(e) => Failure::Refused(e.message),
            BookingError::NotFound(what) => Failure::Refused(format!("no such {what}")),
            BookingError::Taken(alt) => Failure::Refused(format!("that time was just taken; free: {}", times(&alt))),
            BookingError::Unavailable(alt) => {
                Failure::Refused(format!("that time is not bookable; the next free times are: {}", times(&alt)))
            }
            BookingError::Status(why) => Failure::Refused(why),
        }
    }
}

/// RFC 3339 with the business's offset, as the model reads and sends times.
fn local_rfc3339(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn times(slots: &[Slot]) -> String {
    // Refusals are short: UTC RFC 3339 needs no zone to read.
    let list: Vec<String> = slots.iter().map(|s| availability::stored(s.starts_at)).collect();
    if list.is_empty() { "none in the next two weeks".into() } else { list.join(", ") }
}

fn tz_of(tx: &Connection, at: ToolScope) -> Result<Tz, Failure> {
    let t = store::tenants::get(tx, at.tenant_id)?.ok_or_else(|| refuse("the business is gone"))?;
    Ok(t.schedule().tz)
}

/// The service the model named (by name, any case; a unique partial match
/// will do), or the only one there is.
fn service(tx: &Connection, at: ToolScope, name: Option<&str>) -> Result<Service, Failure> {
    let all = store::services::list(tx, at.tenant_id, true)?;
    let names = || all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
    let wanted = name.map(|n| n.trim().to_lowercase()).filter(|n| !n.is_empty());
    let found: Vec<&Service> = match &wanted {
        None => all.iter().collect(),
        Some(n) => match all.iter().find(|s| s.name.to_lowercase() == *n) {
            Some(s) => vec![s],
            None => all.iter().filter(|s| s.name.to_lowercase().contains(n.as_str())).collect(),
        },
    };
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] if all.is_empty() => Err(refuse("this business takes no bookings (it has no services)")),
        _ => Err(refuse(format!("say which service: {}", names()))),
    }
}

fn instant(field: &str, s: &str) -> Result<DateTime<Utc>, Failure> {
    availability::parse_utc(s.trim()).ok_or_else(|| refuse(format!("{field} must be an RFC 3339 time with offset")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FindArgs {
    service: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    part_of_day: Option<String>,
}

/// A local date (`YYYY-MM-DD`, or the date of an RFC 3339 time).
fn date(field: &str, s: &str, tz: Tz) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .or_else(|| availability::parse_utc(s.trim()).map(|t| t.with_timezone(&tz).date_naive()))
        .ok_or_else(|| refuse(format!("{field} must be a date, YYYY-MM-DD")))
}

fn midnight(d: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.with_timezone(&Utc))
}

pub(super) fn find_slots(tx: &Connection, at: ToolScope, args: &Value) -> Step {
    let a: FindArgs = parse(args)?;
    let svc = service(tx, at, a.service.as_deref())?;
    let tz = tz_of(tx, at)?;
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let from = a.date_from.as_deref().map(|s| date("date_from", s, tz)).transpose()?.unwrap_or(today).max(today);
    let to = a.date_to.as_deref().map(|s| date("date_to", s, tz)).transpose()?.unwrap_or(from + Duration::days(6));
    if to < from || to - from > Duration::days(30) {
        return Err(refuse("date_to must be on or after date_from, at most 30 days later"));
    }
    let hours = match a.part_of_day.as_deref().map(str::trim) {
        None | Some("" | "any") => 0..24,
        Some("morning") => 0..12,
        Some("afternoon") => 12..17,
        Some("evening") => 17..24,
        Some(other) => return Err(refuse(format!("part_of_day `{other}` is not morning, afternoon or evening"))),
    };
    let (Some(lo), Some(hi)) = (midnight(from, tz), midnight(to + Duration::days(1), tz)) else {
        return Err(refuse("those dates are out of range"));
    };
    let inputs = availability::Inputs::load(tx, at.tenant_id, svc.id, None)?;
    let mut slots = inputs.slots(tx, availability::Rules::Offered, now, (lo, hi), None, true)?;
    slots.retain(|s| hours.contains(&s.starts_at.with_timezone(&tz).hour()));
    slots.dedup_by_key(|s| s.starts_at);
    let found = slots.len();
    let list: Vec<Value> = slots.iter().take(SLOTS_MAX).map(|s| json!(local_rfc3339(s.starts_at, tz))).collect();
    let summary = format!("{} free {} slot(s) from {from} to {to}", found, svc.name);
    Ok((
        summary,
        json!({"service": svc.name, "duration_min": svc.duration_min, "slots": list, "more": found > SLOTS_MAX}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BookArgs {
    service: Option<String>,
    starts_at: String,
}

fn answer(c: &Changed, tz: Tz) -> Value {
    let a = &c.appointment;
    json!({"ok": true, "appointment_id": a.id, "service": a.service_name, "with": a.staff_name,
           "starts_at": availability::parse_utc(&a.starts_at).map(|t| local_rfc3339(t, tz)), "status": a.status})
}

fn keep(done: &mut Done, c: Changed) {
    done.activities.push(c.activity);
    done.notifications.extend(c.notifications);
    // Wakes the scheduler: the customer's reminder may be due at once.
    done.reminders_set = true;
}

pub(super) fn book(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: BookArgs = parse(args)?;
    let svc = service(tx, at, a.service.as_deref())?;
    let starts_at = instant("starts_at", &a.starts_at)?;
    let now = Utc::now();
    let upcoming = store::appointments::upcoming_for_lead(tx, at.tenant_id, at.lead_id, &availability::stored(now))?;
    if upcoming.len() >= UPCOMING_MAX {
        return Err(refuse(format!("this customer already has {UPCOMING_MAX} upcoming appointments")));
    }
    let b = booking::Booking {
        lead_id: at.lead_id,
        service_id: svc.id,
        starts_at,
        staff_user_id: None,
        note: String::new(),
    };
    let c = booking::book(tx, at.tenant_id, &b, Who::AI, now)?;
    let tz = tz_of(tx, at)?;
    let result = answer(&c, tz);
    let summary = format!("booked {}", c.activity.body);
    keep(done, c);
    Ok((summary, result))
}

/// The lead's own upcoming appointment: the one named, or the only one.
fn own(tx: &Connection, at: ToolScope, id: Option<i64>) -> Result<Appointment, Failure> {
    let upcoming =
        store::appointments::upcoming_for_lead(tx, at.tenant_id, at.lead_id, &availability::stored(Utc::now()))?;
    match (id, upcoming.as_slice()) {
        (Some(id), list) => list
            .iter()
            .find(|a| a.id == AppointmentId(id))
            .cloned()
            .ok_or_else(|| refuse("this customer has no such upcoming appointment")),
        (None, [one]) => Ok(one.clone()),
        (None, []) => Err(refuse("this customer has no upcoming appointment")),
        (None, _) => Err(refuse("this customer has several upcoming appointments; give appointment_id")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveArgs {
    appointment_id: Option<i64>,
    starts_at: String,
}

pub(super) fn reschedule(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: MoveArgs = parse(args)?;
    let appt = own(tx, at, a.appointment_id)?;
    let starts_at = instant("starts_at", &a.starts_at)?;
    let c = booking::reschedule(tx, at.tenant_id, appt.id, starts_at, None, Who::AI, Utc::now())?;
    let result = answer(&c, tz_of(tx, at)?);
    let summary = format!("moved to {}", c.activity.body);
    keep(done, c);
    Ok((summary, result))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelArgs {
    appointment_id: Option<i64>,
    reason: Option<String>,
}

pub(super) fn cancel(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: CancelArgs = parse(args)?;
    let appt = own(tx, at, a.appointment_id)?;
    let reason = a.reason.as_deref().map(|r| text::check("reason", r, 500, true)).transpose()?;
    let c = booking::cancel(tx, at.tenant_id, appt.id, reason.as_deref().filter(|r| !r.is_empty()), Who::AI)?;
    let summary = format!("cancelled {}", c.activity.body);
    keep(done, c);
    Ok((summary, json!({"ok": true, "appointment_id": appt.id, "status": "cancelled"})))
}

pub(super) fn list_mine(tx: &Connection, at: ToolScope) -> Step {
    let tz = tz_of(tx, at)?;
    let upcoming =
        store::appointments::upcoming_for_lead(tx, at.tenant_id, at.lead_id, &availability::stored(Utc::now()))?;
    let items: Vec<Value> = upcoming
        .iter()
        .map(|a| {
            json!({"appointment_id": a.id, "service": a.service_name, "with": a.staff_name, "status": a.status,
                   "starts_at": availability::parse_utc(&a.starts_at).map(|t| local_rfc3339(t, tz))})
        })
        .collect();
    Ok((format!("{} upcoming appointment(s)", items.len()), json!({"appointments": items})))
}
