//! On the phone: tools off the relay loop and within their budget, and the
//! voicemail served from this origin.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    routing::{get, post},
};
use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use super::lead_id_of;
use crate::{
    helpers::*,
    providers::*,
    voice::{fake_model, next_model, open_stream, place_call, recv_json},
};

/// A fake Twilio REST API: live-call updates answered after `delay`, and
/// recordings served to the right credentials (or failing with `fail`).
#[derive(Clone, Default)]
struct SlowTwilio {
    delay: Duration,
    updates: Arc<Mutex<Vec<(String, Instant)>>>,
    fail: Arc<Mutex<Option<u16>>>,
}

/// The bytes of the fake recording: large enough to come in several chunks.
fn recording_bytes() -> Vec<u8> {
    (0..300_000u32).map(|i| (i % 251) as u8).collect()
}

async fn slow_twilio(delay: Duration) -> (String, SlowTwilio) {
    let fake = SlowTwilio { delay, ..Default::default() };
    async fn update(State(f): State<SlowTwilio>, Path((_a, call)): Path<(String, String)>) -> StatusCode {
        tokio::time::sleep(f.delay).await;
        f.updates.lock().unwrap().push((call, Instant::now()));
        StatusCode::OK
    }
    async fn recording(
        State(f): State<SlowTwilio>,
        Path((account, file)): Path<(String, String)>,
        headers: HeaderMap,
    ) -> (StatusCode, [(header::HeaderName, &'static str); 1], Vec<u8>) {
        use base64::Engine as _;
        let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("AC123:twilio-auth-token"));
        if let Some(code) = *f.fail.lock().unwrap() {
            let status = StatusCode::from_u16(code).unwrap();
            return (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                b"{\"message\": \"secret RE9 detail\"}".to_vec(),
            );
        }
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) || account != "AC123" {
            return (StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, "application/json")], Vec::new());
        }
        if file != "RE1.mp3" {
            return (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "application/json")], Vec::new());
        }
        (StatusCode::OK, [(header::CONTENT_TYPE, "audio/mpeg")], recording_bytes())
    }
    // Ringing the person (a warm transfer's first leg) is as slow; it answers a new call's sid.
    async fn create(State(f): State<SlowTwilio>) -> axum::Json<serde_json::Value> {
        tokio::time::sleep(f.delay).await;
        axum::Json(json!({"sid": "CAperson"}))
    }
    let router = Router::new()
        .route("/2010-04-01/Accounts/{account}/Calls.json", post(create))
        .route("/2010-04-01/Accounts/{account}/Calls/{call}", post(update))
        .route("/2010-04-01/Accounts/{account}/Recordings/{file}", get(recording))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), fake)
}

/// The next message to the model that is not the short spoken filler a tool
/// running over 1.5 s gets (a `response.create` of our own).
async fn past_filler<S>(model: &mut S) -> serde_json::Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let m = recv_json(model).await.unwrap();
        if m["type"] != "response.create" {
            return m;
        }
    }
}

