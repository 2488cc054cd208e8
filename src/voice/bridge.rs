//! The protocol bridge between Twilio Media Streams and a realtime model,
//! generic over `Sink`/`Stream` of text frames so it runs in unit tests
//! without sockets.
//!
//! Twilio -> model: `media` becomes `input_audio_buffer.append` (both sides
//! speak G.711 µ-law, `audio/pcmu`, so no transcoding). Model -> Twilio:
//! `response.output_audio.delta` becomes `media` plus a `mark`. When the
//! caller starts speaking over the agent (`input_audio_buffer.speech_started`)
//! the playing item is truncated at the position Twilio actually played and
//! Twilio is told to `clear` its buffer (barge-in). Malformed frames are
//! logged and skipped. Either side closing ends the call, and so does the
//! server at shutdown (the `stop` future).
//!
//! Tools run off the relay loop, one at a time and in order, in a task of
//! their own: a transfer's REST call takes seconds, and audio keeps flowing
//! both ways meanwhile. Their outputs come back to the loop through a channel.
//! Calls past the budget (see `ai::limits`) are answered without running.

use std::time::Instant;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};

use self::{
    frames::{
        AudioAppend, MarkBody, MarkName, MediaBody, ModelHead, Payload, TwilioFrame, TwilioOut, frame_json,
        media_timestamp, transcript_line,
    },
    jobs::{Job, TOOL_DRAIN_LIMIT, answer_tool, hang_up, spawn_actions},
    turns::{Idle, Silence, Turns},
};
pub use self::{
    session::{FILLER_AFTER, SessionConfig, session_update},
    turns::TurnLatency,
};
use crate::ai::{
    limits::{TOO_MANY, ToolBudget},
    tools::END_CALL,
};

/// One line of the call's transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// `caller` or `agent`.
    pub speaker: &'static str,
    pub text: String,
}

/// What happened on the call.
#[derive(Debug, Default)]
pub struct Outcome {
    pub transcript: Vec<Line>,
    pub dtmf: Vec<String>,
    /// Who ended it: `twilio_stop`, `twilio_closed`, `model_closed`, `shutdown`, `agent_hung_up`.
    pub ended_by: &'static str,
    pub frames_in: u64,
    pub frames_out: u64,
    /// Who had the caller in the end: `ai`, or `person` after a transfer.
    pub answered_by: Option<&'static str>,
    /// How quickly the agent answered; None when no turn was measured.
    pub turn_latency: Option<TurnLatency>,
}

/// What follows a tool call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// The model speaks again (`response.create`).
    Respond,
    /// The call is moving elsewhere (a transfer): say nothing more.
    Wait,
    /// End the call once the agent's last audio has played.
    HangUp,
}

/// A tool's answer to the model, and what follows.
#[derive(Clone, Debug)]
pub struct ToolReply {
    pub output: Value,
    pub next: Next,
}

/// What the call can do besides talk: the server's side of the tools.
#[async_trait::async_trait]
pub trait CallActions: Send + 'static {
    /// Runs a tool the model called (arguments as the model wrote them).
    async fn run(&mut self, name: &str, arguments: &str) -> ToolReply;
    /// Ends the call for everyone (the agent's goodbye has played).
    async fn hang_up(&mut self);
}

/// A call without tools.
pub struct NoActions;

#[async_trait::async_trait]
impl CallActions for NoActions {
    async fn run(&mut self, name: &str, _arguments: &str) -> ToolReply {
        ToolReply { output: json!({"error": format!("there is no tool named {name}")}), next: Next::Respond }
    }
    async fn hang_up(&mut self) {}
}

/// How long final transcripts are awaited after the caller hangs up.
const TRANSCRIPT_GRACE: std::time::Duration = std::time::Duration::from_millis(300);

