//! Sending to a lead: an Idempotency-Key answers only the very same send
//! (same lead, author and text), and the provider is chosen by health before
//! the send, with the window and template rules of the one that sends.

use std::time::Duration;

use reqwest::Response;
use serde_json::{Value, json};

use crate::{
    fakes,
    helpers::*,
    providers::{self, baileys_event, post_baileys},
};

/// POSTs a WhatsApp send with an Idempotency-Key.
async fn send_keyed(s: &Session, lead_id: i64, key: &str, body: &Value) -> Response {
    s.http
        .post(s.url(&format!("/api/leads/{lead_id}/message/whatsapp")))
        .header("X-CSRFToken", s.csrf.clone().unwrap())
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn texts(rec: &fakes::Recorder, field: &str) -> Vec<String> {
    rec.requests.lock().unwrap().iter().filter_map(|r| r[field].as_str().map(str::to_string)).collect()
}

#[tokio::test]
async fn an_idempotency_key_answers_only_the_same_send_to_the_same_lead() {
    let (bridge, rec) = fakes::evolution("bridge-secret").await;
    let (app, admin) = providers::app_with(&[("FRONTDESK_BAILEYS_URL", &bridge)]).await;
    let a = create_lead(&admin, "Alona", "0521000101").await["id"].as_i64().unwrap();
    let b = create_lead(&admin, "Boaz", "0521000102").await["id"].as_i64().unwrap();

    // A's send fails at the bridge (about the recipient, so the bridge stays
    // in use): the key now names a failed send to A.
    rec.fail(Some(400));
    *rec.fail_body.lock().unwrap() = Some(json!({"response": {"message": [{"exists": false}]}}));
    let res = send_keyed(&admin, a, "k-1", &json!({"text": "for Alona"})).await;
    assert_eq!(res.status(), 422);
    rec.fail(None);

    // The same key for B: refused, nothing sent, nothing stored on A's row.
    let res = send_keyed(&admin, b, "k-1", &json!({"text": "for Boaz"})).await;
    assert_eq!(res.status(), 422);
    let e: Value = res.json().await.unwrap();
    assert_eq!(assert_error(&e), "idempotency_key_reused", "{e}");
    // Another text to A under the same key: refused as well.
    let res = send_keyed(&admin, a, "k-1", &json!({"text": "something else"})).await;
    assert_eq!(res.status(), 422);
    assert!(!texts(&rec, "text").contains(&"for Boaz".to_string()), "B's text never left");

    // The very same send retried: tried again on A's row, and it goes out.
    let res = send_keyed(&admin, a, "k-1", &json!({"text": "for Alona"})).await;
    assert_eq!(res.status(), 200);
    let first: Value = res.json().await.unwrap();
    let again: Value = send_keyed(&admin, a, "k-1", &json!({"text": "for Alona"})).await.json().await.unwrap();
    assert_eq!(first["message_id"], again["message_id"], "a retry answers as the first time");
    assert_eq!(texts(&rec, "text").iter().filter(|t| *t == "for Alona").count(), 2, "one failed, one sent");

    // B's conversation holds nothing of A's, and A's holds only its own text.
    let outs = |acts: Vec<Value>| -> Vec<String> {
        acts.into_iter().filter(|a| a["kind"] == "message_out").map(|a| a["body"].as_str().unwrap().into()).collect()
    };
    assert_eq!(outs(activities(&admin, a).await), vec!["for Alona".to_string()]);
    assert!(outs(activities(&admin, b).await).is_empty());

    // Another author may not take over the key either (their own key is theirs).
    add_user(&admin, "agent-k@test.local", "agent").await;
    let agent = providers::login_over_http_as(&app, "agent-k@test.local", "user-password-1").await;
    let res = send_keyed(&agent, a, "k-1", &json!({"text": "for Alona"})).await;
    assert_eq!(res.status(), 422, "another author's key");
    let res = send_keyed(&agent, a, "k-2", &json!({"text": "from the agent"})).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_closed_bridge_falls_back_to_twilio_only_where_twilio_may_send() {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (_app, admin) =
        providers::app_with(&[("FRONTDESK_BAILEYS_URL", &bridge), ("FRONTDESK_TWILIO_API_BASE", &twilio)]).await;
    let cold = create_lead(&admin, "Cold", "0521000111").await["id"].as_i64().unwrap();
    let path = format!("/api/leads/{cold}/message/whatsapp");

    // The bridge says its WhatsApp connection is closed (Evolution answers 400).
    bridge_rec.fail(Some(400));
    *bridge_rec.fail_body.lock().unwrap() =
        Some(json!({"status": 400, "error": "Bad Request", "response": {"message": ["Error: Connection Closed"]}}));
    // Free text to a lead who never wrote: Twilio may not send it, so nothing goes out.
    let (s, e) = admin.post(&path, &json!({"text": "hello cold"})).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (503, "provider_unavailable"), "{e}");
    assert_eq!(twilio_rec.count(), 0, "no free text outside the window through Twilio");
    let reasons = e["reasons"].to_string();
    assert!(reasons.contains("connection is closed"), "the bridge's failure is named plainly: {e}");
    assert!(reasons.contains("approved template"), "and Twilio's window: {e}");
    assert!(!reasons.contains("400"), "no raw status code: {e}");

    // The bridge is now known to be down: the template goes through Twilio.
    let sid = format!("HX{}", "0123456789abcdef".repeat(2));
    let (s, _) = admin.patch("/api/business/current", &json!({"twilio_template_sid": sid})).await;
    assert_eq!(s, 200);
    let (s, body) = admin.post(&path, &json!({"template": true})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["provider"], "twilio");
    assert_eq!(twilio_rec.last()["ContentSid"], sid.as_str());
}

#[tokio::test]
async fn a_bridge_that_fails_mid_send_falls_back_and_a_refused_recipient_does_not() {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (app, admin) =
        providers::app_with(&[("FRONTDESK_BAILEYS_URL", &bridge), ("FRONTDESK_TWILIO_API_BASE", &twilio)]).await;
    // The customer wrote through the bridge: the window is open for Twilio too.
    let ev = baileys_event("IN-1", "972521000121@s.whatsapp.net", None, false, "hi there");
    assert_eq!(post_baileys(&app, &ev, Some("bridge-secret")).await.status(), 200);
    let lead = eventually(Duration::from_secs(5), "the lead", || async {
        leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521000121")
    })
    .await;
    let path = format!("/api/leads/{}/message/whatsapp", lead["id"]);

    // The bridge is healthy, then its send fails with Connection Closed (a 500 this time): Twilio sends.
    let (s, body) = admin.post(&path, &json!({"text": "first"})).await;
    assert_eq!((s.as_u16(), body["provider"].as_str()), (200, Some("baileys")), "{body}");
    bridge_rec.fail(Some(500));
    *bridge_rec.fail_body.lock().unwrap() = Some(json!({"status": 500, "response": {"message": "Connection Closed"}}));
    let (s, body) = admin.post(&path, &json!({"text": "second"})).await;
    assert_eq!((s.as_u16(), body["provider"].as_str()), (200, Some("twilio")), "{body}");
    assert_eq!(twilio_rec.last()["Body"], "second");

    // A bridge answer about the recipient refuses the message: no fallback.
    let (app2, admin2) =
        providers::app_with(&[("FRONTDESK_BAILEYS_URL", &bridge), ("FRONTDESK_TWILIO_API_BASE", &twilio)]).await;
    let ev = baileys_event("IN-2", "972521000122@s.whatsapp.net", None, false, "hi");
    assert_eq!(post_baileys(&app2, &ev, Some("bridge-secret")).await.status(), 200);
    let lead2 = eventually(Duration::from_secs(5), "the lead", || async {
        leads(&admin2).await.into_iter().find(|l| l["phone_e164"] == "+972521000122")
    })
    .await;
    bridge_rec.fail(Some(400));
    *bridge_rec.fail_body.lock().unwrap() =
        Some(json!({"status": 400, "response": {"message": [{"exists": false, "number": "972521000122"}]}}));
    let before = twilio_rec.count();
    let (s, e) = admin2.post(&format!("/api/leads/{}/message/whatsapp", lead2["id"]), &json!({"text": "x"})).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (422, "message_refused"), "{e}");
    assert_eq!(twilio_rec.count(), before, "a refused recipient is not retried elsewhere");
}
