//! The AI within bounds: tool calls per round, per reply and per call,
//! AI-made reminders per lead, status moves, the per-business hourly cap,
//! names from webhooks, tools off the voice relay loop, and the voicemail
//! served from this origin.

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
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    fakes,
    helpers::*,
    providers::*,
    voice::{fake_model, next_model, open_stream, place_call, recv_json},
};

fn hours_ahead(h: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(h)).to_rfc3339()
}

/// An assistant message calling several tools at once.
fn tool_calls(calls: &[(&str, &str, Value)]) -> Value {
    let calls: Vec<Value> = calls
        .iter()
        .map(|(id, name, args)| {
            json!({"id": id, "type": "function", "function": {"name": name, "arguments": args.to_string()}})
        })
        .collect();
    json!({"role": "assistant", "content": null, "tool_calls": calls})
}

/// An app with the bridge and a chat model, a WhatsApp prompt, and an owner to be told things.
async fn front_desk() -> (TestApp, Session, Session, fakes::Recorder, fakes::Recorder) {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (chat, chat_rec) = fakes::chat().await;
    let (app, admin) = app_with(&[
        ("FRONTDESK_BAILEYS_URL", &bridge),
        ("FRONTDESK_OPENAI_BASE_URL", &chat),
        ("FRONTDESK_OPENAI_API_KEY", "sk-fake"),
        ("FRONTDESK_AI_DEBOUNCE_MS", "50"),
    ])
    .await;
    let (s, _) =
        admin.put("/api/business/current/prompt", &json!({"calls_prompt": "", "whatsapp_prompt": "Be kind."})).await;
    assert_eq!(s, 200);
    add_user(&admin, "owner@biz.test", "owner").await;
    let owner = login_over_http_as(&app, "owner@biz.test", "user-password-1").await;
    (app, admin, owner, bridge_rec, chat_rec)
}

async fn inbound_from(app: &TestApp, jid: &str, id: &str, text: &str) {
    let res = post_baileys(app, &baileys_event(id, jid, None, false, text), Some(BRIDGE_SECRET)).await;
    assert_eq!(res.status(), 200);
}

const DANA: &str = "972526666666@s.whatsapp.net";

async fn lead_id_of(admin: &Session, phone: &str) -> i64 {
    let all = leads(admin).await;
    all.iter().find(|l| l["phone_e164"] == phone).unwrap_or_else(|| panic!("no lead {phone}: {all:?}"))["id"]
        .as_i64()
        .unwrap()
}

fn tool_outputs(request: &Value) -> Vec<(String, String)> {
    request["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| (m["tool_call_id"].as_str().unwrap().to_string(), m["content"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn one_message_runs_at_most_three_tools_a_round_six_a_reply_and_three_ai_callbacks_per_lead() {
    let (app, admin, _owner, bridge_rec, chat_rec) = front_desk().await;
    // Round 1: five call-backs at once; round 2: five tags; round 3: two more tags.
    let round1: Vec<(String, Value)> = (1..=5)
        .map(|i| (format!("r{i}"), json!({"due_at": hours_ahead(i), "note": format!("call back #{i}")})))
        .collect();
    let round1: Vec<(&str, &str, Value)> =
        round1.iter().map(|(id, a)| (id.as_str(), "create_callback_reminder", a.clone())).collect();
    chat_rec.answer(tool_calls(&round1));
    let tags: Vec<(String, Value)> = (1..=7).map(|i| (format!("t{i}"), json!({"tag": format!("tag{i}")}))).collect();
    let tag_calls: Vec<(&str, &str, Value)> = tags.iter().map(|(id, a)| (id.as_str(), "add_tag", a.clone())).collect();
    chat_rec.answer(tool_calls(&tag_calls[..5]));
    chat_rec.answer(tool_calls(&tag_calls[5..]));
    chat_rec.answer(json!({"role": "assistant", "content": "We will call you."}));
    inbound_from(&app, DANA, "L1", "call me, call me, call me").await;
    let id = lead_id_of(&admin, "+972526666666").await;
    let acts = wait_for_kind(&admin, id, "ai_reply", 1).await;
    assert_eq!(bridge_rec.last()["text"], "We will call you.");

    // Six ran (three call-backs, three tags); the rest were answered without running.
    let ran: Vec<&Value> = acts.iter().filter(|a| a["kind"] == "ai_action").collect();
    assert_eq!(ran.len(), 6, "{ran:?}");
    let requests = chat_rec.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 4);
    let outputs = tool_outputs(&requests[3]);
    assert_eq!(outputs.len(), 12);
    for (call, output) in &outputs {
        let refused = output.contains("too many tool calls");
        let expected = ["r4", "r5", "t4", "t5", "t6", "t7"].contains(&call.as_str());
        assert_eq!(refused, expected, "{call}: {output}");
    }
    let lead = leads(&admin).await.into_iter().find(|l| l["id"] == id).unwrap();
    assert_eq!(lead["tags"], json!(["tag1", "tag2", "tag3"]));
    assert_eq!(callbacks(&admin, id).await, 3);

    // A fourth call-back while three wait: refused to the model, not an error.
    chat_rec.answer(tool_calls(&[(
        "r6",
        "create_callback_reminder",
        json!({"due_at": hours_ahead(8), "note": "again"}),
    )]));
    chat_rec.answer(json!({"role": "assistant", "content": "The team will be in touch."}));
    inbound_from(&app, DANA, "L2", "and call me again").await;
    wait_for_kind(&admin, id, "ai_reply", 2).await;
    let last = chat_rec.last();
    let (call, output) = tool_outputs(&last).pop().unwrap();
    assert_eq!(call, "r6");
    assert!(output.contains("already has 3 call-backs waiting"), "{output}");
    assert_eq!(callbacks(&admin, id).await, 3);
}

