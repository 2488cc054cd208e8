//! The voice agent over real sockets: a fake Twilio client and a fake
//! realtime model server on loopback.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::{
    fakes,
    helpers::*,
    providers::{PUBLIC, app_with, signed, twilio_signature},
};

pub type ModelSocket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// The fake model's connections, as `fake_model` hands them over.
pub type Models = tokio::sync::mpsc::UnboundedReceiver<(ModelSocket, String)>;

/// An app with the fake model and a fake Twilio REST, plus `extra` settings.
pub async fn voice_app(extra: &[(&str, &str)]) -> (TestApp, Session, Models, crate::fakes::Recorder) {
    let (model_url, models) = fake_model().await;
    let (twilio, twilio_rec) = crate::fakes::twilio_rest().await;
    let mut env = vec![
        ("FRONTDESK_OPENAI_API_KEY", "sk-voice"),
        ("FRONTDESK_OPENAI_REALTIME_URL", model_url.as_str()),
        ("FRONTDESK_TWILIO_API_BASE", twilio.as_str()),
    ];
    env.extend_from_slice(extra);
    let (app, admin) = crate::providers::app_with(&env).await;
    (app, admin, models, twilio_rec)
}

/// A fake realtime server: hands each accepted connection (and its
/// Authorization header) to the test.
#[allow(clippy::result_large_err)] // the callback's signature is tungstenite's
pub async fn fake_model() -> (String, tokio::sync::mpsc::UnboundedReceiver<(ModelSocket, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/v1/realtime?model=fake", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut auth = String::new();
                let ws = tokio_tungstenite::accept_hdr_async(
                    stream,
                    |req: &tokio_tungstenite::tungstenite::handshake::server::Request, res| {
                        auth =
                            req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                        Ok(res)
                    },
                )
                .await
                .unwrap();
                let _ = tx.send((ws, auth));
            });
        }
    });
    (url, rx)
}

