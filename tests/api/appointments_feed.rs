//! Staff hours and time off, and each staff member's calendar feed (ICS).

use serde_json::json;

use crate::appointments::{book, desk, local, service};
use crate::helpers::*;

#[tokio::test]
async fn staff_hours_and_time_off_bound_availability_and_only_owners_set_them() {
    let d = desk().await;
    let id = service(&d.owner, json!({"name": "Cut", "duration_min": 60, "staff_user_ids": [d.agent_id]})).await;
    let path = format!("/api/business/current/users/{}/schedule", d.agent_id);
    let (s, b) = d.agent.get_json(&path).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["uses_business_hours"], true);
    assert_eq!(b["work_hours"]["sun"], json!([["00:00", "24:00"]]));
    // An agent reads their own only, and writes none.
    assert_eq!(d.agent.get_json(&format!("/api/business/current/users/{}/schedule", d.owner_id)).await.0, 403);
    assert_eq!(d.agent.put(&path, &json!({"work_hours": null})).await.0, 403);
    let (s, b) = d.owner.put(&path, &json!({"work_hours": {"sun": [["10:00", "09:00"]]}})).await;
    assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some("work_hours")), "{b}");
    let (s, b) =
        d.owner.put(&path, &json!({"time_off": [{"starts_at": local(3, 12, 0), "ends_at": local(3, 11, 0)}]})).await;
    assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some("time_off")), "{b}");
    let day = json!([["09:00", "13:00"]]);
    let hours = json!({"sun": day, "mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day});
    let off = json!([{"starts_at": local(3, 10, 0), "ends_at": local(3, 11, 0), "note": "dentist"}]);
    let (s, b) = d.owner.put(&path, &json!({"work_hours": hours, "time_off": off})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!((b["uses_business_hours"].clone(), b["time_off"][0]["note"].clone()), (json!(false), json!("dentist")));
    let q = format!("/api/availability?service_id={id}&from={}&to={}", local(3, 0, 0), local(4, 0, 0));
    let (_, b) = d.agent.get_json(&q).await;
    let starts: Vec<&str> = b["slots"].as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap()).collect();
    let expect =
        [local(3, 9, 0), local(3, 11, 0), local(3, 11, 15), local(3, 11, 30), local(3, 11, 45), local(3, 12, 0)];
    assert_eq!(starts, expect, "{b}");
    // A person books inside hours only: 14:00 is outside the agent's.
    let (s, b) = book(&d.owner, d.lead_id, id, &local(3, 14, 0), Some(d.agent_id)).await;
    assert_eq!((s.as_u16(), assert_error(&b)), (422, "slot_unavailable"), "{b}");
    // Another business's user has no schedule here.
    let admin = d.app.admin().await;
    create_business(&admin, "Other", "owner@other.test", "+972500000102").await;
    let other = d.app.login("owner@other.test", "owner-password-1").await;
    assert_eq!(other.get_json(&path).await.0, 404);
    assert_eq!(other.put(&path, &json!({"work_hours": null})).await.0, 404);
}

#[tokio::test]
async fn the_calendar_feed_lists_the_staff_member_s_appointments_by_token_only() {
    let d = desk().await;
    let id = service(&d.owner, json!({"name": "Cut; wash, dry", "duration_min": 30})).await;
    let (_, a) = book(&d.owner, d.lead_id, id, &local(2, 10, 0), Some(d.agent_id)).await;
    let (_, c) = book(&d.owner, d.lead_id, id, &local(2, 11, 0), Some(d.agent_id)).await;
    let (s, _) = d.owner.post(&format!("/api/appointments/{}/cancel", c["id"]), &json!({})).await;
    assert_eq!(s, 200);
    book(&d.owner, d.lead_id, id, &local(2, 12, 0), Some(d.owner_id)).await;
    let (s, b) = d.agent.post_empty("/api/auth/me/ics-token").await;
    assert_eq!(s, 200, "{b}");
    let url = b["url"].as_str().unwrap().to_string();
    let path = &url[url.find("/ics/").unwrap()..];
    assert!(path.ends_with(".ics"), "{url}");
    // No session needed: a fresh client with only the URL.
    let res = d.app.client().get(path).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let body = res.text().await.unwrap();
    assert!(body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{body}");
    assert!(body.ends_with("END:VCALENDAR\r\n"));
    assert!(!body.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    assert!(body.split("\r\n").all(|l| l.len() <= 75));
    assert_eq!(body.matches("BEGIN:VEVENT").count(), 2, "only the agent's: {body}");
    assert!(body.contains(&format!("UID:appointment-{}@", a["id"])));
    let start = local(2, 10, 0).replace(['-', ':'], "");
    assert!(body.contains(&format!("DTSTART:{}Z", &start[..15])), "{body}");
    assert!(body.contains("SUMMARY:Cut\\; wash\\, dry - Dana"), "{body}");
    assert!(body.contains("STATUS:CANCELLED") && body.contains("STATUS:TENTATIVE"), "{body}");
    assert!(body.contains("DTSTAMP:"));
    // A wrong token, or the old one after a rotation, is not found.
    assert_eq!(d.app.client().get("/ics/not-a-token.ics").await.status(), 404);
    assert_eq!(d.app.client().get(&path.replace(".ics", "")).await.status(), 404);
    let (s, _) = d.agent.post_empty("/api/auth/me/ics-token").await;
    assert_eq!(s, 200);
    assert_eq!(d.app.client().get(path).await.status(), 404);
}
