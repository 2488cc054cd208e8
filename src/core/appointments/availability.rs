//! The availability engine fed from the data: the business's settings and
//! hours, who gives the service, their hours, time off and live bookings.
//! Runs on any connection (a read for `GET /api/availability`, the write
//! transaction of a booking, where the answer is final).

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use rusqlite::Connection;
use serde::Deserialize;

use super::BookingError;
use crate::{
    domain::{
        AppointmentId, ServiceId, TenantId, UserId,
        hours::{Schedule, WeekHours},
        slots::{self, Bounds, Length, Slot, Span},
    },
    store::{self, services::Service, tenants::Tenant},
};

/// Who asks decides which bounds hold: the AI and the availability endpoint
/// keep the business's minimum notice and horizon; a person booking from
/// the calendar may book any future time up to a year ahead (a walk-in in
/// ten minutes), still inside hours and clear of other bookings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rules {
    Offered,
    Staff,
}

/// The stored form of one time-off entry.
#[derive(Deserialize)]
struct TimeOff {
    starts_at: String,
    ends_at: String,
}

pub fn parse_utc(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// In the stored format (`2026-11-26T12:00:00.000Z`), which sorts as text.
pub fn stored(t: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(24);
    push_stored(&mut out, t);
    out
}

/// Appends [`stored`]'s text. By hand: availability answers write thousands
/// of instants, and chrono's `format` parses its pattern on every call.
pub fn push_stored(out: &mut String, t: DateTime<Utc>) {
    fn digits(out: &mut String, n: u32, width: u32) {
        for p in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10u32.pow(p) % 10) as u8));
        }
    }
    let (d, h) = (t.date_naive(), t.time());
    digits(out, u32::try_from(d.year()).unwrap_or(0), 4);
    out.push('-');
    digits(out, d.month(), 2);
    out.push('-');
    digits(out, d.day(), 2);
    out.push('T');
    digits(out, h.hour(), 2);
    out.push(':');
    digits(out, h.minute(), 2);
    out.push(':');
    digits(out, h.second(), 2);
    out.push('.');
    digits(out, h.nanosecond() / 1_000_000 % 1000, 3);
    out.push('Z');
}

/// Everything the engine needs about one business and service.
pub struct Inputs {
    pub tenant: Tenant,
    pub schedule: Schedule,
    pub service: Service,
    pub staff: Vec<(UserId, WeekHours, Vec<Span>)>,
}

