//! Business hours: weekly intervals in the business's own time zone, plus
//! closed days. "Open now" and "next opening" are computed on local wall
//! time, so a DST change moves the UTC instants, never the local hours.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::Invalid;

/// `sun` first, as weekdays are counted from Sunday (the Israeli week).
pub const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MAX_INTERVALS: usize = 8;
const MAX_HOLIDAYS: usize = 400;
/// Sun-Thu 09:00-18:00, Fri 09:00-13:00, Sat closed.
pub const DEFAULT_JSON: &str = r#"{"sun":[["09:00","18:00"]],"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","13:00"]],"sat":[]}"#;

/// Open intervals per weekday, in minutes from local midnight (`end` may be 1440).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeekHours([Vec<(u16, u16)>; 7]);

fn bad(message: String) -> Invalid {
    Invalid::new(
        "business_hours",
        message,
        r#"Send {"sun":[["09:00","18:00"]], ..., "sat":[]}: local HH:MM intervals per day, "24:00" for end of day."#,
    )
}

fn minutes(s: &str, allow_end_of_day: bool) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if allow_end_of_day => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

impl WeekHours {
    /// Parses and checks a request's (or the database's) JSON; days left out are closed.
    pub fn parse(v: &Value) -> Result<WeekHours, Invalid> {
        let obj = v.as_object().ok_or_else(|| bad("`business_hours` must be an object of weekdays.".into()))?;
        let mut days: [Vec<(u16, u16)>; 7] = Default::default();
        for (key, intervals) in obj {
            let i = DAYS.iter().position(|d| d == key).ok_or_else(|| bad(format!("`{key}` is not a weekday.")))?;
            let list = intervals.as_array().ok_or_else(|| bad(format!("`{key}` must be a list of intervals.")))?;
            if list.len() > MAX_INTERVALS {
                return Err(bad(format!("`{key}` has more than {MAX_INTERVALS} intervals.")));
            }
            for pair in list {
                let (start, end) = match pair.as_array().map(Vec::as_slice) {
                    Some([Value::String(a), Value::String(b)]) => (a, b),
                    _ => return Err(bad(format!("`{key}`: each interval is [\"HH:MM\", \"HH:MM\"]."))),
                };
                let s = minutes(start, false).ok_or_else(|| bad(format!("`{key}`: `{start}` is not a time.")))?;
                let e = minutes(end, true).ok_or_else(|| bad(format!("`{key}`: `{end}` is not a time.")))?;
                if s >= e {
                    return Err(bad(format!("`{key}`: {start}-{end} ends before it starts.")));
                }
                days[i].push((s, e));
            }
            days[i].sort_unstable();
            if days[i].windows(2).any(|w| w[1].0 < w[0].1) {
                return Err(bad(format!("`{key}` has overlapping intervals.")));
            }
        }
        Ok(WeekHours(days))
    }

    /// One weekday's intervals (0 = Sunday), sorted and apart.
    pub fn day(&self, weekday: usize) -> &[(u16, u16)] {
        self.0.get(weekday).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The stored form (every weekday present, intervals sorted).
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        for (i, day) in DAYS.iter().enumerate() {
            let list = self.0[i].iter().map(|(s, e)| Value::from(vec![hhmm(*s), hhmm(*e)])).collect::<Vec<_>>();
            obj.insert((*day).to_string(), Value::Array(list));
        }
        Value::Object(obj)
    }
}

/// Closed days (`YYYY-MM-DD`, local), checked, sorted and without repeats.
pub fn parse_holidays(v: &Value) -> Result<Vec<NaiveDate>, Invalid> {
    let hint = r#"Send a list of dates such as ["2026-12-25"]."#;
    let list = v.as_array().ok_or_else(|| Invalid::new("holidays", "`holidays` must be a list of dates.", hint))?;
    if list.len() > MAX_HOLIDAYS {
        return Err(Invalid::new("holidays", format!("At most {MAX_HOLIDAYS} holidays."), hint));
    }
    let mut out = Vec::with_capacity(list.len());
    for d in list {
        let parsed = d.as_str().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
        out.push(parsed.ok_or_else(|| Invalid::new("holidays", format!("`{d}` is not a date (YYYY-MM-DD)."), hint))?);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

pub fn holidays_json(days: &[NaiveDate]) -> Value {
    Value::from(days.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect::<Vec<_>>())
}

/// A business's opening times in its zone.
pub struct Schedule {
    pub tz: Tz,
    pub hours: WeekHours,
    pub holidays: Vec<NaiveDate>,
}

/// Where a business stands at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenState {
    pub open_now: bool,
    /// The next opening after now (after the current interval when open).
    pub next_open_at: Option<DateTime<Utc>>,
    /// When open: when the current interval ends.
    pub closes_at: Option<DateTime<Utc>>,
}

impl Schedule {
    /// From stored values; anything unreadable falls back to the defaults
    /// (Asia/Jerusalem, Sun-Thu 9-18, Fri 9-13), never to an error.
    pub fn from_stored(timezone: &str, hours: &Value, holidays: &Value) -> Schedule {
        let default_hours = || {
            serde_json::from_str(DEFAULT_JSON)
                .ok()
                .and_then(|v| WeekHours::parse(&v).ok())
                .unwrap_or(WeekHours(Default::default()))
        };
        Schedule {
            tz: timezone.parse().unwrap_or(chrono_tz::Asia::Jerusalem),
            hours: WeekHours::parse(hours).unwrap_or_else(|_| default_hours()),
            holidays: parse_holidays(holidays).unwrap_or_default(),
        }
    }

    fn intervals(&self, date: NaiveDate) -> &[(u16, u16)] {
        if self.holidays.binary_search(&date).is_ok() {
            return &[];
        }
        &self.hours.0[date.weekday().num_days_from_sunday() as usize]
    }

    /// The UTC instant of a local wall time; in a DST gap, the first instant after it.
    fn instant(&self, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
        let naive: NaiveDateTime = date.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(minute));
        match self.tz.from_local_datetime(&naive) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
            LocalResult::None => match self.tz.from_local_datetime(&(naive + Duration::hours(1))) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
                LocalResult::None => None,
            },
        }
    }

    pub fn state_at(&self, now: DateTime<Utc>) -> OpenState {
        let local = now.with_timezone(&self.tz);
        let today = local.date_naive();
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let current = self.intervals(today).iter().find(|(s, e)| *s <= minute && minute < *e).copied();
        let closes_at = current.and_then(|(_, e)| self.instant(today, e));
        let mut next_open_at = None;
        'days: for offset in 0..=(MAX_HOLIDAYS as i64 + 7) {
            let Some(date) = today.checked_add_signed(Duration::days(offset)) else { break };
            for (s, _) in self.intervals(date) {
                if offset == 0 && *s <= minute {
                    continue;
                }
                next_open_at = self.instant(date, *s);
                break 'days;
            }
        }
        OpenState { open_now: current.is_some(), next_open_at, closes_at }
    }
}

