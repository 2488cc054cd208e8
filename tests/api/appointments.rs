//! Appointments: services, availability, booking without double booking,
//! moving, confirming and cancelling, across daylight-saving changes, and
//! only ever inside one business.

use chrono::{DateTime, Duration, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Asia::Jerusalem;
use serde_json::{Value, json};

use crate::helpers::*;

/// A business open around the clock every day (so tests need no weekday
/// arithmetic), no minimum notice, a year's horizon; its owner and an agent.
pub struct Desk {
    pub app: TestApp,
    pub owner: Session,
    pub owner_id: i64,
    pub agent: Session,
    pub agent_id: i64,
    pub lead_id: i64,
}

pub async fn desk() -> Desk {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create_business(&admin, "Salon", "owner@salon.test", "+972500000101").await;
    let owner = app.login("owner@salon.test", "owner-password-1").await;
    let day = json!([["00:00", "24:00"]]);
    let (s, b) = owner
        .patch(
            "/api/business/current",
            &json!({"business_hours": {"sun": day, "mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day},
                    "booking_min_notice_min": 0, "booking_horizon_days": 365}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["booking_slot_step_min"], 15, "{b}");
    assert_eq!(b["booking_reminder_hours"], 24, "{b}");
    let owner_id = owner.get_json("/api/auth/me").await.1["user"]["id"].as_i64().unwrap();
    let agent_id = add_user(&owner, "agent@salon.test", "agent").await;
    let agent = app.login("agent@salon.test", "user-password-1").await;
    let lead_id = create_lead(&owner, "Dana", "0521234567").await["id"].as_i64().unwrap();
    Desk { app, owner, owner_id, agent, agent_id, lead_id }
}

pub async fn service(owner: &Session, body: Value) -> i64 {
    let (s, b) = owner.post("/api/services", &body).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

/// `days` from today at `hh:mm` in Israel, as UTC RFC 3339.
pub fn local(days: i64, hh: u32, mm: u32) -> String {
    let date = Utc::now().with_timezone(&Jerusalem).date_naive() + Duration::days(days);
    let t =
        Jerusalem.from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(hh, mm, 0).unwrap())).earliest().unwrap();
    t.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub async fn book(
    s: &Session,
    lead: i64,
    service: i64,
    starts_at: &str,
    staff: Option<i64>,
) -> (reqwest::StatusCode, Value) {
    let mut body = json!({"lead_id": lead, "service_id": service, "starts_at": starts_at});
    if let Some(id) = staff {
        body["staff_user_id"] = json!(id);
    }
    s.post("/api/appointments", &body).await
}

#[tokio::test]
async fn services_are_checked_owned_by_owners_and_confined_to_their_business() {
    let d = desk().await;
    let (s, b) = d.owner.post("/api/services", &json!({"name": "Cut", "duration_min": 3})).await;
    assert_eq!((s.as_u16(), assert_error(&b), b["field"].as_str()), (400, "invalid_input", Some("duration_min")));
    let (s, b) =
        d.owner.post("/api/services", &json!({"name": "Cut", "duration_min": 30, "buffer_after_min": 121})).await;
    assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some("buffer_after_min")), "{b}");
    let (s, b) =
        d.owner.post("/api/services", &json!({"name": "Cut", "duration_min": 30, "staff_user_ids": [99999]})).await;
    assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some("staff_user_ids")), "{b}");
    let (s, _) = d.agent.post("/api/services", &json!({"name": "Cut", "duration_min": 30})).await;
    assert_eq!(s, 403);
    let id =
        service(&d.owner, json!({"name": "Cut", "duration_min": 30, "price": 8000, "staff_user_ids": [d.agent_id]}))
            .await;
    let (s, b) = d.agent.get_json("/api/services").await;
    assert_eq!(s, 200);
    assert_eq!(b["items"][0]["price"], 8000);
    assert_eq!(b["items"][0]["staff_user_ids"], json!([d.agent_id]));
    let (s, b) = d.owner.patch(&format!("/api/services/{id}"), &json!({"price": null, "active": false})).await;
    assert_eq!((s.as_u16(), b["price"].clone(), b["active"].clone()), (200, Value::Null, json!(false)), "{b}");
    // Another business sees none of it.
    let admin = d.app.admin().await;
    create_business(&admin, "Other", "owner@other.test", "+972500000102").await;
    let other = d.app.login("owner@other.test", "owner-password-1").await;
    assert_eq!(other.get_json("/api/services").await.1["items"], json!([]));
    let (s, _) = other.patch(&format!("/api/services/{id}"), &json!({"name": "Mine"})).await;
    assert_eq!(s, 404);
    let (s, _) = other.delete(&format!("/api/services/{id}")).await;
    assert_eq!(s, 404);
    let q = format!("/api/availability?service_id={id}&from={}&to={}", local(1, 0, 0), local(2, 0, 0));
    assert_eq!(other.get_json(&q).await.0, 404);
    let (s, _) = d.owner.delete(&format!("/api/services/{id}")).await;
    assert_eq!(s, 204);
}

