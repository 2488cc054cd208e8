//! The voice agent per turn: how long each answer took (on the call, its
//! activity and /metrics), how turns are detected, what it says into a
//! silence, and the filler while a slow tool runs.

use std::time::Duration;

use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    helpers::*,
    metrics::free_port,
    voice::{ModelSocket, next_model, open_stream, place_call, recv_json, voice_app},
};

async fn say(model: &mut ModelSocket, event: Value) {
    model.send(Message::text(event.to_string())).await.unwrap();
}

async fn lead_of(admin: &Session, phone: &str) -> i64 {
    leads(admin).await.into_iter().find(|l| l["phone_e164"] == phone).unwrap()["id"].as_i64().unwrap()
}

/// The call activity written at the end of the AI's part of the call.
async fn ended_call(admin: &Session, lead_id: i64) -> Value {
    eventually(Duration::from_secs(10), "the call's end on the timeline", || async {
        activities(admin, lead_id).await.into_iter().find(|a| a["kind"] == "call" && a["data"]["transcript"].is_array())
    })
    .await
}

fn sample(text: &str, name: &str) -> f64 {
    text.lines().find(|l| l.starts_with(name)).and_then(|l| l.rsplit(' ').next()?.parse().ok()).unwrap_or(0.0)
}

#[tokio::test]
async fn each_turn_is_timed_from_the_callers_end_of_speech_to_the_first_frame_back() {
    let port = free_port();
    let (app, admin, mut models, _twilio) =
        voice_app(&[("FRONTDESK_METRICS_BIND", &format!("127.0.0.1:{port}"))]).await;
    let metrics = format!("http://127.0.0.1:{port}/metrics");
    let token = place_call(&app, "CAl1", "+972521010301").await;
    let mut tw = open_stream(&app, &token, "CAl1", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await; // session.update
    recv_json(&mut model).await; // greeting
    // Two turns: the agent answers 150 ms, then 350 ms, after the caller stops.
    for (n, wait) in [(1, 150), (2, 350)] {
        say(&mut model, json!({"type": "input_audio_buffer.speech_started"})).await;
        if n == 2 {
            // The caller spoke over the first answer.
            assert_eq!(recv_json(&mut tw).await.unwrap()["event"], "clear");
        }
        say(&mut model, json!({"type": "input_audio_buffer.speech_stopped"})).await;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        for _ in 0..2 {
            say(
                &mut model,
                json!({"type": "response.output_audio.delta", "item_id": format!("i{n}"), "delta": "AAEC"}),
            )
            .await;
            assert_eq!(recv_json(&mut tw).await.unwrap()["event"], "media");
            assert_eq!(recv_json(&mut tw).await.unwrap()["event"], "mark");
        }
    }
    tw.send(Message::text(json!({"event": "stop", "streamSid": "MZ1"}).to_string())).await.unwrap();
    let lead_id = lead_of(&admin, "+972521010301").await;
    let call = ended_call(&admin, lead_id).await;
    let latency = &call["data"]["turn_latency_ms"];
    assert_eq!(latency["turns"], 2, "{latency}");
    let (median, max) = (latency["median"].as_u64().unwrap(), latency["max"].as_u64().unwrap());
    assert!((100..1500).contains(&median), "between the two turns: {latency}");
    assert!((350..2000).contains(&max) && max >= median, "{latency}");
    // On the call itself too.
    let call_id = call["data"]["call_id"].as_i64().unwrap();
    let (s, body) = admin.get_json(&format!("/api/calls/{call_id}")).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["turn_latency_ms"], *latency);
    // And on /metrics: the turns, and every frame's relay time.
    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    assert_eq!(sample(&text, "frontdesk_voice_turn_latency_seconds_count"), 2.0, "{text}");
    assert!(sample(&text, "frontdesk_voice_turn_latency_seconds_sum") >= 0.3);
    assert_eq!(sample(&text, "frontdesk_voice_relay_seconds_count"), 4.0);
    assert!(sample(&text, "frontdesk_voice_relay_seconds_sum") < 0.5);
}

