//! The AI front desk: business hours, pause and takeover, one reply
//! per burst, the hourly budget, tools, lead tags and the inbox filters,
//! against the real binary with a fake bridge and a fake chat model.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{fakes, helpers::*, providers::*};

async fn inbound(app: &TestApp, id: &str, text: &str) {
    let ev = baileys_event(id, "972526666666@s.whatsapp.net", None, false, text);
    let res = post_baileys(app, &ev, Some("bridge-secret")).await;
    assert_eq!(res.status(), 200);
}

/// An app with the bridge, a chat model and a WhatsApp prompt; an owner to be told things.
pub async fn front_desk(debounce_ms: &str) -> (TestApp, Session, Session, fakes::Recorder, fakes::Recorder) {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (chat, chat_rec) = fakes::chat().await;
    let (app, admin) = app_with(&[
        ("FRONTDESK_BAILEYS_URL", &bridge),
        ("FRONTDESK_OPENAI_BASE_URL", &chat),
        ("FRONTDESK_OPENAI_API_KEY", "sk-fake"),
        ("FRONTDESK_AI_DEBOUNCE_MS", debounce_ms),
    ])
    .await;
    let (s, _) =
        admin.put("/api/business/current/prompt", &json!({"calls_prompt": "", "whatsapp_prompt": "Be kind."})).await;
    assert_eq!(s, 200);
    add_user(&admin, "owner@biz.test", "owner").await;
    let owner = login_over_http_as(&app, "owner@biz.test", "user-password-1").await;
    (app, admin, owner, bridge_rec, chat_rec)
}

async fn lead_of(admin: &Session) -> Value {
    leads(admin).await.into_iter().next().expect("a lead")
}

