//! A warm transfer's webhooks (each signed by Twilio, `?call=` naming our
//! call): the hold music, the whisper to the person who answered, how
//! ringing them ended, and how the caller left the hold queue.

use axum::{extract::State, http::Uri, response::Response};
use serde_json::json;

use super::{
    TwilioForm,
    twilio::{required, twiml},
};
use crate::{
    core::CoreError,
    domain::{ActivityKind, CallId},
    error::{ApiError, ApiResult},
    state::AppState,
    store,
    voice::{rest, transfer, twiml as tw},
};

/// A caller held longer than this leaves the queue for the AI even if no
/// report of the ringing came (the person's leg rings for 20 s).
const HOLD_LIMIT_SECS: u64 = tw::TRANSFER_RING_SECS as u64 + 25;

/// `?call=<id>` of a callback URL we handed Twilio.
pub(super) fn call_param(uri: &Uri) -> Result<CallId, ApiError> {
    uri.query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "call"))
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .map(CallId)
        .ok_or_else(|| {
            ApiError::invalid("call", "`call` is missing from the callback URL.", "Use the URL we gave Twilio.")
        })
}

/// The queue's `waitUrl`: music, fetched again each time it ends.
pub async fn hold(form: TwilioForm) -> ApiResult<Response> {
    let waited: u64 = form.get("QueueTime").and_then(|t| t.parse().ok()).unwrap_or(0);
    if waited >= HOLD_LIMIT_SECS {
        return Ok(twiml("<Leave/>".into()));
    }
    Ok(twiml(tw::hold_music()))
}

/// The person rung for a transfer answered: the summary, then the caller.
pub async fn whisper(State(state): State<AppState>, uri: Uri, _form: TwilioForm) -> ApiResult<Response> {
    let id = call_param(&uri)?;
    let found = state
        .db
        .write(move |tx| -> Result<_, CoreError> {
            let Some((call, tenant)) = transfer::call_of(tx, id)? else { return Ok(None) };
            store::calls::set_answered_by(tx, call.tenant_id, call.id, "person")?;
            Ok(Some((call, tenant)))
        })
        .await?;
    let (call, tenant) = found.ok_or_else(|| ApiError::not_found("Call"))?;
    let summary = call.whisper.clone().unwrap_or_default();
    Ok(twiml(tw::whisper(&tenant, &summary, call.id.0)))
}

/// How ringing the person ended. Not answered: the caller goes back to the AI.
pub async fn transfer_status(State(state): State<AppState>, uri: Uri, form: TwilioForm) -> ApiResult<Response> {
    let id = call_param(&uri)?;
    let status = required(&form, "CallStatus")?.replace('-', "_");
    if !matches!(status.as_str(), "busy" | "no_answer" | "failed" | "canceled") {
        return Ok(twiml(String::new()));
    }
    let ai_on = state.config.settings.openai_api_key.is_some();
    let config = state.config.clone();
    let st = status.clone();
    let found = state
        .db
        .write(move |tx| -> Result<_, CoreError> {
            let Some((call, tenant)) = transfer::call_of(tx, id)? else { return Ok(None) };
            let next = match transfer::back_to_ai(tx, ai_on, &config, &call)? {
                Some(stream) => stream,
                None => tw::voicemail(&config, &tenant),
            };
            let act = match call.lead_id {
                Some(lead) => Some(store::activities::add(
                    tx,
                    call.tenant_id,
                    lead,
                    ActivityKind::Call,
                    "Transfer: nobody answered; the caller went back to the AI",
                    &json!({"call_id": call.id, "call_sid": call.call_sid, "transfer": st}),
                    None,
                )?),
                None => None,
            };
            Ok(Some((call, next, act)))
        })
        .await?;
    let (call, next, act) = found.ok_or_else(|| ApiError::not_found("Call"))?;
    if let Some(act) = act {
        state.events.activity(&act);
    }
    if let Some(sid) = call.call_sid.as_deref()
        && let Err(e) = rest::update_call(&state, sid, &[("Twiml", tw::document(&next))]).await
    {
        // The caller may have hung up meanwhile.
        tracing::warn!(error = %e, call = %call.id, "could not take a caller off hold");
    }
    Ok(twiml(String::new()))
}

/// The caller left the hold queue (`<Enqueue action>`): put through or gone
/// -> nothing more; left (held too long) -> back to the AI.
pub async fn transfer_result(State(state): State<AppState>, uri: Uri, form: TwilioForm) -> ApiResult<Response> {
    let id = call_param(&uri)?;
    let result = form.get("QueueResult").unwrap_or("hangup").to_string();
    match result.as_str() {
        "bridged" | "hangup" => return Ok(twiml(tw::hang_up())),
        // Taken out of the queue by our REST update, whose TwiML runs instead.
        "redirected" => return Ok(twiml(String::new())),
        _ => {}
    }
    let ai_on = state.config.settings.openai_api_key.is_some();
    let config = state.config.clone();
    let next = state
        .db
        .write(move |tx| -> Result<_, CoreError> {
            let Some((call, tenant)) = transfer::call_of(tx, id)? else { return Ok(None) };
            Ok(Some(match transfer::back_to_ai(tx, ai_on, &config, &call)? {
                Some(stream) => stream,
                None => tw::voicemail(&config, &tenant),
            }))
        })
        .await?;
    next.map(twiml).ok_or_else(|| ApiError::not_found("Call"))
}