#[tokio::test]
async fn availability_offers_the_grid_checks_its_window_and_leaves_out_bookings_with_their_buffers() {
    let d = desk().await;
    let id = service(
        &d.owner,
        json!({"name": "Color", "duration_min": 60, "buffer_after_min": 15, "staff_user_ids": [d.agent_id]}),
    )
    .await;
    let q = |from: &str, to: &str| format!("/api/availability?service_id={id}&from={from}&to={to}");
    let (s, b) = d.agent.get_json(&q(&local(3, 0, 0), &local(40, 0, 0))).await;
    assert_eq!((s.as_u16(), assert_error(&b), b["field"].as_str()), (400, "invalid_input", Some("to")));
    let (s, b) = d.agent.get_json(&q("tomorrow", &local(4, 0, 0))).await;
    assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some("from")), "{b}");
    assert_eq!(d.agent.get_json(&format!("/api/availability?service_id={id}")).await.0, 400);
    let (s, b) = d.agent.get_json(&q(&local(3, 10, 0), &local(3, 12, 0))).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["time_zone"], "Asia/Jerusalem");
    let starts: Vec<&str> = b["slots"].as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap()).collect();
    assert_eq!(
        starts,
        [
            local(3, 10, 0),
            local(3, 10, 15),
            local(3, 10, 30),
            local(3, 10, 45),
            local(3, 11, 0),
            local(3, 11, 15),
            local(3, 11, 30),
            local(3, 11, 45)
        ]
    );
    assert!(b["slots"].as_array().unwrap().iter().all(|s| s["staff_user_id"] == d.agent_id));
    let (s, b) = book(&d.owner, d.lead_id, id, &local(3, 10, 0), None).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["staff_user_id"], d.agent_id);
    assert_eq!(b["ends_at"], local(3, 11, 0));
    // Busy 10:00-11:15 with the buffer: a 60-minute start is free again from 11:15 only.
    let (_, b) = d.agent.get_json(&q(&local(3, 8, 0), &local(3, 12, 0))).await;
    let starts: Vec<&str> = b["slots"].as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap()).collect();
    assert!(starts.contains(&local(3, 8, 45).as_str()) && !starts.contains(&local(3, 9, 0).as_str()), "{starts:?}");
    assert!(!starts.contains(&local(3, 11, 0).as_str()) && starts.contains(&local(3, 11, 15).as_str()), "{starts:?}");
}

