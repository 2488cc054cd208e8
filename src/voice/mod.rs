//! The AI voice agent: `GET /ws/twilio/media`, a Twilio
//! Media Stream bridged to a realtime model. The upgrade is checked (Twilio's
//! signature over the `wss://` URL when an auth token is configured); the
//! one-time stream token from `start.customParameters` names the call and its
//! business; the business's `calls_prompt` is read from the database for that
//! call at that moment. On the end, the call row and one `call` activity with
//! both transcripts are written and announced. At shutdown, calls still
//! running after the grace are ended by the server and saved the same way,
//! with `ended_by: "shutdown"`.

mod actions;
pub mod active;
pub mod bridge;
pub mod rest;
pub mod settings;
mod summary;
pub mod transfer;
pub mod twiml;

pub use active::{ActiveCalls, CallGuard};

use std::time::{Duration, Instant};

use axum::{
    Router,
    extract::{
        State,
        ws::{Message, WebSocket, WebSocketUpgrade},
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

use crate::{
    domain::ActivityKind, error::ApiError, error::ApiResult, messaging::twilio_signature as signature, state::AppState,
    store,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/ws/twilio/media", get(upgrade))
}

/// The URL Twilio opens, as it signs it: the stream URL handed out in
/// TwiML (always `wss://`) plus any query string.
fn public_ws_url(state: &AppState, query: Option<&str>) -> String {
    match query {
        Some(q) => format!("{}?{q}", state.config.stream_url),
        None => state.config.stream_url.clone(),
    }
}

async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    ws: WebSocketUpgrade,
) -> Response {
    if let Some(token) = &state.config.settings.twilio_auth_token {
        let url = public_ws_url(&state, uri.query());
        let sig = headers.get("x-twilio-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
        if !signature::valid(token, &url, &[], sig) {
            tracing::warn!("media stream upgrade refused: bad or missing X-Twilio-Signature");
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "invalid_signature",
                "The media stream request is not signed by Twilio.",
                "Only Twilio may open this stream.",
            )
            .into_response();
        }
    }
    ws.max_message_size(1 << 20).read_buffer_size(WS_READ_BUFFER).on_upgrade(move |socket| handle(state, socket))
}

/// Text frames of the Twilio socket, ending at Close.
fn twilio_text(
    socket: futures_util::stream::SplitStream<WebSocket>,
) -> impl futures_util::Stream<Item = Result<String, axum::Error>> + Unpin {
    Box::pin(socket.take_while(|m| futures_util::future::ready(!matches!(m, Ok(Message::Close(_))))).filter_map(
        |m| async move {
            match m {
                Ok(Message::Text(t)) => Some(Ok(t.to_string())),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            }
        },
    ))
}

async fn handle(state: AppState, socket: WebSocket) {
    // Counted until the end is saved: shutdown waits for that.
    let _running = state.calls.enter();
    let (mut tw_out, tw_in) = socket.split();
    let mut tw_in = twilio_text(tw_in);
    // Wait for `start` (after `connected`), briefly.
    let start = tokio::select! {
        start = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(Ok(text)) = tw_in.next().await {
                match serde_json::from_str::<Value>(&text) {
                    Ok(v) if v["event"] == "start" => return Some(v),
                    Ok(_) => continue,
                    Err(_) => tracing::warn!("skipping a malformed frame before start"),
                }
            }
            None
        }) => start.ok().flatten(),
        // No call is named yet, so there is nothing to save.
        () = state.calls.stopped() => None,
    };
    let Some(start) = start else {
        tracing::warn!("media stream closed: no start message");
        let _ = tokio::time::timeout(bridge::CLOSE_LIMIT, tw_out.close()).await;
        return;
    };
    let stream_sid =
        start["start"]["streamSid"].as_str().or(start["streamSid"].as_str()).unwrap_or_default().to_string();
    let token = start["start"]["customParameters"]["token"].as_str().unwrap_or_default().to_string();
    let call_sid = start["start"]["callSid"].as_str().unwrap_or_default().to_string();
    let call = state.db.write(move |tx| store::calls::take_stream_token_unscoped(tx, &token, &call_sid)).await;
    let call = match call {
        Ok(Some(c)) => c,
        Ok(None) => {
            tracing::warn!(stream = %stream_sid, "media stream closed: unknown, used, expired or mismatched stream token");
            let _ = tw_out.close().await;
            return;
        }
        Err(e) => {
            tracing::error!(error = %e, "media stream closed: token lookup failed");
            let _ = tw_out.close().await;
            return;
        }
    };
    let started = Instant::now();
    let (tenant_id, lead_id) = (call.tenant_id, call.lead_id);
    // This business's prompt and settings, now: a save between two calls reaches the second.
    let setup = state
        .db
        .read(move |c| -> ApiResult<_> {
            let tenant = store::tenants::get(c, tenant_id)?;
            let prompt = store::prompts::get(c, tenant_id)?.calls_prompt;
            let lead = match lead_id {
                Some(id) => store::leads::get(c, crate::domain::Scope::Tenant(tenant_id), id)?,
                None => None,
            };
            let recent = match lead_id {
                Some(id) => {
                    store::activities::list_for_lead(c, tenant_id, id, store::PageRequest::new(Some(1), Some(3), 3))?
                        .items
                }
                None => Vec::new(),
            };
            let booking = crate::ai::context::booking_block(c, tenant_id, lead_id, chrono::Utc::now())?;
            Ok((tenant, prompt, lead, recent, booking))
        })
        .await;
    let (tenant, prompt, lead, recent, booking) = match setup {
        Ok((Some(t), p, l, r, b)) => (t, p, l, r, b),
        Ok((None, ..)) | Err(_) => {
            tracing::error!(call = %call.id, "could not read the call's business");
            let _ = tw_out.close().await;
            finish(&state, &call, "failed", started, &bridge::Outcome::default()).await;
            return;
        }
    };
    let mut instructions = call_instructions(&prompt, &tenant, lead.as_ref(), &recent) + &booking;
    if let Some(context) = &call.agent_context {
        instructions.push_str("\n## This call\n");
        instructions.push_str(context);
        instructions.push('\n');
    }
    let model = tokio::select! {
        model = connect_model(&state) => model,
        () = state.calls.stopped() => {
            let _ = tokio::time::timeout(bridge::CLOSE_LIMIT, tw_out.close()).await;
            let out = bridge::Outcome { ended_by: "shutdown", ..Default::default() };
            finish(&state, &call, "failed", started, &out).await;
            return;
        }
    };
    let model = match model {
        Ok(ws) => ws,
        Err(e) => {
            tracing::error!(error = %e, call = %call.id, "could not reach the realtime model");
            // Never dead air: an apology, then a person or a voicemail.
            no_dead_air(&state, &tenant, &call).await;
            let _ = tw_out.close().await;
            let out = bridge::Outcome { ended_by: "model_unreachable", ..Default::default() };
            finish(&state, &call, "failed", started, &out).await;
            return;
        }
    };
    let (ai_out, ai_in) = model.split();
    let ai_in = Box::pin(
        ai_in.take_while(|m| futures_util::future::ready(!matches!(m, Ok(tungstenite::Message::Close(_))))).filter_map(
            |m| async move {
                match m {
                    Ok(tungstenite::Message::Text(t)) => Some(Ok(t.to_string())),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                }
            },
        ),
    );
    let ai_out =
        ai_out.with(|s: String| async move { Ok::<_, tungstenite::Error>(tungstenite::Message::Text(s.into())) });
    let tw_out = tw_out.with(|s: String| async move { Ok::<_, axum::Error>(Message::Text(s.into())) });
    let session = bridge::SessionConfig {
        instructions,
        greet: true,
        tools: crate::ai::tools::realtime_tools(),
        language: Some(tenant.ai_language.clone()),
        voice: Some(state.config.settings.openai_voice.clone()),
        turn_detection: Some(turn_detection(&state.config.settings.voice)),
        idle: Some(state.config.settings.voice.idle()),
    };
    let transferred = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let actions = actions::LiveActions {
        ctx: state.core.clone(),
        tenant: tenant.clone(),
        call_sid: call.call_sid.clone().unwrap_or_default(),
        lead_id,
        transferred: transferred.clone(),
    };
    let outcome = bridge::relay(
        tw_in,
        Box::pin(tw_out),
        ai_in,
        Box::pin(ai_out),
        stream_sid,
        session,
        Box::new(actions),
        state.calls.stopped(),
    )
    .await;
    if outcome.ended_by == "model_closed" {
        // The model went away with the caller still on the line.
        no_dead_air(&state, &tenant, &call).await;
    }
    let mut outcome = outcome;
    let transferred = transferred.load(std::sync::atomic::Ordering::Relaxed);
    outcome.answered_by = Some(if transferred { "person" } else { "ai" });
    finish(&state, &call, "completed", started, &outcome).await;
    summary::spawn(&state, &call, &tenant, &outcome.transcript);
}