#[tokio::test]
async fn business_hours_are_checked_stored_and_tell_whether_the_business_is_open() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (s, b) = admin.get_json("/api/business/current").await;
    assert_eq!(s, 200);
    assert_eq!(b["business_hours"]["fri"], json!([["09:00", "13:00"]]));
    assert_eq!(b["business_hours"]["sat"], json!([]));
    assert_eq!((b["ai_language"].as_str(), b["handoff_hours"].as_i64()), (Some("he"), Some(12)));
    assert_eq!(b["ai_max_replies_per_hour"], 20);
    assert!(b["open_now"].is_boolean());
    assert!(b["next_open_at"].as_str().unwrap().ends_with('Z'), "{b}");

    for (body, field) in [
        (json!({"business_hours": {"sun": [["18:00", "09:00"]]}}), "business_hours"),
        (json!({"business_hours": {"someday": []}}), "business_hours"),
        (json!({"holidays": ["2026-13-01"]}), "holidays"),
        (json!({"timezone": "Mars/Olympus"}), "timezone"),
        (json!({"ai_language": "fr"}), "ai_language"),
        (json!({"handoff_hours": 0}), "handoff_hours"),
        (json!({"forward_e164": "not a phone"}), "forward_e164"),
        (json!({"twilio_template_sid": "HXnothex"}), "twilio_template_sid"),
        (json!({"auto_assign": "random"}), "auto_assign"),
        (json!({"phone_e164": "+972501111111"}), "phone_e164"),
    ] {
        let (s, e) = admin.patch("/api/business/current", &body).await;
        // The admin may set the numbers; the others are refused for everyone.
        if field == "phone_e164" {
            assert_eq!(s, 200, "{e}");
            continue;
        }
        assert_eq!(s, 400, "{body}: {e}");
        assert_eq!(assert_error(&e), "invalid_input");
        assert_eq!(e["field"], field, "{e}");
    }

    // Open all week, around the clock: open now, closing at local midnight.
    let all_day: serde_json::Map<String, Value> = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        .iter()
        .map(|d| (d.to_string(), json!([["00:00", "24:00"]])))
        .collect();
    let (s, b) = admin
        .patch(
            "/api/business/current",
            &json!({"business_hours": all_day, "holidays": ["2030-01-01"], "timezone": "UTC", "forward_e164": "052-123-4567",
                    "ai_language": "en", "handoff_hours": 2, "missed_call_text": "Sorry we missed you!"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["open_now"], true, "{b}");
    assert_eq!(b["forward_e164"], "+972521234567");
    assert_eq!(b["holidays"], json!(["2030-01-01"]));
    assert!(b["closes_at"].as_str().unwrap().ends_with("T00:00:00Z"), "{b}");
    // Closed all week: no next opening.
    let (_, b) = admin.patch("/api/business/current", &json!({"business_hours": {}})).await;
    assert_eq!((b["open_now"].as_bool(), b["next_open_at"].clone()), (Some(false), Value::Null));
    assert_eq!(b["business_hours"]["mon"], json!([]));
}

#[tokio::test]
async fn a_burst_gets_one_reply_and_a_person_replying_pauses_the_ai() {
    // A burst window wide enough for three webhooks on a busy machine.
    let (app, admin, _owner, bridge_rec, chat_rec) = front_desk("2000").await;
    inbound(&app, "B1", "hi").await;
    inbound(&app, "B2", "I want an appointment").await;
    inbound(&app, "B3", "tomorrow?").await;
    let lead = lead_of(&admin).await;
    let id = lead["id"].as_i64().unwrap();
    assert_eq!(lead["needs_reply"], true);
    wait_for_kind(&admin, id, "ai_reply", 1).await;
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(chat_rec.count(), 1, "one completion for the burst");
    let msgs = chat_rec.last()["messages"].as_array().unwrap().clone();
    let users: Vec<&str> =
        msgs.iter().filter(|m| m["role"] == "user").map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(users, ["hi", "I want an appointment", "tomorrow?"]);
    assert_eq!(bridge_rec.count(), 1, "one reply sent");
    assert_eq!(lead_of(&admin).await["needs_reply"], false, "the reply answered the conversation");

    // A person answers from the UI: the AI is paused on this lead and stays silent.
    let (s, _) = admin.post(&format!("/api/leads/{id}/message/whatsapp"), &json!({"text": "I'll call you"})).await;
    assert_eq!(s, 200);
    let lead = lead_of(&admin).await;
    assert!(lead["ai_paused_until"].is_string(), "{lead}");
    assert_eq!(activities(&admin, id).await[0]["kind"], "ai_paused");
    inbound(&app, "B4", "ok thanks").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(chat_rec.count(), 1, "paused: no completion");
    assert_eq!(lead_of(&admin).await["needs_reply"], true);

    // Resume by hand: the next message is answered again.
    let (s, l) = admin.post(&format!("/api/leads/{id}/ai"), &json!({"paused": false})).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["ai_paused_until"], Value::Null);
    assert_eq!(activities(&admin, id).await[0]["kind"], "ai_resumed");
    inbound(&app, "B5", "one more question").await;
    wait_for_kind(&admin, id, "ai_reply", 2).await;
    // A pause for a set time, and bad input.
    let (s, l) = admin.post(&format!("/api/leads/{id}/ai"), &json!({"paused": true, "hours": 3})).await;
    assert_eq!(s, 200);
    assert!(l["ai_paused_until"].is_string());
    let (s, e) = admin.post(&format!("/api/leads/{id}/ai"), &json!({"paused": true, "hours": 0})).await;
    assert_eq!((s.as_u16(), e["field"].as_str()), (400, Some("hours")));
    let (s, _) = admin.post("/api/leads/99999/ai", &json!({"paused": true})).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn past_the_hourly_budget_the_ai_pauses_the_lead_and_tells_the_owners() {
    let (app, admin, owner, bridge_rec, chat_rec) = front_desk("50").await;
    let (s, _) = admin.patch("/api/business/current", &json!({"ai_max_replies_per_hour": 1})).await;
    assert_eq!(s, 200);
    inbound(&app, "C1", "first").await;
    let id = lead_of(&admin).await["id"].as_i64().unwrap();
    wait_for_kind(&admin, id, "ai_reply", 1).await;
    inbound(&app, "C2", "second").await;
    wait_for_kind(&admin, id, "ai_paused", 1).await;
    assert_eq!(chat_rec.count(), 1);
    assert_eq!(bridge_rec.count(), 1);
    assert!(lead_of(&admin).await["ai_paused_until"].is_string());
    let (_, n) = owner.get_json("/api/notifications").await;
    let items = n["items"].as_array().unwrap();
    assert!(items.iter().any(|x| x["kind"] == "ai_budget" && x["lead_id"] == id), "{n}");
}

#[tokio::test]
async fn the_ai_acts_through_tools_and_a_refused_call_goes_back_to_the_model() {
    let (app, admin, owner, bridge_rec, chat_rec) = front_desk("50").await;
    let due = (time_in_hours(30)).to_string();
    chat_rec.answer_tool("t1", "add_tag", json!({"tag": "implants"}));
    chat_rec.answer_tool("t2", "set_lead_status", json!({"status": "won"}));
    chat_rec.answer_tool("t3", "set_lead_status", json!({"status": "qualified"}));
    chat_rec.answer(json!({"role": "assistant", "content": null, "tool_calls": [
        {"id": "t4", "type": "function", "function": {"name": "update_lead",
            "arguments": json!({"first_name": "Other", "last_name": "Levi", "email": "dana@example.com"}).to_string()}},
        {"id": "t5", "type": "function", "function": {"name": "create_callback_reminder",
            "arguments": json!({"due_at": due, "note": "call about implants"}).to_string()}}
    ]}));
    chat_rec.answer(json!({"role": "assistant", "content": "Done: we will call you tomorrow."}));
    inbound(&app, "D1", "call me tomorrow at 10 about implants, I'm Dana Levi dana@example.com").await;
    let id = lead_of(&admin).await["id"].as_i64().unwrap();
    let acts = wait_for_kind(&admin, id, "ai_reply", 1).await;
    assert_eq!(bridge_rec.last()["text"], "Done: we will call you tomorrow.");
    let actions: Vec<&Value> = acts.iter().filter(|a| a["kind"] == "ai_action").collect();
    assert_eq!(actions.len(), 5, "{acts:?}");
    assert!(actions.iter().all(|a| a["actor_user_id"].is_null()));
    let refused = actions.iter().find(|a| a["data"]["arguments"]["status"] == "won").unwrap();
    assert!(refused["data"]["result"]["error"].as_str().unwrap().contains("not allowed"), "{refused}");
    // The refusal went back to the model as the tool's result.
    let requests = chat_rec.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 5);
    assert!(requests[0]["tools"].as_array().unwrap().len() >= 5);
    let tool_msg = requests[2]["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((tool_msg["role"].as_str(), tool_msg["tool_call_id"].as_str()), (Some("tool"), Some("t2")));
    assert!(tool_msg["content"].as_str().unwrap().contains("error"));

    let lead = lead_of(&admin).await;
    assert_eq!(lead["tags"], json!(["implants"]));
    assert_eq!(lead["status"], "qualified");
    // Fills only what was empty: the bridge's push name stays.
    assert_eq!((lead["first_name"].as_str(), lead["last_name"].as_str()), (Some("Push Name"), Some("Levi")));
    assert_eq!(lead["email"], "dana@example.com");
    let (_, reminders) = admin.get_json(&format!("/api/leads/{id}/reminders")).await;
    let items = reminders["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one reminder, for the only owner: {reminders}");
    assert_eq!(items[0]["note"], "call about implants");
    let (_, me) = owner.get_json("/api/auth/me").await;
    assert_eq!(items[0]["assignee_user_id"], me["user"]["id"], "{me}");

    // Tags and filters.
    let (_, l) = admin.get_json("/api/leads?tag=implants").await;
    assert_eq!(l["total"], 1);
    let (_, l) = admin.get_json("/api/leads?tag=other").await;
    assert_eq!(l["total"], 0);
}

fn time_in_hours(h: i64) -> String {
    time_in_secs(h * 3600)
}

fn time_in_secs(secs_ahead: i64) -> String {
    let t = std::time::SystemTime::now() + Duration::from_secs(secs_ahead as u64);
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    // RFC 3339 in UTC without a date library: days since the epoch to a civil date.
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[tokio::test]
async fn handing_off_pauses_notifies_and_sends_nothing() {
    let (app, admin, owner, bridge_rec, chat_rec) = front_desk("50").await;
    chat_rec.answer_tool("h1", "handoff_to_human", json!({"reason": "wants to talk to a person"}));
    inbound(&app, "E1", "let me talk to a human").await;
    let id = lead_of(&admin).await["id"].as_i64().unwrap();
    let acts = wait_for_kind(&admin, id, "ai_paused", 1).await;
    assert!(acts.iter().any(|a| a["kind"] == "ai_action" && a["data"]["tool"] == "handoff_to_human"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(bridge_rec.count(), 0, "the AI says nothing after handing off");
    assert_eq!(chat_rec.count(), 1);
    let (_, n) = owner.get_json("/api/notifications").await;
    assert!(n["items"].as_array().unwrap().iter().any(|x| x["kind"] == "ai_handoff"), "{n}");
    let (_, l) = admin.get_json("/api/leads?needs_reply=true").await;
    assert_eq!(l["total"], 1, "still waiting for a person: {l}");
}

#[tokio::test]
async fn tags_assignees_and_the_needs_reply_list_are_validated_and_filtered() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let a = create_lead(&admin, "A", "0521000001").await;
    let b = create_lead(&admin, "B", "0521000002").await;
    let agent = add_user(&admin, "agent@biz.test", "agent").await;
    let (s, l) = admin.patch(&format!("/api/leads/{}", a["id"]), &json!({"tags": [" vip ", "vip", "חדש"]})).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["tags"], json!(["vip", "חדש"]));
    let too_many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    for bad in
        [json!({"tags": too_many}), json!({"tags": ["x".repeat(41)]}), json!({"tags": [""]}), json!({"tags": "vip"})]
    {
        let (s, e) = admin.patch(&format!("/api/leads/{}", a["id"]), &bad).await;
        assert_eq!(s, 400, "{bad}: {e}");
    }
    let (s, l) = admin.patch(&format!("/api/leads/{}", b["id"]), &json!({"assignee_user_id": agent})).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["assignee_user_id"], agent);
    // Someone of another business is never an assignee.
    create_business(&admin, "Other", "o@other.test", "+972039999999").await;
    let (_, users) = admin.get_json("/api/admin/businesses").await;
    assert!(users["total"].as_i64().unwrap() >= 2);
    let (s, e) = admin.patch(&format!("/api/leads/{}", b["id"]), &json!({"assignee_user_id": 999})).await;
    assert_eq!((s.as_u16(), e["field"].as_str()), (400, Some("assignee_user_id")));
    let (_, l) = admin.get_json(&format!("/api/leads?assignee={agent}")).await;
    assert_eq!(l["total"], 1);
    let (_, l) = admin.get_json("/api/leads?assignee=none").await;
    assert_eq!(l["total"], 1);
    let (_, l) = admin.get_json("/api/leads?tag=vip").await;
    assert_eq!((l["total"].as_i64(), l["items"][0]["id"].clone()), (Some(1), a["id"].clone()));
    let (s, e) = admin.get_json("/api/leads?needs_reply=maybe").await;
    assert_eq!((s.as_u16(), e["field"].as_str()), (400, Some("needs_reply")));
    let (s, e) = admin.get_json("/api/leads?assignee=someone").await;
    assert_eq!((s.as_u16(), e["field"].as_str()), (400, Some("assignee")));
    let (_, l) = admin.get_json("/api/leads?needs_reply=true").await;
    assert_eq!(l["total"], 0, "nobody wrote yet");
    let acts = activities(&admin, b["id"].as_i64().unwrap()).await;
    assert!(acts.iter().any(|x| x["kind"] == "assigned" && x["data"]["to"] == agent), "{acts:?}");
}

#[tokio::test]
async fn a_reminder_the_ai_sets_fires_and_model_arguments_never_choose_the_lead() {
    let (app, admin, owner, _bridge_rec, chat_rec) = front_desk("50").await;
    // The model tries to act on another lead by naming it: refused, nothing written.
    chat_rec.answer_tool("x1", "add_tag", json!({"tag": "elsewhere", "lead_id": 1}));
    chat_rec.answer_tool("x2", "create_callback_reminder", json!({"due_at": "2020-01-01T10:00:00Z", "note": "past"}));
    chat_rec.answer_tool("x3", "create_callback_reminder", json!({"due_at": time_in_secs(3), "note": "call back now"}));
    chat_rec.answer(json!({"role": "assistant", "content": "We'll call you right away."}));
    inbound(&app, "F1", "call me in a moment").await;
    let id = lead_of(&admin).await["id"].as_i64().unwrap();
    let acts = wait_for_kind(&admin, id, "ai_reply", 1).await;
    let refused: Vec<&Value> =
        acts.iter().filter(|a| a["kind"] == "ai_action" && a["data"]["result"]["error"].is_string()).collect();
    assert_eq!(refused.len(), 2, "{acts:?}");
    assert!(lead_of(&admin).await["tags"].as_array().unwrap().is_empty());
    let (_, reminders) = admin.get_json(&format!("/api/leads/{id}/reminders")).await;
    assert_eq!(reminders["total"], 1, "only the future reminder: {reminders}");
    // The scheduler fires it, for the owner.
    wait_for_kind(&admin, id, "reminder_fired", 1).await;
    let (_, n) = owner.get_json("/api/notifications").await;
    assert!(n["items"].as_array().unwrap().iter().any(|x| x["kind"] == "reminder" && x["lead_id"] == id), "{n}");
}