#[tokio::test]
async fn fifty_concurrent_bookings_of_one_slot_give_one_appointment_and_alternatives() {
    let d = desk().await;
    let id = service(&d.owner, json!({"name": "Cut", "duration_min": 30, "staff_user_ids": [d.agent_id]})).await;
    let slot = local(2, 10, 0);
    let mut leads = Vec::new();
    for i in 0..50 {
        leads.push(
            create_lead(&d.owner, &format!("Guest {i}"), &format!("05290000{i:02}")).await["id"].as_i64().unwrap(),
        );
    }
    let tries = leads.iter().map(|lead| book(&d.owner, *lead, id, &slot, Some(d.agent_id)));
    let answers = futures_util::future::join_all(tries).await;
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    let taken: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 409).map(|(_, b)| b).collect();
    assert_eq!((created, taken.len()), (1, 49), "{answers:?}");
    for b in &taken {
        assert_eq!(assert_error(b), "slot_taken");
        let alt: Vec<&str> =
            b["alternatives"].as_array().unwrap().iter().map(|a| a["starts_at"].as_str().unwrap()).collect();
        assert_eq!(alt, [local(2, 10, 30), local(2, 10, 45), local(2, 11, 0)]);
    }
    let (_, list) = d.owner.get_json(&format!("/api/appointments?staff_user_id={}", d.agent_id)).await;
    assert_eq!(list["total"], 1, "{list}");
    // Off the grid is not a slot at all.
    let (s, b) = book(&d.owner, d.lead_id, id, &local(2, 12, 7), None).await;
    assert_eq!((s.as_u16(), assert_error(&b)), (422, "slot_unavailable"), "{b}");
    assert_eq!(b["alternatives"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_booking_is_moved_confirmed_completed_or_cancelled_and_each_change_is_on_the_timeline() {
    let d = desk().await;
    let id = service(&d.owner, json!({"name": "Massage", "duration_min": 45})).await;
    let (s, a) = book(&d.agent, d.lead_id, id, &local(5, 9, 0), Some(d.owner_id)).await;
    assert_eq!(s, 201, "{a}");
    assert_eq!((a["status"].as_str(), a["booked_by"].as_str()), (Some("booked"), Some("person")));
    let path = format!("/api/appointments/{}", a["id"]);
    let (s, b) = d.agent.patch(&path, &json!({"starts_at": local(5, 13, 30), "note": "window seat"})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["starts_at"].as_str(), b["staff_user_id"].as_i64(), b["note"].as_str()),
        (Some(local(5, 13, 30).as_str()), Some(d.owner_id), Some("window seat"))
    );
    let (s, b) = d.agent.patch(&path, &json!({"status": "confirmed"})).await;
    assert_eq!((s.as_u16(), b["status"].as_str()), (200, Some("confirmed")), "{b}");
    let (s, b) = d.agent.patch(&path, &json!({"status": "cancelled"})).await;
    assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some("status")), "{b}");
    let (s, b) = d.agent.post(&format!("{path}/cancel"), &json!({"reason": "sick"})).await;
    assert_eq!(
        (s.as_u16(), b["status"].as_str(), b["cancel_reason"].as_str()),
        (200, Some("cancelled"), Some("sick")),
        "{b}"
    );
    let (s, b) = d.agent.post(&format!("{path}/cancel"), &json!({})).await;
    assert_eq!((s.as_u16(), assert_error(&b)), (409, "invalid_status_change"));
    let (s, b) = d.agent.patch(&path, &json!({"status": "completed"})).await;
    assert_eq!((s.as_u16(), assert_error(&b)), (409, "invalid_status_change"));
    // The cancelled time is free again; a second booking goes through to completion.
    let (s, a2) = book(&d.agent, d.lead_id, id, &local(5, 13, 30), Some(d.owner_id)).await;
    assert_eq!(s, 201, "{a2}");
    let (s, b) = d.agent.patch(&format!("/api/appointments/{}", a2["id"]), &json!({"status": "no_show"})).await;
    assert_eq!((s.as_u16(), b["status"].as_str()), (200, Some("no_show")), "{b}");
    let kinds: Vec<String> =
        activities(&d.owner, d.lead_id).await.iter().map(|a| a["kind"].as_str().unwrap().to_string()).collect();
    for k in [
        "appointment_booked",
        "appointment_rescheduled",
        "appointment_confirmed",
        "appointment_cancelled",
        "appointment_no_show",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing from {kinds:?}");
    }
    let booked = activities(&d.owner, d.lead_id).await.into_iter().find(|a| a["kind"] == "appointment_booked").unwrap();
    assert_eq!(booked["actor_user_id"], d.agent.get_json("/api/auth/me").await.1["user"]["id"]);
    assert_eq!(booked["data"]["by"], "person");
    let (s, b) = d.owner.get_json(&format!("/api/appointments?lead_id={}&status=no_show", d.lead_id)).await;
    assert_eq!((s.as_u16(), b["total"].as_i64()), (200, Some(1)), "{b}");
    // Another business's appointment is not found.
    let admin = d.app.admin().await;
    create_business(&admin, "Other", "owner@other.test", "+972500000102").await;
    let other = d.app.login("owner@other.test", "owner-password-1").await;
    assert_eq!(other.get_json(&format!("/api/appointments/{}", a2["id"])).await.0, 404);
    assert_eq!(other.post(&format!("/api/appointments/{}/cancel", a2["id"]), &json!({})).await.0, 404);
    let (s, _) = book(&other, d.lead_id, id, &local(6, 9, 0), None).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn without_a_staff_member_the_least_busy_free_one_that_day_is_booked() {
    let d = desk().await;
    let id = service(&d.owner, json!({"name": "Cut", "duration_min": 30})).await;
    // The owner (lower id) gets the first; then the agent, who has fewer that day.
    let (_, a) = book(&d.agent, d.lead_id, id, &local(4, 9, 0), None).await;
    assert_eq!(a["staff_user_id"], d.owner_id, "{a}");
    let (_, b) = book(&d.agent, d.lead_id, id, &local(4, 11, 0), None).await;
    assert_eq!(b["staff_user_id"], d.agent_id, "{b}");
    // At a time only one is free, that one; when neither is, taken.
    let (_, c) = book(&d.agent, d.lead_id, id, &local(4, 9, 0), None).await;
    assert_eq!(c["staff_user_id"], d.agent_id, "{c}");
    let (s, e) = book(&d.agent, d.lead_id, id, &local(4, 9, 0), None).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (409, "slot_taken"));
}