#[tokio::test]
async fn a_slow_transfer_does_not_stall_the_audio_in_either_direction() {
    let (model_url, mut models) = fake_model().await;
    let (twilio, fake) = slow_twilio(Duration::from_secs(2)).await;
    let (app, admin) = app_with(&[
        ("FRONTDESK_OPENAI_API_KEY", "sk-voice"),
        ("FRONTDESK_OPENAI_REALTIME_URL", model_url.as_str()),
        ("FRONTDESK_TWILIO_API_BASE", twilio.as_str()),
    ])
    .await;
    admin.patch("/api/business/current", &json!({"forward_e164": "+972541112222", "business_hours": {}})).await;
    let token = place_call(&app, "CAslow", "+972521010180").await;
    let mut tw = open_stream(&app, &token, "CAslow", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await; // session.update
    recv_json(&mut model).await; // greeting
    let transfer = json!({"type": "response.function_call_arguments.done", "response_id": "resp1", "call_id": "x1",
                          "name": "transfer_to_human", "arguments": "{\"reason\": \"asked for a person\"}"});
    let asked = Instant::now();
    model.send(Message::text(transfer.to_string())).await.unwrap();
    // While Twilio takes its time, the agent's audio reaches the caller and the caller's the model.
    for i in 0..5 {
        let delta = json!({"type": "response.output_audio.delta", "item_id": "i1", "delta": format!("A{i}")});
        model.send(Message::text(delta.to_string())).await.unwrap();
        let media = recv_json(&mut tw).await.unwrap();
        assert_eq!(media["media"]["payload"], format!("A{i}"));
        assert_eq!(recv_json(&mut tw).await.unwrap()["event"], "mark");
        tw.send(Message::text(
            json!({"event": "media", "media": {"payload": format!("C{i}"), "timestamp": "0"}}).to_string(),
        ))
        .await
        .unwrap();
        let append = past_filler(&mut model).await;
        assert_eq!(
            (append["type"].as_str(), append["audio"].as_str()),
            (Some("input_audio_buffer.append"), Some(format!("C{i}").as_str()))
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let relayed = asked.elapsed();
    assert!(fake.updates.lock().unwrap().is_empty(), "the transfer was still running");
    assert!(relayed < Duration::from_millis(1900), "audio kept flowing during the transfer ({relayed:?})");
    // Then the tool's answer comes back to the model.
    let out = past_filler(&mut model).await;
    assert_eq!(out["item"]["call_id"], "x1", "{out}");
    assert!(out["item"]["output"].as_str().unwrap().contains("\"ok\":true"), "{out}");
    assert!(asked.elapsed() >= Duration::from_secs(2));
    assert_eq!(fake.updates.lock().unwrap()[0].0, "CAslow.json");
}

#[tokio::test]
async fn a_response_runs_at_most_three_tools_on_a_call() {
    let (model_url, mut models) = fake_model().await;
    let (app, admin) =
        app_with(&[("FRONTDESK_OPENAI_API_KEY", "sk-voice"), ("FRONTDESK_OPENAI_REALTIME_URL", model_url.as_str())])
            .await;
    admin.patch("/api/business/current", &json!({"business_hours": {}})).await;
    let token = place_call(&app, "CAmany", "+972521010181").await;
    let _tw = open_stream(&app, &token, "CAmany", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await;
    recv_json(&mut model).await;
    for i in 0..5 {
        let call = json!({"type": "response.function_call_arguments.done", "response_id": "resp1",
                          "call_id": format!("c{i}"), "name": "add_tag", "arguments": json!({"tag": format!("v{i}")}).to_string()});
        model.send(Message::text(call.to_string())).await.unwrap();
    }
    let mut outputs = std::collections::BTreeMap::new();
    while outputs.len() < 5 {
        let m = recv_json(&mut model).await.expect("a tool output");
        if m["type"] == "conversation.item.create" {
            outputs.insert(
                m["item"]["call_id"].as_str().unwrap().to_string(),
                m["item"]["output"].as_str().unwrap().to_string(),
            );
        }
    }
    let refused: Vec<&String> =
        outputs.iter().filter(|(_, o)| o.contains("too many tool calls")).map(|(c, _)| c).collect();
    assert_eq!(refused, ["c3", "c4"], "{outputs:?}");
    let lead = leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521010181").unwrap();
    assert_eq!(lead["tags"], json!(["v0", "v1", "v2"]));
}

#[tokio::test]
async fn the_voicemail_is_served_from_this_origin_to_its_business_only() {
    let (twilio, fake) = slow_twilio(Duration::ZERO).await;
    let (app, admin) = app_with(&[("FRONTDESK_TWILIO_API_BASE", twilio.as_str())]).await;
    admin.patch("/api/business/current", &json!({"business_hours": {}})).await;
    // No AI configured: the caller goes straight to the voicemail.
    let call = [("CallSid", "CAvm"), ("From", "+972521010190"), ("To", "+972031234567")];
    let (s, xml) = signed(&app, "/webhook/twilio/voice", &call).await;
    assert!(s == 200 && xml.contains("<Record"), "{xml}");
    let rec = [
        ("CallSid", "CAvm"),
        ("RecordingStatus", "completed"),
        ("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings/RE1"),
        ("RecordingDuration", "7"),
    ];
    let (s, body) = signed(&app, "/webhook/twilio/recording", &rec).await;
    assert_eq!(s, 200, "{body}");
    let lead = lead_id_of(&admin, "+972521010190").await;
    let acts = wait_for_kind(&admin, lead, "voicemail", 1).await;
    let call_id = acts.iter().find(|a| a["kind"] == "voicemail").unwrap()["data"]["call_id"].as_i64().unwrap();
    let path = format!("/api/calls/{call_id}/recording");

    add_user(&admin, "agent@biz.test", "agent").await;
    let agent = login_over_http_as(&app, "agent@biz.test", "user-password-1").await;
    for who in [&admin, &agent] {
        let res = who.get(&path).await;
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "audio/mpeg");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "private");
        assert_eq!(res.bytes().await.unwrap().to_vec(), recording_bytes());
    }
    // Another business's owner: as if the call did not exist.
    create_business(&admin, "Other", "other@biz.test", "+972039999999").await;
    let other = login_over_http_as(&app, "other@biz.test", "owner-password-1").await;
    let (s, e) = other.get_json(&path).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (404, "not_found"));
    let (s, _) = admin.get_json("/api/calls/999999/recording").await;
    assert_eq!(s, 404);
    let (s, _) = admin.get_json("/api/calls/abc/recording").await;
    assert_eq!(s, 400);
    // Twilio failing: a plain 503, nothing of Twilio's own in the answer.
    *fake.fail.lock().unwrap() = Some(500);
    let (s, e) = admin.get_json(&path).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (503, "provider_unavailable"), "{e}");
    let text = e.to_string();
    for secret in ["RE1", "RE9", "AC123", "127.0.0.1", "secret"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let (s, _) = app.client().get_json(&path).await;
    assert_eq!(s, 401, "signed-in users only");
}
