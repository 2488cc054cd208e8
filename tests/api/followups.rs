//! Sending later: a scheduled send goes out once, even across a kill -9,
//! and may be cancelled until then; the business's follow-up steps go out
//! when the customer has not answered, and stop at a reply, an opt-out word
//! or a closed lead.

use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use crate::fakes;
use crate::helpers::*;
use crate::providers::*;

fn in_secs(s: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(s)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Bridge sends of `text` (to `number`, when given).
fn sent(rec: &fakes::Recorder, text: &str, number: Option<&str>) -> usize {
    let requests = rec.requests.lock().unwrap();
    requests.iter().filter(|r| r["text"] == text && number.is_none_or(|n| r["number"] == n)).count()
}

async fn scheduled(s: &Session, lead: i64) -> Vec<Value> {
    let (st, b) = s.get_json(&format!("/api/leads/{lead}/scheduled-messages")).await;
    assert_eq!(st, 200, "{b}");
    b["items"].as_array().unwrap().clone()
}

async fn bridge_app(bridge: &str, data: Option<std::path::PathBuf>) -> (TestApp, Session) {
    match data {
        None => app_with(&[("FRONTDESK_BAILEYS_URL", bridge)]).await,
        Some(path) => {
            let app = Spawn::default()
                .env("FRONTDESK_PUBLIC_URL", PUBLIC)
                .env("FRONTDESK_TWILIO_AUTH_TOKEN", TOKEN)
                .env("FRONTDESK_TWILIO_ACCOUNT_SID", "AC123")
                .env("FRONTDESK_BAILEYS_SECRET", BRIDGE_SECRET)
                .env("FRONTDESK_TWILIO_API_BASE", "http://127.0.0.1:9")
                .env("FRONTDESK_BAILEYS_URL", bridge)
                .data_file(path)
                .start()
                .await;
            let admin = login_over_http_as(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
            (app, admin)
        }
    }
}

#[tokio::test]
async fn a_scheduled_send_goes_out_once_across_a_kill_and_can_be_cancelled_before() {
    let (bridge, rec) = fakes::evolution("bridge-secret").await;
    let (mut app, admin) = bridge_app(&bridge, None).await;
    let lead = create_lead(&admin, "Noa", "0528000001").await["id"].as_i64().unwrap();
    let path = format!("/api/leads/{lead}/message/whatsapp");

    for (body, field) in [
        (json!({"text": "x", "send_at": "2020-01-01T00:00:00Z"}), "send_at"),
        (json!({"text": "x", "send_at": "tomorrow"}), "send_at"),
        (json!({"text": "", "send_at": in_secs(60)}), "text"),
        (json!({"template": true, "send_at": in_secs(60)}), "send_at"),
    ] {
        let (s, b) = admin.post(&path, &body).await;
        assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some(field)), "{body}: {b}");
    }

    // Cancelled in time: never sent.
    let (s, cancelled) = admin.post(&path, &json!({"text": "never", "send_at": in_secs(3)})).await;
    assert_eq!(s, 202, "{cancelled}");
    assert_eq!(cancelled["status"], "pending");
    let (s, _) = admin.delete(&format!("/api/scheduled-messages/{}", cancelled["id"])).await;
    assert_eq!(s, 204);
    let (s, b) = admin.delete(&format!("/api/scheduled-messages/{}", cancelled["id"])).await;
    assert_eq!((s.as_u16(), b["error"].as_str()), (409, Some("not_pending")), "{b}");

    let (s, item) = admin.post(&path, &json!({"text": "see you later", "send_at": in_secs(3)})).await;
    assert_eq!(s, 202, "{item}");
    assert_eq!(item["kind"], "scheduled");
    let kinds: Vec<Value> = activities(&admin, lead).await.into_iter().map(|a| a["kind"].clone()).collect();
    assert!(kinds.contains(&json!("message_scheduled")), "{kinds:?}");

    // kill -9 before it is due; the restarted server sends it, once.
    let data = app.data_path();
    app.child.kill().unwrap();
    app.child.wait().unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let (_app2, admin) = bridge_app(&bridge, Some(data)).await;
    assert!(
        wait_until(Duration::from_secs(10), || async { sent(&rec, "see you later", Some("972528000001")) == 1 }).await,
        "the scheduled send went out after the restart"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sent(&rec, "see you later", None), 1, "exactly once");
    assert_eq!(sent(&rec, "never", None), 0, "the cancelled one never");
    let items = scheduled(&admin, lead).await;
    let done = items.iter().find(|i| i["id"] == item["id"]).unwrap();
    assert_eq!(done["status"], "sent", "{items:?}");
    assert!(done["message_id"].is_i64());
    let gone = items.iter().find(|i| i["id"] == cancelled["id"]).unwrap();
    assert_eq!(gone["status"], "cancelled");
}