/// The next day (from two days ahead) on which Israel's clocks go forward (spring) or back.
fn next_dst_change(spring: bool) -> chrono::NaiveDate {
    let mut date = Utc::now().with_timezone(&Jerusalem).date_naive() + Duration::days(2);
    loop {
        let offset =
            |h| Jerusalem.from_local_datetime(&date.and_hms_opt(h, 0, 0).unwrap()).earliest().unwrap().offset().fix();
        let (start, end) = (offset(0).local_minus_utc(), offset(23).local_minus_utc());
        if (spring && end > start) || (!spring && end < start) {
            return date;
        }
        date += Duration::days(1);
    }
}

#[tokio::test]
async fn the_spring_forward_day_has_no_missing_hour_slots_and_hours_stay_local() {
    let d = desk().await;
    let id = service(&d.owner, json!({"name": "Hour", "duration_min": 60, "staff_user_ids": [d.agent_id]})).await;
    let (s, b) = d.owner.patch("/api/business/current", &json!({"booking_slot_step_min": 60})).await;
    assert_eq!(s, 200, "{b}");
    let day = next_dst_change(true);
    let midnight = |d: chrono::NaiveDate| {
        Jerusalem.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap().with_timezone(&Utc)
    };
    let (from, to) = (midnight(day), midnight(day + Duration::days(1)));
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (s, b) =
        d.agent.get_json(&format!("/api/availability?service_id={id}&from={}&to={}", fmt(from), fmt(to))).await;
    assert_eq!(s, 200, "{b}");
    let slots: Vec<DateTime<Utc>> =
        b["slots"].as_array().unwrap().iter().map(|s| at(s["starts_at"].as_str().unwrap())).collect();
    // 23 real hours; every slot an hour after the one before; no local 02:xx.
    assert_eq!(slots.len(), 23, "{slots:?}");
    assert!(slots.windows(2).all(|w| w[1] - w[0] == Duration::hours(1)));
    assert!(slots.iter().all(|t| t.with_timezone(&Jerusalem).format("%H").to_string() != "02"));
    // Booking across the change: 01:00 local ends at 03:00 local, an hour later.
    let (s, a) = book(&d.owner, d.lead_id, id, &fmt(slots[1]), None).await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(at(a["ends_at"].as_str().unwrap()) - at(a["starts_at"].as_str().unwrap()), Duration::hours(1));
    assert_eq!(at(a["ends_at"].as_str().unwrap()).with_timezone(&Jerusalem).format("%H:%M").to_string(), "03:00");
    // 09:00 local is an hour earlier in UTC after the change than before it, and offered as such.
    let nine = |d: chrono::NaiveDate| {
        Jerusalem.from_local_datetime(&d.and_hms_opt(9, 0, 0).unwrap()).earliest().unwrap().with_timezone(&Utc)
    };
    let (before, after) = (nine(day - Duration::days(1)), nine(day + Duration::days(1)));
    assert_eq!((after - before) - Duration::days(2), Duration::hours(-1));
    for t in [before, after] {
        let (_, b) = d
            .agent
            .get_json(&format!(
                "/api/availability?service_id={id}&from={}&to={}",
                fmt(t),
                fmt(t + Duration::minutes(1))
            ))
            .await;
        assert_eq!(b["slots"][0]["starts_at"].as_str().map(at), Some(t), "{b}");
    }
}