/// The call's instructions: the business's prompt, the shared context block,
/// and what the last three timeline entries of a known caller say.
fn call_instructions(
    prompt: &str,
    tenant: &store::tenants::Tenant,
    lead: Option<&store::leads::Lead>,
    recent: &[store::activities::Activity],
) -> String {
    let mut text = crate::ai::context::instructions(prompt, tenant, lead, chrono::Utc::now());
    if !recent.is_empty() {
        text.push_str("- Latest on this caller's record:\n");
        for a in recent {
            let body: String = a.body.chars().take(200).collect();
            text.push_str(&format!(
                "  - {} {}: {}\n",
                &a.created_at[..16.min(a.created_at.len())],
                a.kind.as_str(),
                body
            ));
        }
    }
    text
}

/// The session's `turn_detection`, as configured.
fn turn_detection(voice: &settings::VoiceSettings) -> Value {
    match voice.voice_vad {
        settings::Vad::Semantic => json!({"type": "semantic_vad", "eagerness": voice.voice_eagerness.as_str()}),
        settings::Vad::Server => json!({"type": "server_vad"}),
    }
}

/// Takes the caller from a missing or lost model to an apology and a person
/// or a voicemail (Twilio REST redirect); nobody answered, so the owners hear of it.
async fn no_dead_air(state: &AppState, tenant: &store::tenants::Tenant, call: &store::calls::Call) {
    let Some(sid) = call.call_sid.as_deref() else { return };
    let doc = twiml::document(&twiml::fallback(&state.config, tenant));
    if let Err(e) = actions::update_call(state, sid, &[("Twiml", doc)]).await {
        tracing::error!(error = %e, call = %call.id, "could not redirect a call away from the missing AI");
    }
    if tenant.forward_e164.is_none()
        && let Some(lead_id) = call.lead_id
    {
        crate::core::missed_call::spawn_follow_up(state, tenant.id, lead_id);
    }
}