#[tokio::test]
async fn follow_ups_go_out_until_a_reply_an_opt_out_or_a_won_lead() {
    let (bridge, rec) = fakes::evolution("bridge-secret").await;
    let (app, admin) = bridge_app(&bridge, None).await;

    for (body, field) in [
        (json!({"follow_ups": [{"after_hours": 0, "text": "a"}]}), "follow_ups[0].after_hours"),
        (json!({"follow_ups": [{"after_hours": 720.5, "text": "a"}]}), "follow_ups[0].after_hours"),
        (json!({"follow_ups": [{"after_hours": 1, "text": ""}]}), "follow_ups[0].text"),
        (
            json!({"follow_ups": [{"after_hours": 1, "text": "a"}, {"after_hours": 1, "text": "b"},
                                {"after_hours": 1, "text": "c"}, {"after_hours": 1, "text": "d"}]}),
            "follow_ups",
        ),
        (json!({"follow_ups": "soon"}), "follow_ups"),
    ] {
        let (s, b) = admin.patch("/api/business/current", &body).await;
        assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some(field)), "{body}: {b}");
    }
    // 0.002 hours is 7.2 seconds.
    let steps = json!([{"after_hours": 0.002, "text": "F1"}, {"after_hours": 0.002, "text": "F2"}]);
    let (s, b) = admin.patch("/api/business/current", &json!({"follow_ups": steps})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["follow_ups"], steps);

    let replies = create_lead(&admin, "Replies", "0528000011").await["id"].as_i64().unwrap();
    let opts_out = create_lead(&admin, "Opts out", "0528000012").await["id"].as_i64().unwrap();
    let wins = create_lead(&admin, "Wins", "0528000013").await["id"].as_i64().unwrap();
    for lead in [replies, opts_out, wins] {
        let (s, b) = admin.post(&format!("/api/leads/{lead}/message/whatsapp"), &json!({"text": "Hello!"})).await;
        assert_eq!(s, 200, "{b}");
        let pending = scheduled(&admin, lead).await;
        assert_eq!((pending.len(), &pending[0]["kind"], &pending[0]["step"]), (1, &json!("follow_up"), &json!(1)));
    }
    let inbound = |id: &'static str, number: &'static str, text: &'static str| {
        let app = &app;
        async move {
            let ev = baileys_event(id, &format!("{number}@s.whatsapp.net"), None, false, text);
            assert_eq!(post_baileys(app, &ev, Some(BRIDGE_SECRET)).await.status(), 200);
        }
    };
    // Opting out (the whole message, any case) ends it for good; so does winning.
    inbound("O1", "972528000012", " הסר ").await;
    let (s, b) = admin.post(&format!("/api/leads/{wins}/status"), &json!({"status": "won"})).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = admin.post(&format!("/api/leads/{opts_out}/message/whatsapp"), &json!({"text": "Sorry!"})).await;
    assert_eq!(s, 200, "{b}");

    // The silent lead gets step 1, once; then its reply stops step 2.
    assert!(
        wait_until(Duration::from_secs(20), || async { sent(&rec, "F1", Some("972528000011")) == 1 }).await,
        "step 1 went out"
    );
    inbound("R1", "972528000011", "ok thanks").await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(sent(&rec, "F1", None), 1, "step 1 only to the silent lead, once");
    assert_eq!(sent(&rec, "F2", None), 0, "the reply stopped step 2");
    let steps = scheduled(&admin, replies).await;
    let status: Vec<(&Value, &Value)> = steps.iter().map(|s| (&s["step"], &s["status"])).collect();
    assert_eq!(status, vec![(&json!(1), &json!("sent")), (&json!(2), &json!("cancelled"))], "{steps:?}");
    for lead in [opts_out, wins] {
        let items = scheduled(&admin, lead).await;
        assert!(items.iter().all(|i| i["status"] == "cancelled"), "{items:?}");
    }
    let msg = activities(&admin, replies).await.into_iter().find(|a| a["body"] == "F1").unwrap();
    assert_eq!(msg["data"]["automatic"], "follow_up");
}