/// The same question asked again at once is answered from what was just
/// computed, so every change it depends on must show in the next answer.
#[tokio::test]
async fn a_repeated_availability_question_sees_every_change_at_once() {
    let d = desk().await;
    let id = service(&d.owner, json!({"name": "Cut", "duration_min": 30, "staff_user_ids": [d.agent_id]})).await;
    let q = format!("/api/availability?service_id={id}&from={}&to={}", local(5, 10, 0), local(5, 11, 0));
    let ask = || async {
        let (s, b) = d.agent.get_json(&q).await;
        assert_eq!(s, 200, "{b}");
        b["slots"].as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let all = [local(5, 10, 0), local(5, 10, 15), local(5, 10, 30), local(5, 10, 45)];
    assert_eq!(ask().await, all);
    assert_eq!(ask().await, all);
    // A booking, 10:00-10:30.
    let (s, b) = book(&d.owner, d.lead_id, id, &local(5, 10, 0), None).await;
    assert_eq!(s, 201, "{b}");
    let booked = b["id"].as_i64().unwrap();
    assert_eq!(ask().await, [local(5, 10, 30), local(5, 10, 45)]);
    // The service's buffer: 15 minutes kept free before a start.
    let (s, b) = d.owner.patch(&format!("/api/services/{id}"), &json!({"buffer_before_min": 15})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(ask().await, [local(5, 10, 45)]);
    // The booking's cancellation.
    let (s, b) = d.owner.post(&format!("/api/appointments/{booked}/cancel"), &json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(ask().await, all);
    // The staff member's time off, 10:00-10:15.
    let (s, b) = d
        .owner
        .put(
            &format!("/api/business/current/users/{}/schedule", d.agent_id),
            &json!({"time_off": [{"starts_at": local(5, 10, 0), "ends_at": local(5, 10, 15)}]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(ask().await, all[1..]);
    // The business's hours: closed every day.
    let closed = json!([]);
    let (s, b) = d
        .owner
        .patch(
            "/api/business/current",
            &json!({"business_hours": {"sun": closed, "mon": closed, "tue": closed, "wed": closed, "thu": closed,
                    "fri": closed, "sat": closed}}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(ask().await, Vec::<String>::new());
}