impl Inputs {
    /// Reads the business, the (active) service and who may give it; only
    /// `staff` when given, which must be a staff member of the business
    /// (else 404) who gives the service (else 400).
    pub fn load(
        conn: &Connection,
        tenant_id: TenantId,
        service_id: ServiceId,
        staff: Option<UserId>,
    ) -> Result<Inputs, BookingError> {
        let tenant = store::tenants::get(conn, tenant_id)?.ok_or(BookingError::NotFound("business"))?;
        let service = store::services::get(conn, tenant_id, service_id)?
            .filter(|s| s.active)
            .ok_or(BookingError::NotFound("service"))?;
        let schedule = tenant.schedule();
        let everyone = store::schedules::staff(conn, tenant_id, &service.staff_user_ids)?;
        if let Some(id) = staff
            && !everyone.iter().any(|(u, _)| *u == id)
        {
            return Err(match store::schedules::staff(conn, tenant_id, &[id])?.is_empty() {
                true => BookingError::NotFound("staff member"),
                false => BookingError::invalid(
                    "staff_user_id",
                    "This staff member does not give this service.",
                    "Leave staff_user_id out to book whoever is free, or add them to the service's staff_user_ids.",
                ),
            });
        }
        let staff = everyone
            .into_iter()
            .filter(|(u, _)| staff.is_none_or(|id| id == *u))
            .map(|(u, s)| {
                let hours = s
                    .work_hours
                    .as_deref()
                    .and_then(|h| serde_json::from_str(h).ok())
                    .and_then(|v| WeekHours::parse(&v).ok())
                    .unwrap_or_else(|| schedule.hours.clone());
                let off = serde_json::from_str::<Vec<TimeOff>>(&s.time_off)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|o| Some(Span { from: parse_utc(&o.starts_at)?, until: parse_utc(&o.ends_at)? }))
                    .collect();
                (u, hours, off)
            })
            // "Every staff member with hours": a week with no open interval is nobody to book.
            .filter(|(_, h, _)| (0..7).any(|d| !h.day(d).is_empty()))
            .collect();
        Ok(Inputs { tenant, schedule, service, staff })
    }

    pub fn length(&self) -> Length {
        Length {
            duration_min: self.service.duration_min,
            buffer_before_min: self.service.buffer_before_min,
            buffer_after_min: self.service.buffer_after_min,
        }
    }

    pub fn bounds(&self, rules: Rules, now: DateTime<Utc>) -> Bounds<'_> {
        let t = &self.tenant;
        let (earliest, latest) = match rules {
            Rules::Offered => (
                now + Duration::minutes(i64::from(t.booking_min_notice_min)),
                now + Duration::days(i64::from(t.booking_horizon_days)),
            ),
            Rules::Staff => (now, now + Duration::days(366)),
        };
        Bounds {
            tz: self.schedule.tz,
            hours: &self.schedule.hours,
            holidays: &self.schedule.holidays,
            step_min: u16::try_from(t.booking_slot_step_min).unwrap_or(15),
            earliest,
            latest,
        }
    }

    /// Free slots starting in `[from, to)`; `except` is a booking being
    /// moved (its own time counts as free); `with_bookings` false ignores
    /// every booking (to tell "taken" from "never offered").
    pub fn slots(
        &self,
        conn: &Connection,
        rules: Rules,
        now: DateTime<Utc>,
        (from, to): (DateTime<Utc>, DateTime<Utc>),
        except: Option<AppointmentId>,
        with_bookings: bool,
    ) -> Result<Vec<Slot>, BookingError> {
        let len = self.length();
        let bounds = self.bounds(rules, now);
        // Bookings reaching into the window widened by the longest span a slot can block.
        let reach = Duration::minutes(len.duration_min + len.buffer_before_min + len.buffer_after_min + 1);
        let (lo, hi) = (stored(from - reach), stored(to + reach));
        let mut staff = Vec::with_capacity(self.staff.len());
        for (user_id, hours, off) in &self.staff {
            let busy = match with_bookings {
                true => store::appointments::busy(conn, *user_id, &lo, &hi, except)?
                    .iter()
                    .filter_map(|(a, b)| Some(Span { from: parse_utc(a)?, until: parse_utc(b)? }))
                    .collect(),
                false => Vec::new(),
            };
            staff.push(slots::Staff { user_id: *user_id, hours, time_off: off.clone(), busy });
        }
        Ok(slots::for_all(&bounds, &staff, len, from, to))
    }

    /// The next `n` free start times from `from` (within two weeks), one staff member each.
    pub fn alternatives(
        &self,
        conn: &Connection,
        rules: Rules,
        now: DateTime<Utc>,
        from: DateTime<Utc>,
        except: Option<AppointmentId>,
        n: usize,
    ) -> Result<Vec<Slot>, BookingError> {
        let from = from.max(now);
        let mut all = self.slots(conn, rules, now, (from, from + Duration::days(14)), except, true)?;
        all.dedup_by_key(|s| s.starts_at);
        all.truncate(n);
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_read_as_chrono_writes_them() {
        for s in ["2026-11-26T12:00:00.000Z", "1999-01-02T03:04:05.678Z", "2027-03-26T00:15:00.000Z"] {
            let t = parse_utc(s).unwrap();
            assert_eq!(stored(t), s);
            assert_eq!(stored(t), t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
        }
    }
}
