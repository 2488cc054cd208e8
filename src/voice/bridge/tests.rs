//! The bridge's protocol tests, over in-memory channels (no sockets).
use futures_channel::mpsc;

use super::*;

type Tx = mpsc::Sender<String>;
type Rx = mpsc::Receiver<String>;

fn ok_stream(rx: Rx) -> impl Stream<Item = Result<String, std::convert::Infallible>> + Unpin {
    rx.map(Ok)
}

async fn next_json(rx: &mut Rx) -> Value {
    serde_json::from_str(&rx.next().await.expect("a frame")).unwrap()
}

struct Harness {
    twilio_to_bridge: Tx,
    bridge_to_twilio: Rx,
    ai_to_bridge: Tx,
    bridge_to_ai: Rx,
    /// Sending (or dropping) it is the server's shutdown.
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Outcome>,
}

fn start(greet: bool) -> Harness {
    start_with(greet, Box::new(NoActions))
}

fn start_with(greet: bool, actions: Box<dyn CallActions>) -> Harness {
    let (twilio_to_bridge, tw_in) = mpsc::channel(16);
    let (tw_out, bridge_to_twilio) = mpsc::channel(16);
    let (ai_to_bridge, ai_in) = mpsc::channel(16);
    let (ai_out, bridge_to_ai) = mpsc::channel(16);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(relay(
        ok_stream(tw_in),
        tw_out,
        ok_stream(ai_in),
        ai_out,
        "MZ1".into(),
        SessionConfig { instructions: "be kind".into(), greet, ..Default::default() },
        actions,
        async move {
            let _ = stopped.await;
        },
    ));
    Harness { twilio_to_bridge, bridge_to_twilio, ai_to_bridge, bridge_to_ai, stop, task }
}

#[tokio::test]
async fn sends_the_prompt_then_relays_audio_both_ways() {
    let mut h = start(true);
    let update = next_json(&mut h.bridge_to_ai).await;
    assert_eq!(update["type"], "session.update");
    assert_eq!(update["session"]["instructions"], "be kind");
    assert_eq!(update["session"]["audio"]["input"]["format"]["type"], "audio/pcmu");
    assert_eq!(update["session"]["audio"]["output"]["format"]["type"], "audio/pcmu");
    assert_eq!(update["session"]["audio"]["input"]["turn_detection"]["type"], "server_vad");
    assert_eq!(next_json(&mut h.bridge_to_ai).await["type"], "response.create");
    h.twilio_to_bridge
        .send(json!({"event": "media", "media": {"payload": "AAAA", "timestamp": "20"}}).to_string())
        .await
        .unwrap();
    let append = next_json(&mut h.bridge_to_ai).await;
    assert_eq!(append, json!({"type": "input_audio_buffer.append", "audio": "AAAA"}));
    h.ai_to_bridge
        .send(json!({"type": "response.output_audio.delta", "item_id": "it1", "delta": "BBBB"}).to_string())
        .await
        .unwrap();
    let media = next_json(&mut h.bridge_to_twilio).await;
    assert_eq!(media, json!({"event": "media", "streamSid": "MZ1", "media": {"payload": "BBBB"}}));
    assert_eq!(next_json(&mut h.bridge_to_twilio).await["event"], "mark");
    h.twilio_to_bridge.send(json!({"event": "dtmf", "dtmf": {"digit": "5"}}).to_string()).await.unwrap();
    // Fields of an unexpected shape (not the audio delta's) do not lose the event.
    h.ai_to_bridge
        .send(
            json!({"type": "conversation.item.input_audio_transcription.completed", "transcript": "hello",
                   "item_id": 7, "delta": {"text": "hel"}})
            .to_string(),
        )
        .await
        .unwrap();
    h.ai_to_bridge
        .send(json!({"type": "response.output_audio_transcript.done", "transcript": "hi, how can I help?"}).to_string())
        .await
        .unwrap();
    h.twilio_to_bridge.send("not json".into()).await.unwrap();
    h.twilio_to_bridge.send(json!({"event": "stop"}).to_string()).await.unwrap();
    let out = h.task.await.unwrap();
    assert_eq!(out.ended_by, "twilio_stop");
    assert_eq!(out.dtmf, ["5"]);
    assert_eq!(
        out.transcript,
        [
            Line { speaker: "caller", text: "hello".into() },
            Line { speaker: "agent", text: "hi, how can I help?".into() }
        ]
    );
    // The model's side was closed too.
    assert!(h.bridge_to_ai.next().await.is_none());
}