/// A time zone name from a request: a real IANA zone.
pub fn check_timezone(name: &str) -> Result<String, Invalid> {
    name.parse::<Tz>().map(|_| name.to_string()).map_err(|_| {
        Invalid::new(
            "timezone",
            format!("`{name}` is not a time zone name."),
            "Use an IANA name such as Asia/Jerusalem or UTC.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn israel() -> Schedule {
        Schedule::from_stored("Asia/Jerusalem", &serde_json::from_str(DEFAULT_JSON).unwrap(), &json!(["2026-12-24"]))
    }

    #[test]
    fn open_and_next_opening_in_israel_across_the_weekend_and_a_holiday() {
        let s = israel();
        // Sunday 2026-12-20 10:00 local (UTC+2): open until 18:00, next opening Monday 09:00.
        let st = s.state_at(utc("2026-12-20T08:00:00Z"));
        assert!(st.open_now);
        assert_eq!(st.closes_at, Some(utc("2026-12-20T16:00:00Z")));
        assert_eq!(st.next_open_at, Some(utc("2026-12-21T07:00:00Z")));
        // Thursday 2026-12-24 is a holiday: Wednesday evening's next opening is Friday 09:00.
        let st = s.state_at(utc("2026-12-23T17:00:00Z"));
        assert!(!st.open_now);
        assert_eq!(st.next_open_at, Some(utc("2026-12-25T07:00:00Z")));
        // Friday 14:00 local: closed (short Friday), and Saturday too: Sunday 09:00.
        let st = s.state_at(utc("2026-12-25T12:00:00Z"));
        assert!(!st.open_now && st.closes_at.is_none());
        assert_eq!(st.next_open_at, Some(utc("2026-12-27T07:00:00Z")));
    }

    #[test]
    fn local_hours_follow_daylight_saving_time() {
        let s = israel();
        // Israel moves to UTC+3 on Friday 2027-03-26: Sunday 09:00 is 06:00 UTC, no longer 07:00.
        let st = s.state_at(utc("2027-03-26T12:00:00Z"));
        assert_eq!(st.next_open_at, Some(utc("2027-03-28T06:00:00Z")));
        assert!(s.state_at(utc("2027-03-28T06:30:00Z")).open_now);
        assert!(!s.state_at(utc("2027-03-28T05:30:00Z")).open_now);
    }

    #[test]
    fn hours_are_checked_and_round_trip() {
        let v = json!({"sun": [["13:00", "24:00"], ["08:00", "12:00"]], "sat": []});
        let h = WeekHours::parse(&v).unwrap();
        assert_eq!(h.to_json()["sun"], json!([["08:00", "12:00"], ["13:00", "24:00"]]));
        assert_eq!(h.to_json()["mon"], json!([]));
        for bad in [
            json!({"sun": [["10:00", "09:00"]]}),
            json!({"funday": []}),
            json!({"sun": [["9:00", "10:00"]]}),
            json!({"sun": [["24:00", "24:00"]]}),
            json!({"sun": [["08:00", "12:00"], ["11:00", "13:00"]]}),
            json!({"sun": "09:00-18:00"}),
            json!([]),
        ] {
            assert!(WeekHours::parse(&bad).is_err(), "{bad}");
        }
        assert!(parse_holidays(&json!(["2026-02-30"])).is_err());
        assert_eq!(
            holidays_json(&parse_holidays(&json!(["2026-12-25", "2026-01-01", "2026-12-25"])).unwrap()),
            json!(["2026-01-01", "2026-12-25"])
        );
        assert!(check_timezone("Asia/Jerusalem").is_ok() && check_timezone("Mars/Olympus").is_err());
    }

    #[test]
    fn always_closed_has_no_next_opening() {
        let s = Schedule::from_stored("UTC", &json!({}), &json!([]));
        let st = s.state_at(utc("2026-12-20T08:00:00Z"));
        assert_eq!(st, OpenState { open_now: false, next_open_at: None, closes_at: None });
    }
}