/// Read buffer of each call's two WebSockets. tungstenite's default is
/// 128 KiB, and it zero-fills the free part of it before every read: at 50
/// frames a second each way that was over half of the relay's CPU. A media
/// frame is well under 1 KiB, and a larger message is still read whole (the
/// buffer grows to the frame's length).
const WS_READ_BUFFER: usize = 8 * 1024;

fn model_socket_config() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(WS_READ_BUFFER)
}

async fn connect_model(
    state: &AppState,
) -> Result<tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>, String> {
    let s = &state.config.settings;
    let key = s.openai_api_key.clone().ok_or("FRONTDESK_OPENAI_API_KEY is not set")?;
    let mut req = s.openai_realtime_url.as_str().into_client_request().map_err(|e| e.to_string())?;
    req.headers_mut().insert("Authorization", format!("Bearer {key}").parse().map_err(|_| "bad API key characters")?);
    // A caller waits in silence meanwhile: after 3 s they get a person or a voicemail instead.
    let (ws, _) = tokio::time::timeout(
        Duration::from_secs(3),
        tokio_tungstenite::connect_async_with_config(req, Some(model_socket_config()), true),
    )
    .await
    .map_err(|_| "timed out".to_string())?
    .map_err(|e| e.to_string())?;
    Ok(ws)
}

/// Writes the call's end: status, duration, transcript, one activity; announces it.
async fn finish(
    state: &AppState,
    call: &store::calls::Call,
    status: &'static str,
    started: Instant,
    out: &bridge::Outcome,
) {
    let duration = started.elapsed().as_secs() as i64;
    let transcript = serde_json::to_value(&out.transcript).unwrap_or(Value::Null);
    let data = json!({
        "call_id": call.id, "call_sid": call.call_sid, "status": status, "duration_s": duration,
        "transcript": transcript, "dtmf": out.dtmf, "ended_by": out.ended_by, "answered_by": out.answered_by,
        "turn_latency_ms": out.turn_latency, "direction": call.direction,
    });
    let latency = out.turn_latency.map(|t| json!(t));
    let body: String =
        out.transcript.iter().map(|l| format!("{}: {}", l.speaker, l.text)).collect::<Vec<_>>().join("\n");
    let (call_id, tenant_id, lead_id) = (call.id, call.tenant_id, call.lead_id);
    let result = state
        .db
        .write(move |tx| -> ApiResult<_> {
            store::calls::finish(tx, tenant_id, call_id, status, Some(duration), Some(&transcript))?;
            if let Some(latency) = &latency {
                store::calls::set_turn_latency(tx, tenant_id, call_id, latency)?;
            }
            match lead_id {
                Some(lead) => {
                    Ok(Some(store::activities::add(tx, tenant_id, lead, ActivityKind::Call, &body, &data, None)?))
                }
                None => Ok(None),
            }
        })
        .await;
    match result {
        Ok(Some(act)) => {
            state.events.activity(&act);
            state.events.publish(tenant_id, "lead.updated", json!({"lead_id": act.lead_id}));
        }
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, call = %call_id, "could not record the end of a call"),
    }
}