#[tokio::test]
async fn barge_in_truncates_at_the_played_position_and_clears_twilio() {
    let mut h = start(false);
    next_json(&mut h.bridge_to_ai).await; // session.update
    h.twilio_to_bridge
        .send(json!({"event": "media", "media": {"payload": "A", "timestamp": "1000"}}).to_string())
        .await
        .unwrap();
    next_json(&mut h.bridge_to_ai).await;
    h.ai_to_bridge
        .send(json!({"type": "response.output_audio.delta", "item_id": "it7", "delta": "B"}).to_string())
        .await
        .unwrap();
    next_json(&mut h.bridge_to_twilio).await;
    next_json(&mut h.bridge_to_twilio).await;
    h.twilio_to_bridge
        .send(json!({"event": "media", "media": {"payload": "A", "timestamp": "1640"}}).to_string())
        .await
        .unwrap();
    next_json(&mut h.bridge_to_ai).await;
    h.ai_to_bridge.send(json!({"type": "input_audio_buffer.speech_started"}).to_string()).await.unwrap();
    let truncate = next_json(&mut h.bridge_to_ai).await;
    assert_eq!(truncate["type"], "conversation.item.truncate");
    assert_eq!(truncate["item_id"], "it7");
    assert_eq!(truncate["audio_end_ms"], 640);
    assert_eq!(next_json(&mut h.bridge_to_twilio).await, json!({"event": "clear", "streamSid": "MZ1"}));
    drop(h.twilio_to_bridge);
    assert_eq!(h.task.await.unwrap().ended_by, "twilio_closed");
}

#[tokio::test]
async fn the_model_closing_ends_the_call_and_closes_twilio() {
    let mut h = start(false);
    next_json(&mut h.bridge_to_ai).await;
    drop(h.ai_to_bridge);
    let out = h.task.await.unwrap();
    assert_eq!(out.ended_by, "model_closed");
    assert!(h.bridge_to_twilio.next().await.is_none(), "Twilio's side closed");
}

#[tokio::test]
async fn a_stop_ends_the_call_as_shutdown_keeping_its_transcript_and_closing_both_sides() {
    let mut h = start(false);
    next_json(&mut h.bridge_to_ai).await; // session.update
    h.ai_to_bridge
        .send(
            json!({"type": "conversation.item.input_audio_transcription.completed", "transcript": "still there?"})
                .to_string(),
        )
        .await
        .unwrap();
    // Let the line be read before the stop wins the race.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    h.stop.send(()).unwrap();
    // A line finished just after the stop still makes the transcript.
    h.ai_to_bridge
        .send(json!({"type": "response.output_audio_transcript.done", "transcript": "goodbye"}).to_string())
        .await
        .unwrap();
    let out = h.task.await.unwrap();
    assert_eq!(out.ended_by, "shutdown");
    assert_eq!(
        out.transcript,
        [Line { speaker: "caller", text: "still there?".into() }, Line { speaker: "agent", text: "goodbye".into() }]
    );
    assert!(h.bridge_to_ai.next().await.is_none(), "the model's side closed");
    assert!(h.bridge_to_twilio.next().await.is_none(), "Twilio's side closed");
}

/// Tools that take their time, as a transfer's REST call does.
struct SlowActions;

#[async_trait::async_trait]
impl CallActions for SlowActions {
    async fn run(&mut self, name: &str, _arguments: &str) -> ToolReply {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        ToolReply { output: json!({"ok": true, "tool": name}), next: Next::Wait }
    }
    async fn hang_up(&mut self) {}
}

#[tokio::test]
async fn a_slow_tool_runs_beside_the_audio_and_its_output_follows() {
    let mut h = start_with(false, Box::new(SlowActions));
    next_json(&mut h.bridge_to_ai).await; // session.update
    let call = json!({"type": "response.function_call_arguments.done", "response_id": "r1", "call_id": "c1",
                      "name": "transfer_to_human", "arguments": "{}"});
    h.ai_to_bridge.send(call.to_string()).await.unwrap();
    let asked = std::time::Instant::now();
    h.ai_to_bridge
        .send(json!({"type": "response.output_audio.delta", "item_id": "i1", "delta": "BBBB"}).to_string())
        .await
        .unwrap();
    assert_eq!(next_json(&mut h.bridge_to_twilio).await["media"]["payload"], "BBBB");
    h.twilio_to_bridge.send(json!({"event": "media", "media": {"payload": "AAAA"}}).to_string()).await.unwrap();
    assert_eq!(next_json(&mut h.bridge_to_ai).await["audio"], "AAAA");
    assert!(asked.elapsed() < std::time::Duration::from_millis(400), "audio waited for the tool");
    let output = next_json(&mut h.bridge_to_ai).await;
    assert_eq!(
        (output["item"]["call_id"].as_str(), output["type"].as_str()),
        (Some("c1"), Some("conversation.item.create"))
    );
    assert!(asked.elapsed() >= std::time::Duration::from_millis(500));
    drop(h.twilio_to_bridge);
    assert_eq!(h.task.await.unwrap().ended_by, "twilio_closed");
}
