//! The AI within bounds: tool calls per round, per reply and per call,
//! AI-made reminders per lead, status moves, the per-business hourly cap,
//! names from webhooks, tools off the voice relay loop, and the voicemail
//! served from this origin.

use serde_json::{Value, json};

use crate::{front_desk::front_desk, helpers::*, providers::*};

mod calls;

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

async fn inbound_from(app: &TestApp, jid: &str, id: &str, text: &str) {
    let res = post_baileys(app, &baileys_event(id, jid, None, false, text), Some(BRIDGE_SECRET)).await;
    assert_eq!(res.status(), 200);
}

const DANA: &str = "972526666666@s.whatsapp.net";

pub async fn lead_id_of(admin: &Session, phone: &str) -> i64 {
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
    let (app, admin, _owner, bridge_rec, chat_rec) = front_desk("50").await;
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
    let (app, admin, _owner, _bridge, chat_rec) = front_desk("50").await;
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
    let (app, admin, owner, bridge_rec, chat_rec) = front_desk("50").await;
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
    let (app, admin, _owner, _bridge, chat_rec) = front_desk("50").await;
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
