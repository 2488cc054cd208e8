//! The availability engine, including Israel's clock changes in late March and late October.

use super::*;
use serde_json::json;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn week(v: serde_json::Value) -> WeekHours {
    WeekHours::parse(&v).unwrap()
}

fn israel_default() -> WeekHours {
    WeekHours::parse(&serde_json::from_str(crate::domain::hours::DEFAULT_JSON).unwrap()).unwrap()
}

fn all_day() -> WeekHours {
    let d = json!([["00:00", "24:00"]]);
    week(json!({"sun": d, "mon": d, "tue": d, "wed": d, "thu": d, "fri": d, "sat": d}))
}

fn bounds<'a>(hours: &'a WeekHours, holidays: &'a [NaiveDate], step: u16) -> Bounds<'a> {
    Bounds {
        tz: chrono_tz::Asia::Jerusalem,
        hours,
        holidays,
        step_min: step,
        earliest: utc("2000-01-01T00:00:00Z"),
        latest: utc("2100-01-01T00:00:00Z"),
    }
}

fn staff(hours: &WeekHours) -> Staff<'_> {
    Staff { user_id: UserId(7), hours, time_off: vec![], busy: vec![] }
}

const HOUR: Length = Length { duration_min: 60, buffer_before_min: 0, buffer_after_min: 0 };

fn starts(slots: &[Slot]) -> Vec<String> {
    slots.iter().map(|s| s.starts_at.format("%Y-%m-%dT%H:%MZ").to_string()).collect()
}

#[test]
fn a_winter_sunday_has_hourly_service_slots_every_quarter_from_nine_to_five() {
    let h = israel_default();
    let b = bounds(&h, &[], 15);
    // Sunday 2026-12-20, UTC+2: 09:00 local is 07:00Z, the last start 17:00 local.
    let s = for_staff(&b, &staff(&h), HOUR, utc("2026-12-20T00:00:00Z"), utc("2026-12-21T00:00:00Z"));
    assert_eq!(s.len(), 33);
    assert_eq!(s[0].starts_at, utc("2026-12-20T07:00:00Z"));
    assert_eq!(s[0].ends_at, utc("2026-12-20T08:00:00Z"));
    assert_eq!(s[32].starts_at, utc("2026-12-20T15:00:00Z"));
    assert!(s.iter().all(|x| x.staff_user_id == UserId(7)));
}

#[test]
fn the_grid_counts_from_local_midnight_not_from_the_opening() {
    let h = week(json!({"sun": [["09:10", "11:00"]]}));
    let b = bounds(&h, &[], 30);
    let s = for_staff(&b, &staff(&h), HOUR, utc("2026-12-20T00:00:00Z"), utc("2026-12-21T00:00:00Z"));
    // 09:30 and 10:00 local; 09:10 is off the grid and 10:30 would end after 11:00.
    assert_eq!(starts(&s), ["2026-12-20T07:30Z", "2026-12-20T08:00Z"]);
}

#[test]
fn holidays_and_closed_days_offer_nothing_and_fridays_are_short() {
    let h = israel_default();
    let holidays = [NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()];
    let b = bounds(&h, &holidays, 60);
    let st = staff(&h);
    // Thursday the 24th is a holiday; Friday 09:00-13:00; Saturday closed.
    let s = for_staff(&b, &st, HOUR, utc("2026-12-24T00:00:00Z"), utc("2026-12-27T00:00:00Z"));
    assert_eq!(starts(&s), ["2026-12-25T07:00Z", "2026-12-25T08:00Z", "2026-12-25T09:00Z", "2026-12-25T10:00Z"]);
}

#[test]
fn staff_hours_are_bounded_by_the_business_hours() {
    let business = israel_default();
    let mine = week(json!({"sun": [["16:00", "22:00"]], "mon": [["08:00", "10:00"]]}));
    let b = bounds(&business, &[], 60);
    let s = for_staff(&b, &staff(&mine), HOUR, utc("2026-12-20T00:00:00Z"), utc("2026-12-22T00:00:00Z"));
    // Sunday 16:00-18:00 and Monday 09:00-10:00, local.
    assert_eq!(starts(&s), ["2026-12-20T14:00Z", "2026-12-20T15:00Z", "2026-12-21T07:00Z"]);
}