/// Closing a socket waits for the peer to take the close frame; an
/// unresponsive peer must not keep the call from being saved.
pub(crate) const CLOSE_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// State of the audio the agent is playing, for barge-in.
#[derive(Default)]
struct Playback {
    /// The model's item currently being played.
    item_id: Option<String>,
    /// Twilio's media timestamp (ms) when that item's first delta arrived.
    started_at_ms: Option<u64>,
    /// Marks sent to Twilio and not yet echoed back (played).
    pending_marks: usize,
    /// The agent ended the call: hang up when the marks are all back.
    hang_up_when_played: bool,
    /// A response is being generated (`response.created` .. `response.done`).
    responding: bool,
    /// A tool's answer is waiting for that response to end before the model speaks again.
    respond_after: bool,
}

/// Runs the bridge until either side ends or `stop` resolves (then the call
/// ends with `ended_by: "shutdown"`). `stream_sid` is Twilio's stream id
/// (from its `start` message, already consumed by the caller).
#[allow(clippy::too_many_arguments)]
pub async fn relay<TwIn, TwOut, AiIn, AiOut, E1, E2, E3, E4, Stop>(
    mut twilio_in: TwIn,
    mut twilio_out: TwOut,
    mut ai_in: AiIn,
    mut ai_out: AiOut,
    stream_sid: String,
    cfg: SessionConfig,
    actions: Box<dyn CallActions>,
    stop: Stop,
) -> Outcome
where
    Stop: std::future::Future<Output = ()>,
    TwIn: Stream<Item = Result<String, E1>> + Unpin,
    TwOut: Sink<String, Error = E2> + Unpin,
    AiIn: Stream<Item = Result<String, E3>> + Unpin,
    AiOut: Sink<String, Error = E4> + Unpin,
    E1: std::fmt::Display,
    E2: std::fmt::Display,
    E3: std::fmt::Display,
    E4: std::fmt::Display,
{
    let mut out = Outcome::default();
    let mut play = Playback::default();
    let mut latest_media_ms: u64 = 0;
    let mut budget = ToolBudget::call();
    let (jobs, mut tool_replies, actions_task) = spawn_actions(actions);
    let started = Instant::now();
    if let Err(e) = ai_out.send(session_update(&cfg).to_string()).await {
        tracing::warn!(error = %e, "realtime model refused the session");
        out.ended_by = "model_closed";
        let _ = tokio::time::timeout(CLOSE_LIMIT, twilio_out.close()).await;
        return out;
    }
    if cfg.greet {
        let _ = ai_out.send(json!({"type": "response.create"}).to_string()).await;
    }
    let language = cfg.language.as_deref();
    let mut turns = Turns::default();
    let mut idle = Idle::new(cfg.idle);
    // Armed once; activity only moves `idle.deadline`, and the timer catches up when it fires.
    let idle_timer = tokio::time::sleep_until(idle.deadline.unwrap_or_else(turns::far));
    let mut tools_running: usize = 0;
    let mut filler_at: Option<tokio::time::Instant> = None;
    let mut hang_up_reason = "agent_hung_up";
    tokio::pin!(stop, idle_timer);
    loop {
        tokio::select! {
            () = &mut stop => { out.ended_by = "shutdown"; break }
            () = &mut idle_timer => {
                let now = tokio::time::Instant::now();
                match idle.deadline {
                    Some(d) if d > now => { idle_timer.as_mut().reset(d); continue }
                    None => { idle_timer.as_mut().reset(turns::far()); continue }
                    Some(_) => {}
                }
                // A tool at work is not a silence.
                if tools_running > 0 {
                    idle.agent_active(now);
                    continue;
                }
                let ask = match idle.stage {
                    Silence::Talking => { idle.stage = Silence::Asked; session::still_there(language) }
                    Silence::Asked => {
                        idle.stage = Silence::Ending;
                        hang_up_reason = "idle";
                        session::goodbye(language)
                    }
                    // The goodbye never came or never played: end it anyway.
                    Silence::Ending => { hang_up(&jobs).await; out.ended_by = "idle"; break }
                };
                if ai_out.send(ask).await.is_err() { out.ended_by = "model_closed"; break }
                idle.agent_active(now);
            }
            () = turns::at(filler_at) => {
                filler_at = None;
                // Already speaking is filler enough.
                if !play.responding && ai_out.send(session::filler(language)).await.is_err() {
                    out.ended_by = "model_closed";
                    break;
                }
            }
            frame = twilio_in.next() => {
                let Some(Ok(text)) = frame else { out.ended_by = "twilio_closed"; break };
                let Ok(msg) = serde_json::from_str::<TwilioFrame>(&text) else {
                    tracing::warn!("skipping a malformed Twilio frame");
                    continue;
                };
                match &*msg.event {
                    "media" => {
                        let Some(media) = msg.media else { continue };
                        if let Some(ts) = media.timestamp.and_then(media_timestamp) {
                            latest_media_ms = ts;
                        }
                        let Some(payload) = media.payload else { continue };
                        out.frames_in += 1;
                        let append = frame_json(&AudioAppend { kind: "input_audio_buffer.append", audio: &payload });
                        if ai_out.send(append).await.is_err() { out.ended_by = "model_closed"; break }
                    }
                    "mark" => {
                        play.pending_marks = play.pending_marks.saturating_sub(1);
                        idle.agent_active(tokio::time::Instant::now());
                        if play.hang_up_when_played && play.pending_marks == 0 {
                            hang_up(&jobs).await;
                            out.ended_by = hang_up_reason;
                            break;
                        }
                    }
                    "dtmf" => {
                        let dtmf: Value = msg.dtmf.and_then(|d| serde_json::from_str(d.get()).ok()).unwrap_or_default();
                        if let Some(d) = dtmf["digit"].as_str() { out.dtmf.push(d.to_string()) }
                    }
                    "stop" => { out.ended_by = "twilio_stop"; break }
                    _ => {}
                }
            }
            frame = ai_in.next() => {
                let frame_in = Instant::now();
                let Some(Ok(text)) = frame else { out.ended_by = "model_closed"; break };
                // An event whose fields do not fit the audio shape goes the `Value` way below.
                if let Ok(head) = serde_json::from_str::<ModelHead>(&text)
                    && let ("response.output_audio.delta" | "response.audio.delta", Some(delta)) = (&*head.kind, &head.delta)
                {
                    if play.item_id.as_deref() != head.item_id.as_deref() {
                        play.item_id = head.item_id.as_deref().map(str::to_string);
                        play.started_at_ms = Some(latest_media_ms);
                    }
                    out.frames_out += 1;
                    let media = frame_json(&TwilioOut {
                        event: "media",
                        stream_sid: &stream_sid,
                        body: MediaBody { media: Payload { payload: delta } },
                    });
                    let mark = frame_json(&TwilioOut {
                        event: "mark",
                        stream_sid: &stream_sid,
                        body: MarkBody { mark: MarkName { name: format!("m{}", out.frames_out) } },
                    });
                    // Both go out in one flush (one write to the socket).
                    if twilio_out.feed(media).await.is_err() || twilio_out.send(mark).await.is_err() {
                        out.ended_by = "twilio_closed";
                        break;
                    }
                    let sent = Instant::now();
                    crate::metrics::METRICS.voice_relay_seconds.observe((sent - frame_in).as_secs_f64());
                    turns.audio_sent(sent);
                    idle.agent_active(sent.into());
                    play.pending_marks += 1;
                    continue;
                }
                let Ok(msg) = serde_json::from_str::<Value>(&text) else {
                    tracing::warn!("skipping a malformed realtime frame");
                    continue;
                };
                match msg["type"].as_str() {
                    Some("input_audio_buffer.speech_started") => {
                        turns.speech_started();
                        idle.caller_active(tokio::time::Instant::now());
                        // Barge-in: cut the agent where the caller actually heard it stop.
                        if let (Some(item), Some(start)) = (play.item_id.take(), play.started_at_ms.take()) {
                            if play.pending_marks > 0 {
                                let truncate = json!({
                                    "type": "conversation.item.truncate", "item_id": item,
                                    "content_index": 0, "audio_end_ms": latest_media_ms.saturating_sub(start),
                                });
                                let _ = ai_out.send(truncate.to_string()).await;
                            }
                            let clear = json!({"event": "clear", "streamSid": stream_sid});
                            if twilio_out.send(clear.to_string()).await.is_err() { out.ended_by = "twilio_closed"; break }
                            play.pending_marks = 0;
                        }
                    }
                    Some("input_audio_buffer.speech_stopped") => {
                        turns.speech_stopped(frame_in);
                        idle.caller_active(frame_in.into());
                    }
                    Some("response.created") => play.responding = true,
                    Some("response.done") => {
                        play.responding = false;
                        if std::mem::take(&mut play.respond_after) {
                            let _ = ai_out.send(json!({"type": "response.create"}).to_string()).await;
                        }
                        if idle.stage == Silence::Ending {
                            // The goodbye is said: hang up once it has played.
                            if play.pending_marks == 0 { hang_up(&jobs).await; out.ended_by = "idle"; break }
                            play.hang_up_when_played = true;
                        }
                    }
                    Some("response.function_call_arguments.done") => {
                        let name = msg["name"].as_str().unwrap_or_default().to_string();
                        let call_id = msg["call_id"].as_str().unwrap_or_default().to_string();
                        let arguments = msg["arguments"].as_str().unwrap_or("{}").to_string();
                        let response = msg["response_id"].as_str().unwrap_or_default();
                        if budget.admit(response, name == END_CALL) {
                            if jobs.send(Job::Run { call_id, name, arguments }).is_err() {
                                tracing::error!("the call's actions task is gone");
                                continue;
                            }
                            tools_running += 1;
                            filler_at.get_or_insert_with(|| tokio::time::Instant::now() + FILLER_AFTER);
                            continue;
                        }
                        tracing::warn!(tool = %name, "call tool over the budget");
                        let reply = ToolReply { output: json!({"error": TOO_MANY}), next: Next::Respond };
                        if !answer_tool(&mut ai_out, &call_id, &reply).await { out.ended_by = "model_closed"; break }
                    }
                    Some("error") => tracing::warn!(error = %msg["error"], "realtime model reported an error"),
                    _ => out.transcript.extend(transcript_line(&msg)),
                }
            }
            Some((call_id, mut reply)) = tool_replies.recv() => {
                tools_running = tools_running.saturating_sub(1);
                let now = tokio::time::Instant::now();
                filler_at = (tools_running > 0).then_some(now + FILLER_AFTER);
                idle.agent_active(now);
                // The model cannot start a response while one (a filler) is under way: after it, then.
                if reply.next == Next::Respond && play.responding {
                    reply.next = Next::Wait;
                    play.respond_after = true;
                }
                if !answer_tool(&mut ai_out, &call_id, &reply).await { out.ended_by = "model_closed"; break }
                match reply.next {
                    Next::Respond | Next::Wait => {}
                    Next::HangUp if play.pending_marks == 0 => {
                        hang_up(&jobs).await;
                        out.ended_by = "agent_hung_up";
                        break;
                    }
                    Next::HangUp => play.hang_up_when_played = true,
                }
            }
        }
    }
    if out.ended_by != "model_closed" {
        // The caller hung up (or the server is stopping): the model may still
        // be finishing the last transcripts. Collect what arrives shortly, then close.
        let grace = tokio::time::sleep(TRANSCRIPT_GRACE);
        tokio::pin!(grace);
        loop {
            tokio::select! {
                _ = &mut grace => break,
                frame = ai_in.next() => match frame {
                    Some(Ok(text)) => {
                        if let Ok(msg) = serde_json::from_str::<Value>(&text) {
                            out.transcript.extend(transcript_line(&msg));
                        }
                    }
                    _ => break,
                },
            }
        }
    }
    out.turn_latency = turns.summary();
    let _ = tokio::time::timeout(CLOSE_LIMIT, ai_out.close()).await;
    let _ = tokio::time::timeout(CLOSE_LIMIT, twilio_out.close()).await;
    // Both sockets are closed; a tool still running gets to save what it did.
    drop(jobs);
    if tokio::time::timeout(TOOL_DRAIN_LIMIT, actions_task).await.is_err() {
        tracing::warn!("a call tool was still running when the call ended");
    }
    tracing::info!(ended_by = out.ended_by, secs = started.elapsed().as_secs(), "call bridge ended");
    out
}

mod frames;
mod jobs;
mod session;
mod turns;

#[cfg(test)]
mod tests;
