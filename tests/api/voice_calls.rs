//! The voice agent's calls beyond the first answer: a warm transfer (hold
//! music, a whisper to the person, back to the AI when nobody answers) and
//! callbacks the scheduler places for reminders.

use std::time::Duration;

use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    fakes,
    helpers::*,
    providers::signed,
    voice::{next_model, open_stream, place_call, recv_json, voice_app},
};

/// The first request to the fake Twilio that `pick` accepts (waits up to 6 s).
async fn twilio_request(twilio: &fakes::Recorder, what: &str, pick: impl Fn(&Value) -> bool) -> Value {
    eventually(Duration::from_secs(6), what, || async {
        twilio.requests.lock().unwrap().iter().find(|r| pick(r)).cloned()
    })
    .await
}

/// The `?call=<id>` of a callback URL.
fn call_id_in(url: &str) -> String {
    url.split("?call=").nth(1).expect("a call id").to_string()
}

fn token_in(xml: &str) -> String {
    xml.split("name=\"token\" value=\"").nth(1).expect("a stream token").split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_transfer_holds_the_caller_whispers_to_the_person_and_comes_back_to_the_ai_unanswered() {
    let (app, admin, mut models, twilio) = voice_app(&[]).await;
    admin
        .patch(
            "/api/business/current",
            &json!({"forward_e164": "+972541112222", "business_hours": {}, "ai_language": "en"}),
        )
        .await;
    let token = place_call(&app, "CAw1", "+972521010401").await;
    let _tw = open_stream(&app, &token, "CAw1", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await; // session.update
    recv_json(&mut model).await; // greeting
    let tool = json!({"type": "response.function_call_arguments.done", "call_id": "t1", "name": "transfer_to_human",
                      "arguments": json!({"reason": "wants to move Tuesday's appointment"}).to_string()});
    model.send(Message::text(tool.to_string())).await.unwrap();
    let out = recv_json(&mut model).await.unwrap();
    assert!(out["item"]["output"].as_str().unwrap().contains("\"ok\":true"), "{out}");

    // The person's leg: rung for 20 s, the whisper on answer, its end reported.
    let ring = twilio_request(&twilio, "the person's leg", |r| r["_create"] == true).await;
    assert_eq!((ring["To"].as_str(), ring["Timeout"].as_str()), (Some("+972541112222"), Some("20")));
    let whisper_url = ring["Url"].as_str().unwrap();
    assert!(whisper_url.starts_with("https://crm.example.com/webhook/twilio/whisper?call="), "{ring}");
    assert!(
        ring["StatusCallback"]
            .as_str()
            .unwrap()
            .starts_with("https://crm.example.com/webhook/twilio/transfer-status?call=")
    );
    // The caller's leg: on hold in the call's queue, music from the wait URL.
    let hold = twilio_request(&twilio, "the caller put on hold", |r| r["_call"] == "CAw1").await;
    let hold = hold["Twiml"].as_str().unwrap();
    assert!(hold.contains("<Enqueue waitUrl=\"https://crm.example.com/webhook/twilio/hold\""), "{hold}");
    let call_id = call_id_in(whisper_url);
    let queue = format!(">transfer-{call_id}</Enqueue>");
    assert!(hold.contains(&queue), "{hold}");
    let (s, music) = signed(&app, "/webhook/twilio/hold", &[("CallSid", "CAw1"), ("QueueTime", "3")]).await;
    assert_eq!(s, 200, "{music}");
    assert!(music.contains("<Play>") && music.contains(".mp3</Play>"), "{music}");
    // Unsigned: refused like every Twilio webhook.
    let res =
        reqwest::Client::new().post(app.url("/webhook/twilio/hold")).form(&[("CallSid", "CAw1")]).send().await.unwrap();
    assert_eq!(res.status(), 403);

    // Were the person to answer: one sentence about the call, then the caller.
    let path = format!("/webhook/twilio/whisper?call={call_id}");
    let (s, xml) = signed(&app, &path, &[("CallSid", "CAstaff"), ("CallStatus", "in-progress")]).await;
    assert_eq!(s, 200, "{xml}");
    assert!(xml.contains("<Say language=\"en-US\">A call from +972521010401"), "{xml}");
    assert!(xml.contains("wants to move Tuesday&apos;s appointment"), "{xml}");
    assert!(xml.contains(&format!("<Dial><Queue>transfer-{call_id}</Queue></Dial>")), "{xml}");

    // Nobody answers: the caller is taken off hold, back to the AI on a new stream.
    let path = format!("/webhook/twilio/transfer-status?call={call_id}");
    let (s, _) = signed(&app, &path, &[("CallSid", "CAstaff"), ("CallStatus", "no-answer")]).await;
    assert_eq!(s, 200);
    let back = twilio_request(&twilio, "the caller back to the AI", |r| {
        r["_call"] == "CAw1" && r["Twiml"].as_str().is_some_and(|t| t.contains("<Connect><Stream"))
    })
    .await;
    let token = token_in(back["Twiml"].as_str().unwrap());
    let _tw = open_stream(&app, &token, "CAw1", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    let update = recv_json(&mut model).await.unwrap();
    let instructions = update["session"]["instructions"].as_str().unwrap();
    assert!(instructions.contains("nobody answered") && instructions.contains("take_message"), "{instructions}");
    let lead_id =
        leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521010401").unwrap()["id"].as_i64().unwrap();
    assert!(
        activities(&admin, lead_id).await.iter().any(|a| a["kind"] == "call" && a["data"]["transfer"] == "no_answer"),
        "the unanswered transfer is on the timeline"
    );

    // Held too long without a report: the queue lets the caller go, and the AI takes them again.
    let (_, xml) = signed(&app, "/webhook/twilio/hold", &[("CallSid", "CAw1"), ("QueueTime", "60")]).await;
    assert!(xml.contains("<Leave/>"), "{xml}");
    let path = format!("/webhook/twilio/transfer-result?call={call_id}");
    let (s, xml) = signed(&app, &path, &[("CallSid", "CAw1"), ("QueueResult", "leave")]).await;
    assert_eq!(s, 200, "{xml}");
    assert!(xml.contains("<Connect><Stream"), "{xml}");
    let (_, xml) = signed(&app, &path, &[("CallSid", "CAw1"), ("QueueResult", "bridged")]).await;
    assert!(xml.contains("<Hangup/>"), "{xml}");
}

fn in_ms(ms: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::milliseconds(ms))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn all_day() -> Value {
    ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        .iter()
        .map(|d| (d.to_string(), json!([["00:00", "24:00"]])))
        .collect()
}

/// A reminder on `lead` that calls it back in a moment.
async fn callback_reminder(admin: &Session, lead: i64, note: &str) -> Value {
    let (s, r) = admin
        .post(&format!("/api/leads/{lead}/reminders"), &json!({"due_at": in_ms(800), "note": note, "call": true}))
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["call"], true);
    r
}

async fn reminder(admin: &Session, lead: i64) -> Value {
    let (_, page) = admin.get_json(&format!("/api/leads/{lead}/reminders")).await;
    page["items"][0].clone()
}

/// The calls placed so far, and the sid the fake Twilio gave each.
fn placed(twilio: &fakes::Recorder) -> Vec<(Value, String)> {
    let requests = twilio.requests.lock().unwrap();
    requests
        .iter()
        .enumerate()
        .filter(|(_, r)| r["_create"] == true)
        .map(|(i, r)| (r.clone(), format!("CA{:032}", i + 1)))
        .collect()
}

async fn placed_to(twilio: &fakes::Recorder, to: &str) -> (Value, String) {
    eventually(Duration::from_secs(8), &format!("a call placed to {to}"), || async {
        placed(twilio).into_iter().find(|(r, _)| r["To"] == to)
    })
    .await
}

#[tokio::test]
async fn a_due_call_reminder_calls_the_lead_a_person_gets_the_ai_and_a_machine_a_voicemail() {
    let (app, admin, mut models, twilio) = voice_app(&[]).await;
    admin.patch("/api/business/current", &json!({"business_hours": all_day(), "ai_language": "en"})).await;
    let dana = create_lead(&admin, "Dana", "+972521010501").await["id"].as_i64().unwrap();
    let (s, plain) = admin.post(&format!("/api/leads/{dana}/reminders"), &json!({"due_at": in_ms(60_000)})).await;
    assert_eq!((s.as_u16(), &plain["call"]), (201, &json!(false)), "not a call unless asked");
    admin.delete(&format!("/api/reminders/{}", plain["id"])).await;
    let (s, bad) =
        admin.post(&format!("/api/leads/{dana}/reminders"), &json!({"due_at": in_ms(60_000), "call": "yes"})).await;
    assert_eq!(s, 400, "{bad}");
    callback_reminder(&admin, dana, "Wants the quote for the kitchen").await;

    let (req, sid) = placed_to(&twilio, "+972521010501").await;
    assert_eq!(req["From"], "+97231234567", "the business's number");
    assert_eq!(req["MachineDetection"], "DetectMessageEnd");
    assert_eq!(req["AsyncAmd"], "true");
    let amd_url = req["AsyncAmdStatusCallback"].as_str().unwrap();
    assert!(amd_url.starts_with("https://crm.example.com/webhook/twilio/amd?call="), "{req}");
    let answer_url = req["Url"].as_str().unwrap();
    assert!(answer_url.starts_with("https://crm.example.com/webhook/twilio/outbound?call="), "{req}");
    let call_id = call_id_in(answer_url);

    // Dana picks up: the AI, knowing why it calls.
    let (s, xml) = signed(&app, &format!("/webhook/twilio/outbound?call={call_id}"), &[("CallSid", &sid)]).await;
    assert_eq!(s, 200, "{xml}");
    let _tw = open_stream(&app, &token_in(&xml), &sid, true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    let update = recv_json(&mut model).await.unwrap();
    let instructions = update["session"]["instructions"].as_str().unwrap();
    assert!(
        instructions.contains("outbound call") && instructions.contains("Wants the quote for the kitchen"),
        "{instructions}"
    );
    let (s, _) =
        signed(&app, &format!("/webhook/twilio/amd?call={call_id}"), &[("CallSid", &sid), ("AnsweredBy", "human")])
            .await;
    assert_eq!(s, 200);
    assert_eq!(reminder(&admin, dana).await["call_outcome"], "person");
    let acts = activities(&admin, dana).await;
    let answered =
        acts.iter().find(|a| a["kind"] == "call" && a["data"]["outcome"] == "person").expect("on the timeline");
    assert_eq!(answered["data"]["direction"], "outbound");

    // Avi's voicemail answers: a short message, then goodbye.
    let avi = create_lead(&admin, "Avi", "+972521010502").await["id"].as_i64().unwrap();
    callback_reminder(&admin, avi, "Confirm Sunday").await;
    let (req, sid) = placed_to(&twilio, "+972521010502").await;
    let call_id = call_id_in(req["Url"].as_str().unwrap());
    signed(&app, &format!("/webhook/twilio/outbound?call={call_id}"), &[("CallSid", &sid)]).await;
    let path = format!("/webhook/twilio/amd?call={call_id}");
    let (s, _) = signed(&app, &path, &[("CallSid", &sid), ("AnsweredBy", "machine_end_beep")]).await;
    assert_eq!(s, 200);
    let voicemail = twilio_request(&twilio, "the voicemail", |r| r["_call"] == sid.as_str()).await;
    let twiml = voicemail["Twiml"].as_str().unwrap();
    assert!(twiml.contains("<Say language=\"en-US\">") && twiml.contains("<Hangup/>"), "{twiml}");
    assert_eq!(reminder(&admin, avi).await["call_outcome"], "machine");
    assert!(activities(&admin, avi).await.iter().any(|a| a["kind"] == "call" && a["data"]["outcome"] == "machine"));

    // Noa does not answer: Twilio's status report says so.
    let noa = create_lead(&admin, "Noa", "+972521010503").await["id"].as_i64().unwrap();
    callback_reminder(&admin, noa, "Follow up").await;
    let (_, sid) = placed_to(&twilio, "+972521010503").await;
    eventually(Duration::from_secs(5), "the call's sid recorded", || async {
        let (s, _) = signed(&app, "/webhook/twilio/status", &[("CallSid", &sid), ("CallStatus", "no-answer")]).await;
        (s == 200).then_some(())
    })
    .await;
    assert_eq!(reminder(&admin, noa).await["call_outcome"], "no_answer");
    assert!(activities(&admin, noa).await.iter().any(|a| a["kind"] == "call" && a["data"]["outcome"] == "no_answer"));
}

#[tokio::test]
async fn callbacks_wait_for_opening_hours_and_for_the_hourly_cap() {
    let (_app, admin, _models, twilio) = voice_app(&[("FRONTDESK_OUTBOUND_CALLS_PER_HOUR", "1")]).await;
    // Closed: the reminder waits, unfired, for the next opening.
    admin.patch("/api/business/current", &json!({"business_hours": {}})).await;
    let dana = create_lead(&admin, "Dana", "+972521010601").await["id"].as_i64().unwrap();
    let first = callback_reminder(&admin, dana, "After hours").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(placed(&twilio).is_empty(), "no call while closed");
    let waiting = reminder(&admin, dana).await;
    assert_eq!((waiting["status"].as_str(), &waiting["fired_at"]), (Some("pending"), &Value::Null), "{waiting}");

    // Open, two due at once with room for one an hour: one call, the other waits.
    admin.patch("/api/business/current", &json!({"business_hours": all_day()})).await;
    let (s, _) = admin.patch(&format!("/api/reminders/{}", first["id"]), &json!({"due_at": in_ms(800)})).await;
    assert_eq!(s, 200);
    let avi = create_lead(&admin, "Avi", "+972521010602").await["id"].as_i64().unwrap();
    callback_reminder(&admin, avi, "Also due").await;
    eventually(Duration::from_secs(8), "one call placed", || async { (!placed(&twilio).is_empty()).then_some(()) })
        .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(placed(&twilio).len(), 1, "the hour's one call");
    let (a, b) = (reminder(&admin, dana).await, reminder(&admin, avi).await);
    let deferred: Vec<&Value> = [&a, &b].into_iter().filter(|r| r["fired_at"].is_null()).collect();
    assert_eq!(deferred.len(), 1, "{a} {b}");
    assert_eq!((deferred[0]["status"].as_str(), &deferred[0]["call_outcome"]), (Some("pending"), &Value::Null));
}