#[test]
fn buffers_keep_bookings_apart_on_both_sides() {
    let h = week(json!({"sun": [["09:00", "13:00"]]}));
    let b = bounds(&h, &[], 15);
    let mut st = staff(&h);
    // A 10:00-11:00 local booking with 10 minutes either side: busy 09:50-11:10 (07:50Z-09:10Z).
    st.busy = vec![Span { from: utc("2026-12-20T07:50:00Z"), until: utc("2026-12-20T09:10:00Z") }];
    let half = Length { duration_min: 30, buffer_before_min: 0, buffer_after_min: 0 };
    let s = for_staff(&b, &st, half, utc("2026-12-20T00:00:00Z"), utc("2026-12-20T09:30:00Z"));
    assert_eq!(starts(&s), ["2026-12-20T07:00Z", "2026-12-20T07:15Z", "2026-12-20T09:15Z"]);
    // The new service's own buffers count too: 20 minutes after rules out 09:15 local (its span
    // would end 10:05, past 09:50); 5 minutes before still fits 11:15 (its span starts 11:10).
    let buffered = Length { duration_min: 30, buffer_before_min: 5, buffer_after_min: 20 };
    let s = for_staff(&b, &st, buffered, utc("2026-12-20T00:00:00Z"), utc("2026-12-20T09:30:00Z"));
    assert_eq!(starts(&s), ["2026-12-20T07:00Z", "2026-12-20T09:15Z"]);
}

#[test]
fn time_off_notice_and_horizon_cut_slots() {
    let h = week(json!({"sun": [["09:00", "13:00"]]}));
    let mut b = bounds(&h, &[], 60);
    let mut st = staff(&h);
    st.time_off = vec![Span { from: utc("2026-12-20T08:30:00Z"), until: utc("2026-12-20T09:00:00Z") }];
    let day = (utc("2026-12-20T00:00:00Z"), utc("2026-12-21T00:00:00Z"));
    assert_eq!(
        starts(&for_staff(&b, &st, HOUR, day.0, day.1)),
        ["2026-12-20T07:00Z", "2026-12-20T09:00Z", "2026-12-20T10:00Z"]
    );
    b.earliest = utc("2026-12-20T07:01:00Z");
    b.latest = utc("2026-12-20T10:00:00Z");
    assert_eq!(starts(&for_staff(&b, &st, HOUR, day.0, day.1)), ["2026-12-20T09:00Z"]);
    // Nothing at all when the window ends before it starts.
    assert!(for_staff(&b, &st, HOUR, day.1, day.0).is_empty());
}

#[test]
fn israel_springs_forward_on_the_last_friday_of_march() {
    // 2026-03-27 02:00 local becomes 03:00: that Friday has 23 hours and no 02:xx.
    let h = all_day();
    let b = bounds(&h, &[], 60);
    let s = for_staff(&b, &staff(&h), HOUR, utc("2026-03-26T22:00:00Z"), utc("2026-03-27T21:00:00Z"));
    assert_eq!(s.len(), 23);
    assert_eq!(s[0].starts_at, utc("2026-03-26T22:00:00Z")); // 00:00 local, UTC+2
    assert_eq!(s[1].starts_at, utc("2026-03-26T23:00:00Z")); // 01:00 local
    assert_eq!(s[2].starts_at, utc("2026-03-27T00:00:00Z")); // 03:00 local, UTC+3
    assert!(s.windows(2).all(|w| w[1].starts_at - w[0].starts_at == Duration::hours(1)));
    // The 01:00 slot ends at 03:00 local: an hour of real time.
    assert_eq!(s[1].ends_at, utc("2026-03-27T00:00:00Z"));
    // Opening hours stay local: 09:00 is 07:00Z on Thursday and 06:00Z on Sunday.
    let h = israel_default();
    let b = bounds(&h, &[], 60);
    let s = for_staff(&b, &staff(&h), HOUR, utc("2026-03-26T00:00:00Z"), utc("2026-03-30T00:00:00Z"));
    let firsts: Vec<_> = s
        .iter()
        .filter(|x| x.starts_at.with_timezone(&b.tz).format("%H:%M").to_string() == "09:00")
        .map(|x| x.starts_at)
        .collect();
    assert_eq!(firsts, [utc("2026-03-26T07:00:00Z"), utc("2026-03-27T06:00:00Z"), utc("2026-03-29T06:00:00Z")]);
}