/// The lead's call-backs: reminders with distinct notes (one per person it is set for).
async fn callbacks(admin: &Session, id: i64) -> usize {
    let (_, reminders) = admin.get_json(&format!("/api/leads/{id}/reminders")).await;
    let notes: std::collections::BTreeSet<&str> =
        reminders["items"].as_array().unwrap().iter().map(|r| r["note"].as_str().unwrap()).collect();
    notes.len()
}

async fn status_of(admin: &Session, id: i64) -> Value {
    leads(admin).await.into_iter().find(|l| l["id"] == id).unwrap()["status"].clone()
}

#[tokio::test]
async fn set_lead_status_moves_a_lead_only_forward_and_never_out_of_a_staff_decision() {
    let (app, admin, _owner, _bridge, chat_rec) = front_desk().await;
    chat_rec.answer_tool("s1", "set_lead_status", json!({"status": "contacted"}));
    chat_rec.answer(json!({"role": "assistant", "content": "Hello!"}));
    inbound_from(&app, DANA, "S1", "hi").await;
    let id = lead_id_of(&admin, "+972526666666").await;
    wait_for_kind(&admin, id, "ai_reply", 1).await;
    assert_eq!(status_of(&admin, id).await, "contacted", "new -> contacted is allowed");

    // Staff decided: won. One customer message must not undo it.
    let (s, b) = admin.post(&format!("/api/leads/{id}/status"), &json!({"status": "won"})).await;
    assert_eq!(s, 200, "{b}");
    chat_rec.answer_tool("s2", "set_lead_status", json!({"status": "qualified"}));
    chat_rec.answer(json!({"role": "assistant", "content": "Thanks!"}));
    inbound_from(&app, DANA, "S2", "I'd like more").await;
    let acts = wait_for_kind(&admin, id, "ai_reply", 2).await;
    assert_eq!(status_of(&admin, id).await, "won");
    let refused = acts.iter().find(|a| a["kind"] == "ai_action" && a["data"]["tool"] == "set_lead_status").unwrap();
    let why = refused["data"]["result"]["error"].as_str().unwrap();
    assert!(why.contains("won") && why.contains("only a person"), "{why}");
    let moves = acts.iter().filter(|a| a["kind"] == "status_change").count();
    assert_eq!(moves, 2, "the AI's move and the staff's, nothing more: {acts:?}");
}