pub async fn recv_json<S>(ws: &mut S) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await.ok()?? {
            Ok(Message::Text(t)) => return serde_json::from_str(&t).ok(),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

async fn start_app() -> (TestApp, Session, tokio::sync::mpsc::UnboundedReceiver<(ModelSocket, String)>) {
    let (model_url, models) = fake_model().await;
    let (app, admin) =
        app_with(&[("FRONTDESK_OPENAI_API_KEY", "sk-voice"), ("FRONTDESK_OPENAI_REALTIME_URL", &model_url)]).await;
    (app, admin, models)
}

/// An app with the fake model, a fake Twilio REST and a fake chat model (for summaries).
async fn start_acting_app(
    extra: &[(&str, &str)],
) -> (TestApp, Session, tokio::sync::mpsc::UnboundedReceiver<(ModelSocket, String)>, fakes::Recorder, fakes::Recorder) {
    let (model_url, models) = fake_model().await;
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (chat, chat_rec) = fakes::chat().await;
    let mut env = vec![
        ("FRONTDESK_OPENAI_API_KEY", "sk-voice"),
        ("FRONTDESK_OPENAI_REALTIME_URL", model_url.as_str()),
        ("FRONTDESK_TWILIO_API_BASE", twilio.as_str()),
        ("FRONTDESK_OPENAI_BASE_URL", chat.as_str()),
    ];
    env.extend_from_slice(extra);
    let (app, admin) = app_with(&env).await;
    (app, admin, models, twilio_rec, chat_rec)
}

/// Waits for the fake Twilio to receive an update of `call` carrying `key`.
async fn call_update(twilio: &fakes::Recorder, call: &str, key: &str) -> Value {
    eventually(Duration::from_secs(6), &format!("a REST update of {call} with {key}"), || async {
        twilio.requests.lock().unwrap().iter().find(|r| r["_call"] == call && r.get(key).is_some()).cloned()
    })
    .await
}

/// Places a call through the voice webhook and returns its stream token.
pub async fn place_call(app: &TestApp, call_sid: &str, from: &str) -> String {
    let (s, xml) =
        signed(app, "/webhook/twilio/voice", &[("CallSid", call_sid), ("From", from), ("To", "+972031234567")]).await;
    assert_eq!(s, 200, "{xml}");
    xml.split("name=\"token\" value=\"").nth(1).expect("a stream token").split('"').next().unwrap().to_string()
}

pub type TwilioSocket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the media stream as Twilio does (signed upgrade, connected, start).
pub async fn open_stream(app: &TestApp, token: &str, call_sid: &str, sign: bool) -> Result<TwilioSocket, String> {
    let url = app.url("/ws/twilio/media").replacen("http://", "ws://", 1);
    let mut req = url.into_client_request().unwrap();
    if sign {
        let sig = twilio_signature(&format!("{}/ws/twilio/media", PUBLIC.replacen("https://", "wss://", 1)), &[]);
        req.headers_mut().insert("X-Twilio-Signature", sig.parse().unwrap());
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.map_err(|e| e.to_string())?;
    ws.send(Message::text(json!({"event": "connected", "protocol": "Call", "version": "1.0.0"}).to_string()))
        .await
        .unwrap();
    ws.send(Message::text(
        json!({
            "event": "start", "sequenceNumber": "1", "streamSid": "MZ1",
            "start": {"streamSid": "MZ1", "callSid": call_sid, "tracks": ["inbound"],
                      "customParameters": {"token": token},
                      "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}
        })
        .to_string(),
    ))
    .await
    .unwrap();
    Ok(ws)
}

pub async fn next_model(
    models: &mut tokio::sync::mpsc::UnboundedReceiver<(ModelSocket, String)>,
) -> (ModelSocket, String) {
    tokio::time::timeout(Duration::from_secs(5), models.recv())
        .await
        .expect("the bridge connects to the model")
        .unwrap()
}

/// Waits (up to 10 s) for `n` finished calls (a `call` activity with a transcript) on the lead.
async fn wait_call_activity(admin: &Session, lead_id: i64, n: usize) -> Vec<Value> {
    eventually(Duration::from_secs(10), &format!("{n} finished call activities on lead {lead_id}"), || async {
        let ended: Vec<Value> = activities(admin, lead_id)
            .await
            .into_iter()
            .filter(|a| a["kind"] == "call" && a["data"]["transcript"].is_array())
            .collect();
        (ended.len() >= n).then_some(ended)
    })
    .await
}

#[tokio::test]
async fn each_call_carries_the_prompt_saved_before_it_and_its_transcript_lands_on_the_lead() {
    let (app, admin, mut models) = start_app().await;
    admin.put("/api/business/current/prompt", &json!({"calls_prompt": "CALLS ONE", "whatsapp_prompt": ""})).await;
    let token = place_call(&app, "CA1", "+972521010101").await;
    let mut tw = open_stream(&app, &token, "CA1", true).await.unwrap();
    let (mut model, auth) = next_model(&mut models).await;
    assert_eq!(auth, "Bearer sk-voice");
    let update = recv_json(&mut model).await.unwrap();
    assert_eq!(update["type"], "session.update");
    assert_eq!(update["session"]["type"], "realtime");
    let instructions = update["session"]["instructions"].as_str().unwrap();
    assert!(instructions.starts_with("CALLS ONE\n\n## Context"), "{instructions}");
    assert!(instructions.contains("Latest on this caller's record"), "the caller's timeline: {instructions}");
    assert_eq!(update["session"]["audio"]["input"]["transcription"]["language"], "he");
    assert_eq!(update["session"]["audio"]["output"]["voice"], "marin");
    let tools: Vec<&str> =
        update["session"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    for t in ["transfer_to_human", "end_call", "take_message", "create_callback_reminder", "add_tag"] {
        assert!(tools.contains(&t), "{t} in {tools:?}");
    }
    assert_eq!(update["session"]["audio"]["input"]["format"]["type"], "audio/pcmu");
    assert_eq!(recv_json(&mut model).await.unwrap()["type"], "response.create", "greeting");
    // Caller audio reaches the model; model audio reaches the caller.
    tw.send(Message::text(
        json!({"event": "media", "streamSid": "MZ1", "media": {"payload": "f38=", "timestamp": "20"}}).to_string(),
    ))
    .await
    .unwrap();
    assert_eq!(recv_json(&mut model).await.unwrap(), json!({"type": "input_audio_buffer.append", "audio": "f38="}));
    model
        .send(Message::text(
            json!({"type": "response.output_audio.delta", "item_id": "i1", "delta": "AAEC"}).to_string(),
        ))
        .await
        .unwrap();
    let media = recv_json(&mut tw).await.unwrap();
    assert_eq!(media["event"], "media");
    assert_eq!(media["media"]["payload"], "AAEC");
    assert_eq!(recv_json(&mut tw).await.unwrap()["event"], "mark");
    for (t, text) in [
        ("conversation.item.input_audio_transcription.completed", "אני רוצה לקבוע תור"),
        ("response.output_audio_transcript.done", "בשמחה, לאיזה יום?"),
    ] {
        model.send(Message::text(json!({"type": t, "transcript": text}).to_string())).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    tw.send(Message::text(json!({"event": "stop", "streamSid": "MZ1"}).to_string())).await.unwrap();
    assert!(recv_json(&mut model).await.is_none(), "the model's socket is closed when Twilio stops");
    let lead_id = leads(&admin).await[0]["id"].as_i64().unwrap();
    let calls = wait_call_activity(&admin, lead_id, 1).await;
    assert_eq!(
        calls[0]["data"]["transcript"],
        json!([{"speaker": "caller", "text": "אני רוצה לקבוע תור"}, {"speaker": "agent", "text": "בשמחה, לאיזה יום?"}])
    );
    assert_eq!(calls[0]["data"]["status"], "completed");

    // The prompt saved now is the one the next call gets.
    admin.put("/api/business/current/prompt", &json!({"calls_prompt": "CALLS TWO", "whatsapp_prompt": ""})).await;
    let token = place_call(&app, "CA2", "+972521010101").await;
    let _tw = open_stream(&app, &token, "CA2", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    let second = recv_json(&mut model).await.unwrap();
    assert!(second["session"]["instructions"].as_str().unwrap().starts_with("CALLS TWO"));
}

#[tokio::test]
async fn barge_in_clears_twilio_and_truncates_the_model() {
    let (app, _admin, mut models) = start_app().await;
    let token = place_call(&app, "CA3", "+972521010102").await;
    let mut tw = open_stream(&app, &token, "CA3", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await; // session.update
    recv_json(&mut model).await; // response.create
    tw.send(Message::text(json!({"event": "media", "media": {"payload": "AA==", "timestamp": "500"}}).to_string()))
        .await
        .unwrap();
    recv_json(&mut model).await;
    model
        .send(Message::text(
            json!({"type": "response.output_audio.delta", "item_id": "i9", "delta": "AA=="}).to_string(),
        ))
        .await
        .unwrap();
    recv_json(&mut tw).await;
    recv_json(&mut tw).await;
    tw.send(Message::text(json!({"event": "media", "media": {"payload": "AA==", "timestamp": "900"}}).to_string()))
        .await
        .unwrap();
    recv_json(&mut model).await;
    model.send(Message::text(json!({"type": "input_audio_buffer.speech_started"}).to_string())).await.unwrap();
    let clear = recv_json(&mut tw).await.unwrap();
    assert_eq!(clear, json!({"event": "clear", "streamSid": "MZ1"}));
    let truncate = recv_json(&mut model).await.unwrap();
    assert_eq!(truncate["type"], "conversation.item.truncate");
    assert_eq!(truncate["item_id"], "i9");
    assert_eq!(truncate["audio_end_ms"], 400);
}

#[tokio::test]
async fn the_model_closing_ends_the_twilio_stream() {
    let (app, admin, mut models) = start_app().await;
    let token = place_call(&app, "CA4", "+972521010103").await;
    let mut tw = open_stream(&app, &token, "CA4", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await;
    model.close(None).await.unwrap();
    assert!(recv_json(&mut tw).await.is_none(), "Twilio's socket is closed");
    let lead_id = leads(&admin).await[0]["id"].as_i64().unwrap();
    let calls = wait_call_activity(&admin, lead_id, 1).await;
    assert_eq!(calls[0]["data"]["ended_by"], "model_closed");
}

#[tokio::test]
async fn unsigned_upgrades_and_unknown_or_reused_tokens_are_refused() {
    let (app, _admin, mut models) = start_app().await;
    let err = open_stream(&app, "whatever", "CAx", false).await.unwrap_err();
    assert!(err.contains("403"), "{err}");
    let mut tw = open_stream(&app, "not-a-token", "CAx", true).await.unwrap();
    assert!(recv_json(&mut tw).await.is_none(), "closed for an unknown token");
    let token = place_call(&app, "CA5", "+972521010104").await;
    let _first = open_stream(&app, &token, "CA5", true).await.unwrap();
    let _ = next_model(&mut models).await;
    let mut again = open_stream(&app, &token, "CA5", true).await.unwrap();
    assert!(recv_json(&mut again).await.is_none(), "closed for a reused token");
}

#[tokio::test]
async fn twenty_calls_at_once_are_independent() {
    let (app, admin, mut models) = start_app().await;
    admin.put("/api/business/current/prompt", &json!({"calls_prompt": "many", "whatsapp_prompt": ""})).await;
    let mut tokens = Vec::new();
    for i in 0..20 {
        tokens.push(place_call(&app, &format!("CAm{i}"), &format!("+9725220000{i:02}")).await);
    }
    let mut calls = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        calls.push(open_stream(&app, t, &format!("CAm{i}"), true).await.unwrap());
    }
    // Each model connection echoes one transcript line naming its own audio.
    let mut model_tasks = Vec::new();
    for _ in 0..20 {
        let (mut model, _) = next_model(&mut models).await;
        model_tasks.push(tokio::spawn(async move {
            recv_json(&mut model).await.unwrap();
            recv_json(&mut model).await.unwrap();
            let audio = recv_json(&mut model).await.unwrap();
            let payload = audio["audio"].as_str().unwrap().to_string();
            model
                .send(Message::text(
                    json!({"type": "response.output_audio.delta", "item_id": "x", "delta": payload}).to_string(),
                ))
                .await
                .unwrap();
            model
                .send(Message::text(
                    json!({"type": "conversation.item.input_audio_transcription.completed", "transcript": payload})
                        .to_string(),
                ))
                .await
                .unwrap();
            while recv_json(&mut model).await.is_some() {}
        }));
    }
    for (i, tw) in calls.iter_mut().enumerate() {
        tw.send(Message::text(
            json!({"event": "media", "media": {"payload": format!("call{i}"), "timestamp": "0"}}).to_string(),
        ))
        .await
        .unwrap();
    }
    for (i, tw) in calls.iter_mut().enumerate() {
        let media = recv_json(tw).await.unwrap();
        assert_eq!(media["media"]["payload"], format!("call{i}"), "audio stays within its own call");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for tw in calls.iter_mut() {
        tw.send(Message::text(json!({"event": "stop"}).to_string())).await.unwrap();
    }
    for t in model_tasks {
        tokio::time::timeout(Duration::from_secs(5), t).await.unwrap().unwrap();
    }
    for l in leads(&admin).await {
        let acts = wait_call_activity(&admin, l["id"].as_i64().unwrap(), 1).await;
        let line = &acts[0]["data"]["transcript"][0]["text"];
        assert!(line.as_str().unwrap().starts_with("call"), "{line}");
    }
}

#[tokio::test]
async fn at_shutdown_a_running_call_gets_the_grace_then_is_ended_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("calls.db");
    let (model_url, mut models) = fake_model().await;
    let env = [
        ("FRONTDESK_OPENAI_API_KEY", "sk-voice"),
        ("FRONTDESK_OPENAI_REALTIME_URL", model_url.as_str()),
        ("FRONTDESK_SHUTDOWN_GRACE_SECS", "1"),
        ("FRONTDESK_DATA", data.to_str().unwrap()),
    ];
    let (mut app, admin) = app_with(&env).await;
    let token = place_call(&app, "CAsd", "+972521010199").await;
    let mut tw = open_stream(&app, &token, "CAsd", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await; // session.update
    recv_json(&mut model).await; // response.create
    model
        .send(Message::text(
            json!({"type": "conversation.item.input_audio_transcription.completed", "transcript": "I'll hold"})
                .to_string(),
        ))
        .await
        .unwrap();
    let lead_id = leads(&admin).await[0]["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let sigterm = Instant::now();
    let exit = {
        let exit = app.terminate_within(Duration::from_secs(10));
        tokio::pin!(exit);
        // Within the grace the call still runs: caller audio reaches the model.
        tokio::time::sleep(Duration::from_millis(300)).await;
        tw.send(Message::text(json!({"event": "media", "media": {"payload": "AA==", "timestamp": "40"}}).to_string()))
            .await
            .unwrap();
        let relayed = tokio::select! {
            relayed = recv_json(&mut model) => relayed,
            status = &mut exit => panic!("exited during the grace: {status:?}"),
        };
        assert_eq!(relayed.unwrap()["type"], "input_audio_buffer.append");
        exit.await
    };
    assert!(exit.success(), "{exit:?}");
    let took = sigterm.elapsed();
    assert!(took >= Duration::from_millis(900), "the call was not given its grace ({took:?})");
    assert!(took < Duration::from_secs(7), "waited far beyond the grace ({took:?})");
    assert!(recv_json(&mut tw).await.is_none(), "Twilio's socket was closed by the server");

    // Saved as a normal end, by the shutdown.
    let saved = rusqlite::Connection::open(&data).unwrap();
    let (status, transcript): (String, String) = saved
        .query_row("SELECT status, transcript FROM calls WHERE call_sid = 'CAsd'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(status, "completed");
    assert!(transcript.contains("I'll hold"), "{transcript}");
    drop(saved);
    drop(app);
    let (_again, admin) = app_with(&env).await;
    let calls = wait_call_activity(&admin, lead_id, 1).await;
    assert_eq!(calls[0]["data"]["ended_by"], "shutdown");
    assert_eq!(calls[0]["data"]["status"], "completed");
    assert_eq!(calls[0]["data"]["transcript"], json!([{"speaker": "caller", "text": "I'll hold"}]));
}

#[tokio::test]
async fn in_hours_a_person_is_rung_first_and_the_ai_takes_the_call_they_miss() {
    let (app, admin, _models, _twilio, _chat) = start_acting_app(&[]).await;
    let all_day: serde_json::Map<String, Value> = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        .iter()
        .map(|d| (d.to_string(), json!([["00:00", "24:00"]])))
        .collect();
    let (s, _) = admin
        .patch("/api/business/current", &json!({"business_hours": all_day, "forward_e164": "+972541112222"}))
        .await;
    assert_eq!(s, 200);
    let call = [("CallSid", "CAd1"), ("From", "+972521010150"), ("To", "+972031234567")];
    let (s, xml) = signed(&app, "/webhook/twilio/voice", &call).await;
    assert_eq!(s, 200);
    assert!(
        xml.contains(
            "<Dial timeout=\"20\" action=\"https://crm.example.com/webhook/twilio/dial-result\">+972541112222</Dial>"
        ),
        "{xml}"
    );
    // Nobody picked up: the AI stream.
    let (s, xml) =
        signed(&app, "/webhook/twilio/dial-result", &[("CallSid", "CAd1"), ("DialCallStatus", "no-answer")]).await;
    assert_eq!(s, 200);
    assert!(xml.contains("<Connect><Stream"), "{xml}");
    // A second call, answered by the person: the call is theirs.
    let call = [("CallSid", "CAd2"), ("From", "+972521010151"), ("To", "+972031234567")];
    signed(&app, "/webhook/twilio/voice", &call).await;
    let (_, xml) =
        signed(&app, "/webhook/twilio/dial-result", &[("CallSid", "CAd2"), ("DialCallStatus", "completed")]).await;
    assert!(xml.contains("<Hangup/>") && !xml.contains("Stream"), "{xml}");
    let (s, _) =
        signed(&app, "/webhook/twilio/dial-result", &[("CallSid", "CAnope"), ("DialCallStatus", "busy")]).await;
    assert_eq!(s, 404);
    // After hours: the AI at once.
    admin.patch("/api/business/current", &json!({"business_hours": {}})).await;
    let call = [("CallSid", "CAd3"), ("From", "+972521010152"), ("To", "+972031234567")];
    let (_, xml) = signed(&app, "/webhook/twilio/voice", &call).await;
    assert!(xml.contains("<Connect><Stream") && !xml.contains("<Dial"), "{xml}");
}

#[tokio::test]
async fn the_agent_acts_transfers_and_hangs_up_after_its_last_words() {
    let (app, admin, mut models, twilio, chat) = start_acting_app(&[]).await;
    admin.patch("/api/business/current", &json!({"forward_e164": "+972541112222", "business_hours": {}})).await;
    chat.answer(json!({"role": "assistant", "content": "{\"summary\": \"Asked for a cleaning.\", \"suggested_status\": \"qualified\"}"}));
    let token = place_call(&app, "CAt1", "+972521010160").await;
    let mut tw = open_stream(&app, &token, "CAt1", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await; // session.update
    recv_json(&mut model).await; // greeting
    let call_tool = |id: &str, name: &str, args: Value| {
        json!({"type": "response.function_call_arguments.done", "call_id": id, "name": name, "arguments": args.to_string()})
            .to_string()
    };
    model.send(Message::text(call_tool("f1", "add_tag", json!({"tag": "cleaning"})))).await.unwrap();
    let out = recv_json(&mut model).await.unwrap();
    assert_eq!(
        (out["type"].as_str(), out["item"]["type"].as_str()),
        (Some("conversation.item.create"), Some("function_call_output"))
    );
    assert_eq!(out["item"]["call_id"], "f1");
    assert!(out["item"]["output"].as_str().unwrap().contains("\"ok\":true"));
    assert_eq!(recv_json(&mut model).await.unwrap()["type"], "response.create");
    model
        .send(Message::text(call_tool(
            "f2",
            "take_message",
            json!({"message": "call about the cleaning", "callback_at": "2020-01-01T10:00:00Z"}),
        )))
        .await
        .unwrap();
    let refused = recv_json(&mut model).await.unwrap();
    assert!(refused["item"]["output"].as_str().unwrap().contains("error"), "a time in the past is refused: {refused}");
    recv_json(&mut model).await; // response.create
    model
        .send(Message::text(
            json!({"type": "conversation.item.input_audio_transcription.completed", "transcript": "I need a cleaning"})
                .to_string(),
        ))
        .await
        .unwrap();
    // Goodbye audio, then end_call: the hang-up waits for Twilio to play it.
    model
        .send(Message::text(
            json!({"type": "response.output_audio.delta", "item_id": "i1", "delta": "AAEC"}).to_string(),
        ))
        .await
        .unwrap();
    recv_json(&mut tw).await; // media
    let mark = recv_json(&mut tw).await.unwrap();
    model.send(Message::text(call_tool("f3", "end_call", json!({})))).await.unwrap();
    recv_json(&mut model).await; // function_call_output
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(twilio.requests.lock().unwrap().iter().all(|r| r["_call"] != "CAt1"), "not before the audio played");
    tw.send(Message::text(json!({"event": "mark", "streamSid": "MZ1", "mark": mark["mark"]}).to_string()))
        .await
        .unwrap();
    let hangup = call_update(&twilio, "CAt1", "Status").await;
    assert_eq!(hangup["Status"], "completed");
    let lead_id =
        leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521010160").unwrap()["id"].as_i64().unwrap();
    let calls = wait_call_activity(&admin, lead_id, 1).await;
    assert_eq!(calls[0]["data"]["ended_by"], "agent_hung_up");
    assert_eq!(calls[0]["data"]["answered_by"], "ai");
    let acts = activities(&admin, lead_id).await;
    let tools: Vec<&str> =
        acts.iter().filter(|a| a["kind"] == "ai_action").map(|a| a["data"]["tool"].as_str().unwrap()).collect();
    assert_eq!(tools, ["end_call", "take_message", "add_tag"]);
    assert_eq!(leads(&admin).await.into_iter().find(|l| l["id"] == lead_id).unwrap()["tags"], json!(["cleaning"]));
    // After the call: a short summary with a suggested status, from the transcript.
    let acts = wait_for_kind(&admin, lead_id, "call_summary", 1).await;
    let summary = acts.iter().find(|a| a["kind"] == "call_summary").unwrap();
    assert_eq!(
        (summary["body"].as_str(), summary["data"]["suggested_status"].as_str()),
        (Some("Asked for a cleaning."), Some("qualified"))
    );

    // A second call: the caller wants a person.
    let token = place_call(&app, "CAt2", "+972521010161").await;
    let _tw = open_stream(&app, &token, "CAt2", true).await.unwrap();
    let (mut model, _) = next_model(&mut models).await;
    recv_json(&mut model).await;
    recv_json(&mut model).await;
    model
        .send(Message::text(call_tool("g1", "transfer_to_human", json!({"reason": "asked for a person"}))))
        .await
        .unwrap();
    let out = recv_json(&mut model).await.unwrap();
    assert!(out["item"]["output"].as_str().unwrap().contains("\"ok\":true"), "{out}");
    let transfer = call_update(&twilio, "CAt2", "Twiml").await;
    // The caller waits on hold while the person is rung (see voice_calls.rs for the whole transfer).
    assert!(transfer["Twiml"].as_str().unwrap().contains("<Enqueue waitUrl="), "{transfer}");
    assert!(twilio.requests.lock().unwrap().iter().any(|r| r["_create"] == true && r["To"] == "+972541112222"));
}

#[tokio::test]
async fn when_the_model_cannot_be_reached_the_caller_hears_an_apology_and_can_leave_a_voicemail() {
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (app, admin) = app_with(&[
        ("FRONTDESK_OPENAI_API_KEY", "sk-voice"),
        ("FRONTDESK_OPENAI_REALTIME_URL", "ws://127.0.0.1:9/v1/realtime"),
        ("FRONTDESK_TWILIO_API_BASE", twilio.as_str()),
    ])
    .await;
    let started = Instant::now();
    let token = place_call(&app, "CAx1", "+972521010170").await;
    let _tw = open_stream(&app, &token, "CAx1", true).await.unwrap();
    let redirect = call_update(&twilio_rec, "CAx1", "Twiml").await;
    assert!(started.elapsed() < Duration::from_secs(4), "within 3 s: {:?}", started.elapsed());
    let doc = redirect["Twiml"].as_str().unwrap();
    assert!(doc.contains("<Say language=\"he-IL\">") && doc.contains("<Record "), "{doc}");
    assert!(doc.contains("recordingStatusCallback=\"https://crm.example.com/webhook/twilio/recording\""), "{doc}");
    // The voicemail comes back and lands on the lead.
    let rec = [
        ("CallSid", "CAx1"),
        ("RecordingStatus", "completed"),
        ("RecordingUrl", "https://api.twilio.com/rec/RE1"),
        ("RecordingDuration", "12"),
    ];
    let (s, _) = signed(&app, "/webhook/twilio/recording", &rec).await;
    assert_eq!(s, 200);
    let lead_id = leads(&admin).await[0]["id"].as_i64().unwrap();
    let acts = wait_for_kind(&admin, lead_id, "voicemail", 1).await;
    let vm = acts.iter().find(|a| a["kind"] == "voicemail").unwrap();
    assert_eq!(vm["data"]["recording_url"], "https://api.twilio.com/rec/RE1");
    let bad = [("CallSid", "CAx1"), ("RecordingUrl", "http://evil.example/x")];
    assert_eq!(signed(&app, "/webhook/twilio/recording", &bad).await.0, 400);
}