#[test]
fn israel_falls_back_on_the_last_sunday_of_october() {
    // 2026-10-25 02:00 local becomes 01:00: a 25-hour Sunday; 01:00 is offered once.
    let h = all_day();
    let b = bounds(&h, &[], 60);
    let s = for_staff(&b, &staff(&h), HOUR, utc("2026-10-24T21:00:00Z"), utc("2026-10-25T22:00:00Z"));
    assert_eq!(s.len(), 24);
    assert_eq!(s[1].starts_at, utc("2026-10-24T22:00:00Z")); // 01:00 local, UTC+3 (first occurrence)
    assert_eq!(s[2].starts_at, utc("2026-10-25T00:00:00Z")); // 02:00 local, UTC+2
    assert_eq!(s[23].starts_at, utc("2026-10-25T21:00:00Z")); // 23:00 local
    let h = israel_default();
    let b = bounds(&h, &[], 60);
    let s = for_staff(&b, &staff(&h), HOUR, utc("2026-10-22T00:00:00Z"), utc("2026-10-26T00:00:00Z"));
    assert_eq!(s.first().unwrap().starts_at, utc("2026-10-22T06:00:00Z")); // Thursday 09:00, UTC+3
    assert!(s.iter().any(|x| x.starts_at == utc("2026-10-25T07:00:00Z"))); // Sunday 09:00, UTC+2
    assert!(!s.iter().any(|x| x.starts_at == utc("2026-10-25T06:00:00Z")));
}

#[test]
fn everyone_s_slots_come_in_time_then_staff_order() {
    let h = week(json!({"sun": [["09:00", "11:00"]]}));
    let b = bounds(&h, &[], 60);
    let (mut a, mut c) = (staff(&h), staff(&h));
    a.user_id = UserId(9);
    c.user_id = UserId(3);
    c.busy = vec![Span { from: utc("2026-12-20T07:00:00Z"), until: utc("2026-12-20T08:00:00Z") }];
    let s = for_all(&b, &[a, c], HOUR, utc("2026-12-20T00:00:00Z"), utc("2026-12-21T00:00:00Z"));
    let got: Vec<_> = s.iter().map(|x| (x.starts_at, x.staff_user_id.0)).collect();
    assert_eq!(
        got,
        [(utc("2026-12-20T07:00:00Z"), 9), (utc("2026-12-20T08:00:00Z"), 3), (utc("2026-12-20T08:00:00Z"), 9)]
    );
}

#[test]
fn merged_blocked_spans_answer_overlaps() {
    let sp = |a: &str, b: &str| Span { from: utc(a), until: utc(b) };
    let b = Blocked::new(vec![
        sp("2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"),
        sp("2026-01-01T10:30:00Z", "2026-01-01T12:00:00Z"),
        sp("2026-01-01T14:00:00Z", "2026-01-01T15:00:00Z"),
    ]);
    assert_eq!(b.0.len(), 2);
    assert!(b.overlaps(sp("2026-01-01T11:59:00Z", "2026-01-01T13:00:00Z")));
    assert!(!b.overlaps(sp("2026-01-01T12:00:00Z", "2026-01-01T14:00:00Z")));
    assert!(!b.overlaps(sp("2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z")));
    assert!(b.overlaps(sp("2026-01-01T09:00:00Z", "2026-01-01T16:00:00Z")));
}
