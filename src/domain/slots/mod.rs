//! The availability engine: which start times a service can be booked at,
//! per staff member. Pure: the caller reads hours, time off and bookings and
//! passes them in with "now".
//!
//! A slot starts on the step grid counted from local midnight, lies inside
//! the business's hours intersected with the staff member's (minus holidays),
//! ends by the close of that interval, avoids the staff member's time off,
//! and its span widened by the service's buffers is clear of every live
//! booking's own widened span. Local wall times are turned into instants in
//! the business's zone: on the spring-forward day the missing hour offers
//! nothing, and on the fall-back day a repeated wall time is offered once
//! (its first occurrence).

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::{UserId, hours::WeekHours};

/// A stretch of time, `from` inclusive, `until` exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// How long a service takes, and the time kept free before and after it.
#[derive(Clone, Copy, Debug)]
pub struct Length {
    pub duration_min: i64,
    pub buffer_before_min: i64,
    pub buffer_after_min: i64,
}

impl Length {
    /// The span a booking starting at `start` keeps busy (buffers included).
    pub fn blocked(&self, start: DateTime<Utc>) -> Span {
        Span {
            from: start - Duration::minutes(self.buffer_before_min),
            until: start + Duration::minutes(self.duration_min + self.buffer_after_min),
        }
    }

    pub fn end(&self, start: DateTime<Utc>) -> DateTime<Utc> {
        start + Duration::minutes(self.duration_min)
    }
}

/// The business-wide bounds: its zone, hours and holidays, the grid step,
/// and the earliest and latest start allowed (notice and horizon from now).
pub struct Bounds<'a> {
    pub tz: Tz,
    pub hours: &'a WeekHours,
    pub holidays: &'a [NaiveDate],
    pub step_min: u16,
    pub earliest: DateTime<Utc>,
    pub latest: DateTime<Utc>,
}

/// One staff member's side: their week, time off and live bookings.
pub struct Staff<'a> {
    pub user_id: UserId,
    pub hours: &'a WeekHours,
    pub time_off: Vec<Span>,
    /// Blocked spans (buffers included) of their booked and confirmed appointments.
    pub busy: Vec<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub staff_user_id: UserId,
}

/// Sorted, merged spans that answer "does this overlap anything" by binary search.
struct Blocked(Vec<Span>);

impl Blocked {
    fn new(mut spans: Vec<Span>) -> Blocked {
        spans.retain(|s| s.until > s.from);
        spans.sort_unstable();
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match merged.last_mut() {
                Some(last) if s.from <= last.until => last.until = last.until.max(s.until),
                _ => merged.push(s),
            }
        }
        Blocked(merged)
    }

    fn overlaps(&self, s: Span) -> bool {
        let i = self.0.partition_point(|b| b.until <= s.from);
        self.0.get(i).is_some_and(|b| b.from < s.until)
    }
}

/// Two sorted lists of disjoint intervals, intersected.
fn intersect(a: &[(u16, u16)], b: &[(u16, u16)]) -> Vec<(u16, u16)> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let (s, e) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        if s < e {
            out.push((s, e));
        }
        if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
    }
    out
}

/// The instant of a local wall time, when it exists (None in a DST gap);
/// a repeated wall time is its first occurrence.
fn exact(tz: Tz, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
    let naive = date.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(minute));
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// Where a local wall time falls, or the first instant after a DST gap (for the ends of intervals).
fn at_or_after(tz: Tz, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
    exact(tz, date, minute).or_else(|| {
        let naive = date.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(minute) + 60);
        tz.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
    })
}

/// How a local day's wall times become instants: one fixed offset on an
/// ordinary day (plain arithmetic), the zone's rules on a day the clocks change.
enum DayClock {
    Fixed(DateTime<Utc>),
    Changing,
}

fn clock(tz: Tz, date: NaiveDate) -> DayClock {
    let offset =
        |d: NaiveDate| d.and_hms_opt(0, 0, 0).and_then(|n| tz.offset_from_local_datetime(&n).single()).map(|o| o.fix());
    match (offset(date), date.succ_opt().and_then(offset)) {
        (Some(a), Some(b)) if a == b => match date.and_hms_opt(0, 0, 0) {
            Some(n) => DayClock::Fixed((n - Duration::seconds(i64::from(a.local_minus_utc()))).and_utc()),
            None => DayClock::Changing,
        },
        _ => DayClock::Changing,
    }
}

impl DayClock {
    fn exact(&self, tz: Tz, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
        match self {
            DayClock::Fixed(midnight) => Some(*midnight + Duration::minutes(i64::from(minute))),
            DayClock::Changing => exact(tz, date, minute),
        }
    }

    fn at_or_after(&self, tz: Tz, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
        match self {
            DayClock::Fixed(midnight) => Some(*midnight + Duration::minutes(i64::from(minute))),
            DayClock::Changing => at_or_after(tz, date, minute),
        }
    }
}

/// Every slot of one staff member starting in `[from, to)`, in time order.
pub fn for_staff(b: &Bounds, staff: &Staff, len: Length, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Slot> {
    let step = b.step_min.max(1);
    let lo = from.max(b.earliest);
    let hi = to.min(b.latest);
    let mut out = Vec::new();
    if lo >= hi {
        return out;
    }
    let (off, busy) = (Blocked::new(staff.time_off.clone()), Blocked::new(staff.busy.clone()));
    let (duration, before) = (Duration::minutes(len.duration_min), Duration::minutes(len.buffer_before_min));
    let after = Duration::minutes(len.buffer_after_min);
    // The day before too: a local day's hours may begin before `lo`'s UTC date.
    let first = lo.with_timezone(&b.tz).date_naive().pred_opt().unwrap_or(NaiveDate::MIN);
    let last = hi.with_timezone(&b.tz).date_naive();
    let mut date = first;
    while date <= last {
        if b.holidays.binary_search(&date).is_err() {
            let wd = date.weekday().num_days_from_sunday() as usize;
            let day = clock(b.tz, date);
            for (s, e) in intersect(b.hours.day(wd), staff.hours.day(wd)) {
                let Some(close) = day.at_or_after(b.tz, date, e) else { continue };
                let mut m = s.div_ceil(step) * step;
                while m < e {
                    if let Some(start) = day.exact(b.tz, date, m) {
                        let end = start + duration;
                        if end > close || start >= hi {
                            break;
                        }
                        if start >= lo
                            && !off.overlaps(Span { from: start, until: end })
                            && !busy.overlaps(Span { from: start - before, until: end + after })
                        {
                            out.push(Slot { starts_at: start, ends_at: end, staff_user_id: staff.user_id });
                        }
                    }
                    m += step;
                }
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    // A fall-back day can put a later wall time at an earlier instant than the day's last; keep order.
    out.sort_by_key(|s| s.starts_at);
    out.dedup_by_key(|s| s.starts_at);
    out
}

/// Every staff member's slots in `[from, to)`, by start time, then staff id.
pub fn for_all(b: &Bounds, staff: &[Staff], len: Length, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Slot> {
    let mut out: Vec<Slot> = staff.iter().flat_map(|s| for_staff(b, s, len, from, to)).collect();
    out.sort_by_key(|s| (s.starts_at, s.staff_user_id));
    out
}

#[cfg(test)]
mod tests;
