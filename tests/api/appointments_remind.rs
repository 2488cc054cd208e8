//! The customer's appointment reminder: sent once by the scheduler (at once
//! for a booking made inside the reminder time), as free text through the
//! bridge or as the approved template through Twilio outside the window;
//! and the customer's `1` / `2` answers.

use std::time::Duration;

use chrono::{Timelike, Utc};
use serde_json::{Value, json};

use crate::fakes;
use crate::front_desk::front_desk;
use crate::helpers::*;
use crate::providers::*;

/// The first quarter hour at least `hours` from now, as UTC RFC 3339; past
/// the business's (Jerusalem's) midnight when a 30-minute visit would cross
/// it, since a slot lies inside one day's hours.
fn quarter_after(hours: i64) -> String {
    let t = Utc::now() + chrono::Duration::hours(hours) + chrono::Duration::minutes(15);
    let t = t.with_second(0).unwrap().with_nanosecond(0).unwrap();
    let mut t = t - chrono::Duration::minutes(i64::from(t.minute() % 15));
    let local_day = |t: chrono::DateTime<Utc>| t.with_timezone(&chrono_tz::Asia::Jerusalem).date_naive();
    while local_day(t) != local_day(t + chrono::Duration::minutes(29)) {
        t += chrono::Duration::minutes(15);
    }
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Open around the clock, no notice; a staff member (owner) and a service.
async fn bookable(admin: &Session, extra: Value) -> i64 {
    let day = json!([["00:00", "24:00"]]);
    let mut body = json!({"business_hours": {"sun": day, "mon": day, "tue": day, "wed": day, "thu": day, "fri": day,
                           "sat": day}, "booking_min_notice_min": 0});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let (s, b) = admin.patch("/api/business/current", &body).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = admin.post("/api/services", &json!({"name": "Haircut", "duration_min": 30})).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

fn reminders(rec: &fakes::Recorder) -> Vec<Value> {
    rec.requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r["text"].as_str().is_some_and(|t| t.contains("השיבו 1")))
        .cloned()
        .collect()
}

async fn inbound(app: &TestApp, id: &str, text: &str) {
    let ev = baileys_event(id, "972526666666@s.whatsapp.net", None, false, text);
    assert_eq!(post_baileys(app, &ev, Some("bridge-secret")).await.status(), 200);
}

#[tokio::test]
async fn a_late_booking_is_reminded_at_once_exactly_once_and_1_confirms_and_2_cancels() {
    let (app, admin, owner, bridge, chat) = front_desk("50").await;
    inbound(&app, "R0", "hello").await;
    let lead = leads(&admin).await[0]["id"].as_i64().unwrap();
    wait_for_kind(&admin, lead, "ai_reply", 1).await;
    let service = bookable(&admin, json!({})).await;
    // Three days ahead: its reminder waits; two hours ahead: inside the 24 hours, reminded now.
    let (s, far) = admin
        .post("/api/appointments", &json!({"lead_id": lead, "service_id": service, "starts_at": quarter_after(72)}))
        .await;
    assert_eq!(s, 201, "{far}");
    let (s, a) = admin
        .post("/api/appointments", &json!({"lead_id": lead, "service_id": service, "starts_at": quarter_after(2)}))
        .await;
    assert_eq!(s, 201, "{a}");
    let sent = eventually(Duration::from_secs(20), "the reminder", || async {
        let r = reminders(&bridge);
        (!r.is_empty()).then_some(r)
    })
    .await;
    assert!(sent[0]["text"].as_str().unwrap().contains("Haircut"), "{sent:?}");
    assert_eq!(sent[0]["number"], "972526666666");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(reminders(&bridge).len(), 1, "once, and not yet for the one three days ahead");
    let msg = activities(&admin, lead).await.into_iter().find(|x| x["data"]["automatic"] == "appointment_reminder");
    assert!(msg.is_some(), "the reminder is on the timeline");

    // `1` confirms, and the AI is not asked.
    let asked = chat.count();
    inbound(&app, "R1", "1").await;
    wait_for_kind(&admin, lead, "appointment_confirmed", 1).await;
    let (_, got) = admin.get_json(&format!("/api/appointments/{}", a["id"])).await;
    assert_eq!(got["status"], "confirmed");
    let confirmed = activities(&admin, lead).await.into_iter().find(|x| x["kind"] == "appointment_confirmed").unwrap();
    assert_eq!(confirmed["data"]["by"], "customer");
    // `2` cancels, tells the staff member, and still no AI.
    inbound(&app, "R2", "ביטול").await;
    wait_for_kind(&admin, lead, "appointment_cancelled", 1).await;
    let (_, got) = admin.get_json(&format!("/api/appointments/{}", a["id"])).await;
    assert_eq!(got["status"], "cancelled");
    let (_, far) = admin.get_json(&format!("/api/appointments/{}", far["id"])).await;
    assert_eq!(far["status"], "booked", "the unreminded one is untouched");
    let (_, n) = owner.get_json("/api/notifications").await;
    assert!(n["items"].as_array().unwrap().iter().any(|x| x["kind"] == "appointment_cancelled"), "{n}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(chat.count(), asked, "answers to a reminder go to no model");
    // Anything else goes to the AI as before.
    inbound(&app, "R3", "2").await;
    wait_for_kind(&admin, lead, "ai_reply", 2).await;
}

#[tokio::test]
async fn outside_the_window_twilio_sends_the_booking_template_with_its_variables() {
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (_app, admin) = app_with(&[("FRONTDESK_TWILIO_API_BASE", &twilio)]).await;
    add_user(&admin, "owner@biz.test", "owner").await;
    let sid = format!("HX{}", "0123456789abcdef".repeat(2));
    let service = bookable(&admin, json!({"twilio_booking_template_sid": sid})).await;
    let (s, b) = admin.get_json("/api/business/current").await;
    assert_eq!((s.as_u16(), b["twilio_booking_template_sid"].as_str()), (200, Some(sid.as_str())));
    let (s, b) = admin.patch("/api/business/current", &json!({"twilio_booking_template_sid": "nope"})).await;
    assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some("twilio_booking_template_sid")));
    let lead = create_lead(&admin, "Noa", "0527777777").await["id"].as_i64().unwrap();
    let starts = quarter_after(3);
    let (s, a) =
        admin.post("/api/appointments", &json!({"lead_id": lead, "service_id": service, "starts_at": starts})).await;
    assert_eq!(s, 201, "{a}");
    let sent = eventually(Duration::from_secs(20), "the template", || async {
        (twilio_rec.count() > 0).then(|| twilio_rec.last())
    })
    .await;
    assert_eq!(sent["ContentSid"], sid.as_str());
    assert_eq!(sent["To"], "whatsapp:+972527777777");
    let vars: Value = serde_json::from_str(sent["ContentVariables"].as_str().unwrap()).unwrap();
    let local = chrono::DateTime::parse_from_rfc3339(&starts).unwrap().with_timezone(&chrono_tz::Asia::Jerusalem);
    assert_eq!(
        vars,
        json!({"1": "Noa", "2": "Haircut", "3": local.format("%Y-%m-%d").to_string(), "4": local.format("%H:%M").to_string()})
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(twilio_rec.count(), 1, "exactly once");
}

/// The server as `app_with` starts it, with the bridge at `bridge`, on `dir`'s data.
async fn bridge_app(bridge: &str, dir: Option<tempfile::TempDir>) -> TestApp {
    let mut spawn = Spawn::default()
        .env("FRONTDESK_PUBLIC_URL", PUBLIC)
        .env("FRONTDESK_TWILIO_AUTH_TOKEN", TOKEN)
        .env("FRONTDESK_TWILIO_ACCOUNT_SID", "AC123")
        .env("FRONTDESK_BAILEYS_SECRET", BRIDGE_SECRET)
        .env("FRONTDESK_TWILIO_API_BASE", "http://127.0.0.1:9")
        .env("FRONTDESK_BAILEYS_URL", bridge);
    if let Some(dir) = dir {
        spawn = spawn.reuse(dir);
    }
    spawn.start().await
}

#[tokio::test]
async fn a_reminder_whose_outcome_a_crash_lost_is_not_sent_again() {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let mut app = bridge_app(&bridge, None).await;
    let admin = login_over_http_as(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (s, b) = admin
        .patch("/api/admin/businesses/1", &json!({"whatsapp_e164": "+972501234567", "whatsapp_instance": "biz1"}))
        .await;
    assert_eq!(s, 200, "{b}");
    add_user(&admin, "owner@biz.test", "owner").await;
    let service = bookable(&admin, json!({})).await;
    let lead = create_lead(&admin, "Gil", "0526666666").await["id"].as_i64().unwrap();
    let (s, a) = admin
        .post("/api/appointments", &json!({"lead_id": lead, "service_id": service, "starts_at": quarter_after(2)}))
        .await;
    assert_eq!(s, 201, "{a}");
    eventually(Duration::from_secs(20), "the reminder", || async {
        (!reminders(&bridge_rec).is_empty()).then_some(())
    })
    .await;
    // The process dies after the send, before recording it: the row stays claimed.
    app.terminate();
    let dir = std::mem::replace(&mut app.dir, tempfile::tempdir().unwrap());
    let data = dir.path().join("frontdesk.db");
    {
        let c = rusqlite::Connection::open(&data).unwrap();
        let n = c
            .execute(
                "UPDATE appointment_reminders SET status = 'claimed', claim_token = 'lost', sent_at = NULL,
                     claimed_at = '2000-01-01T00:00:00.000Z' WHERE appointment_id = ?1",
                [a["id"].as_i64().unwrap()],
            )
            .unwrap();
        assert_eq!(n, 1);
    }
    // The claim is put back and taken again; the send is recognised as made.
    let _app = bridge_app(&bridge, Some(dir)).await;
    let status = |data: &std::path::Path| -> String {
        let c = rusqlite::Connection::open(data).unwrap();
        c.query_row("SELECT status FROM appointment_reminders", [], |r| r.get(0)).unwrap()
    };
    eventually(Duration::from_secs(40), "the claim taken again", || async { (status(&data) == "sent").then_some(()) })
        .await;
    assert_eq!(reminders(&bridge_rec).len(), 1, "sent exactly once across the crash");
}
