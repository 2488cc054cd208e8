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
    providers::{app_with, signed},
    voice::{ModelSocket, fake_model, next_model, open_stream, place_call, recv_json},
};

type Models = tokio::sync::mpsc::UnboundedReceiver<(ModelSocket, String)>;

async fn start(extra: &[(&str, &str)]) -> (TestApp, Session, Models, fakes::Recorder) {
    let (model_url, models) = fake_model().await;
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let mut env = vec![
        ("FRONTDESK_OPENAI_API_KEY", "sk-voice"),
        ("FRONTDESK_OPENAI_REALTIME_URL", model_url.as_str()),
        ("FRONTDESK_TWILIO_API_BASE", twilio.as_str()),
    ];
    env.extend_from_slice(extra);
    let (app, admin) = app_with(&env).await;
    (app, admin, models, twilio_rec)
}

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
    let (app, admin, mut models, twilio) = start(&[]).await;
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