#[tokio::test]
async fn turn_detection_is_semantic_with_the_configured_eagerness_or_server_side() {
    let (app, _admin, mut models, _twilio) = voice_app(&[("FRONTDESK_VOICE_EAGERNESS", "high")]).await;
    let token = place_call(&app, "CAv1", "+972521010302").await;
    let _tw = open_stream(&app, &token, "CAv1", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    let update = recv_json(&mut model).await.unwrap();
    assert_eq!(
        update["session"]["audio"]["input"]["turn_detection"],
        json!({"type": "semantic_vad", "eagerness": "high"})
    );

    let (app, _admin, mut models, _twilio) = voice_app(&[("FRONTDESK_VOICE_VAD", "server")]).await;
    let token = place_call(&app, "CAv2", "+972521010303").await;
    let _tw = open_stream(&app, &token, "CAv2", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    let update = recv_json(&mut model).await.unwrap();
    assert_eq!(update["session"]["audio"]["input"]["turn_detection"]["type"], "server_vad");

    // By default: semantic, eagerness auto.
    let (app, _admin, mut models, _twilio) = voice_app(&[]).await;
    let token = place_call(&app, "CAv3", "+972521010304").await;
    let _tw = open_stream(&app, &token, "CAv3", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    let update = recv_json(&mut model).await.unwrap();
    assert_eq!(
        update["session"]["audio"]["input"]["turn_detection"],
        json!({"type": "semantic_vad", "eagerness": "auto"})
    );
}

#[tokio::test]
async fn after_a_silence_the_agent_asks_once_if_the_caller_is_there_then_ends_politely() {
    let (app, admin, mut models, twilio) = voice_app(&[("FRONTDESK_VOICE_IDLE_SECS", "0.6")]).await;
    admin.patch("/api/business/current", &json!({"ai_language": "en"})).await;
    let token = place_call(&app, "CAi1", "+972521010305").await;
    let mut tw = open_stream(&app, &token, "CAi1", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await; // session.update
    recv_json(&mut model).await; // greeting
    let asked = recv_json(&mut model).await.unwrap();
    assert_eq!(asked["type"], "response.create", "{asked}");
    let ask = asked["response"]["instructions"].as_str().unwrap();
    assert!(ask.contains("still there") && ask.contains("English"), "{ask}");
    // The caller answers: the silence starts over and the agent asks again after the next one.
    say(&mut model, json!({"type": "input_audio_buffer.speech_started"})).await;
    say(&mut model, json!({"type": "input_audio_buffer.speech_stopped"})).await;
    let asked = recv_json(&mut model).await.unwrap();
    assert!(asked["response"]["instructions"].as_str().unwrap().contains("still there"), "{asked}");
    // Nobody answers: a goodbye, and the call ends once it has played.
    let bye = recv_json(&mut model).await.unwrap();
    assert!(bye["response"]["instructions"].as_str().unwrap().contains("goodbye"), "{bye}");
    say(&mut model, json!({"type": "response.output_audio.delta", "item_id": "bye", "delta": "AAEC"})).await;
    say(&mut model, json!({"type": "response.done"})).await;
    recv_json(&mut tw).await; // media
    let mark = recv_json(&mut tw).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(twilio.requests.lock().unwrap().iter().all(|r| r["_call"] != "CAi1"), "not before the goodbye played");
    tw.send(Message::text(json!({"event": "mark", "streamSid": "MZ1", "mark": mark["mark"]}).to_string()))
        .await
        .unwrap();
    let hangup = eventually(Duration::from_secs(5), "the hang-up", || async {
        twilio.requests.lock().unwrap().iter().find(|r| r["_call"] == "CAi1").cloned()
    })
    .await;
    assert_eq!(hangup["Status"], "completed");
    let call = ended_call(&admin, lead_of(&admin, "+972521010305").await).await;
    assert_eq!(call["data"]["ended_by"], "idle");
}

#[tokio::test]
async fn a_tool_that_takes_long_gets_a_short_spoken_filler() {
    let (app, admin, mut models, twilio) = voice_app(&[]).await;
    admin.patch("/api/business/current", &json!({"forward_e164": "+972541112222", "business_hours": {}})).await;
    let token = place_call(&app, "CAf1", "+972521010306").await;
    let _tw = open_stream(&app, &token, "CAf1", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await; // session.update
    recv_json(&mut model).await; // greeting
    // A quick tool: no filler.
    let tool = |id: &str, name: &str, args: Value| json!({"type": "response.function_call_arguments.done", "call_id": id, "name": name, "arguments": args.to_string()});
    say(&mut model, tool("f1", "add_tag", json!({"tag": "quick"}))).await;
    assert_eq!(recv_json(&mut model).await.unwrap()["type"], "conversation.item.create");
    assert_eq!(recv_json(&mut model).await.unwrap(), json!({"type": "response.create"}));
    // Twilio answers slowly: the transfer takes over 1.5 s, so the agent fills the wait.
    *twilio.delay_ms.lock().unwrap() = 2500;
    let started = std::time::Instant::now();
    say(&mut model, tool("f2", "transfer_to_human", json!({"reason": "wants a person"}))).await;
    let filler = recv_json(&mut model).await.unwrap();
    assert_eq!(filler["type"], "response.create", "{filler}");
    assert!(filler["response"]["instructions"].as_str().unwrap().contains("one moment"), "{filler}");
    assert!(started.elapsed() >= Duration::from_millis(1400), "not before 1.5 s: {:?}", started.elapsed());
    let output = recv_json(&mut model).await.unwrap();
    assert_eq!(output["type"], "conversation.item.create", "the tool's output follows: {output}");
}