#[tokio::test]
async fn the_business_hourly_cap_counts_failed_replies_and_alerts_the_owners_once() {
    let (app, admin, owner, bridge_rec, chat_rec) = front_desk().await;
    let (s, b) = admin.get_json("/api/business/current").await;
    assert_eq!((s.as_u16(), b["ai_max_replies_per_hour_business"].as_i64()), (200, Some(200)), "{b}");
    let (s, e) = owner.patch("/api/business/current", &json!({"ai_max_replies_per_hour_business": 10_001})).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (400, "invalid_input"), "{e}");
    assert_eq!(e["field"], "ai_max_replies_per_hour_business");
    for bad in [json!(-1), json!("ten"), json!(1.5)] {
        let (s, e) = owner.patch("/api/business/current", &json!({"ai_max_replies_per_hour_business": bad})).await;
        assert_eq!(s, 400, "{bad}: {e}");
    }
    add_user(&admin, "agent@biz.test", "agent").await;
    let agent = login_over_http_as(&app, "agent@biz.test", "user-password-1").await;
    let (s, _) = agent.patch("/api/business/current", &json!({"ai_max_replies_per_hour_business": 5})).await;
    assert_eq!(s, 403, "agents do not change the business's settings");
    let (s, b) = admin.patch("/api/admin/businesses/1", &json!({"ai_max_replies_per_hour_business": 9})).await;
    assert_eq!((s.as_u16(), b["ai_max_replies_per_hour_business"].as_i64()), (200, Some(9)), "{b}");
    let (s, b) = owner.patch("/api/business/current", &json!({"ai_max_replies_per_hour_business": 2})).await;
    assert_eq!((s.as_u16(), b["ai_max_replies_per_hour_business"].as_i64()), (200, Some(2)), "{b}");

    // A failed reply counts: the AI service is down for the first customer.
    chat_rec.fail(Some(500));
    inbound_from(&app, "972520000001@s.whatsapp.net", "B1", "hello?").await;
    let first = lead_id_of(&admin, "+972520000001").await;
    wait_for_kind(&admin, first, "ai_error", 1).await;
    chat_rec.fail(None);
    inbound_from(&app, "972520000002@s.whatsapp.net", "B2", "hi").await;
    let second = lead_id_of(&admin, "+972520000002").await;
    wait_for_kind(&admin, second, "ai_reply", 1).await;
    // Past the cap: no reply, the timeline says why, the owners hear of it once.
    for (n, jid) in ["972520000003@s.whatsapp.net", "972520000004@s.whatsapp.net"].iter().enumerate() {
        inbound_from(&app, jid, &format!("B{}", n + 3), "anyone there?").await;
        let phone = format!("+{}", jid.split('@').next().unwrap());
        let lead = lead_id_of(&admin, &phone).await;
        let acts = wait_for_kind(&admin, lead, "ai_error", 1).await;
        let error = acts.iter().find(|a| a["kind"] == "ai_error").unwrap();
        assert_eq!(error["data"]["reason"], "business_budget", "{error}");
    }
    assert_eq!(chat_rec.count(), 2, "the model was asked twice (one failure, one reply)");
    assert_eq!(bridge_rec.count(), 1);
    let (_, n) = owner.get_json("/api/notifications").await;
    let alerts = n["items"].as_array().unwrap().iter().filter(|x| x["kind"] == "ai_budget").count();
    assert_eq!(alerts, 1, "one alert for the hour, not one per message: {n}");
}

#[tokio::test]
async fn webhook_names_are_cleaned_and_cut_never_refused_and_reach_the_ai_as_one_line() {
    let (app, admin, _owner, _bridge, chat_rec) = front_desk().await;
    let long = format!("Dana\n\u{0}\u{1b}[2J  Levi\r\n{}", "ש".repeat(5_000));
    let mut ev = baileys_event("N1", DANA, None, false, "hello");
    ev["data"]["pushName"] = json!(long);
    let res = post_baileys(&app, &ev, Some(BRIDGE_SECRET)).await;
    assert_eq!(res.status(), 200, "never refused");
    let id = lead_id_of(&admin, "+972526666666").await;
    let lead = leads(&admin).await.into_iter().find(|l| l["id"] == id).unwrap();
    let name = lead["first_name"].as_str().unwrap();
    assert!(name.starts_with("Dana [2J Levi ש"), "{name}");
    assert_eq!(name.chars().count(), 200);
    assert!(!name.chars().any(char::is_control), "{name:?}");
    wait_for_kind(&admin, id, "ai_reply", 1).await;
    let system = chat_rec.last()["messages"][0]["content"].as_str().unwrap().to_string();
    let line = system.lines().find(|l| l.starts_with("- Customer: ")).unwrap();
    assert!(line.starts_with("- Customer: Dana [2J Levi"), "{line}");
    assert!(system.lines().any(|l| l.starts_with("- Lead status: ")), "the block goes on after the name");

    // Twilio's ProfileName passes the same rules.
    let params = [
        ("MessageSid", "SMname1"),
        ("From", "whatsapp:+972527777777"),
        ("To", "whatsapp:+972501234567"),
        ("Body", "hi"),
        ("ProfileName", "\u{7}Moshe\n\nCohen\u{85}"),
    ];
    let (s, body) = signed(&app, "/webhook/twilio/whatsapp", &params).await;
    assert_eq!(s, 200, "{body}");
    let moshe = leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972527777777").unwrap();
    assert_eq!(moshe["first_name"], "Moshe Cohen");
}

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
    let router = Router::new()
        .route("/2010-04-01/Accounts/{account}/Calls/{call}", post(update))
        .route("/2010-04-01/Accounts/{account}/Recordings/{file}", get(recording))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), fake)
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
    for i in 0..10 {
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
        let append = recv_json(&mut model).await.unwrap();
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
    let out = recv_json(&mut model).await.unwrap();
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
