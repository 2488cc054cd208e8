//! A callback's webhooks (signed by Twilio, `?call=` naming our call): the
//! lead answered -> the AI's stream, with the reminder's note in its
//! context; answering machine detection's verdict -> a person stays with
//! the AI, a machine gets a short voicemail. The verdict lands on the
//! reminder and the lead's timeline.

use axum::{extract::State, http::Uri, response::Response};
use serde_json::json;

use super::{
    TwilioForm,
    transfer::call_param,
    twilio::{required, twiml},
};
use crate::{
    core::CoreError,
    domain::ActivityKind,
    error::{ApiError, ApiResult},
    state::AppState,
    store,
    util::random_token,
    voice::{rest, transfer, twiml as tw},
};

/// The lead picked up: connect the AI (Twilio asks at once; the machine verdict follows).
pub async fn answered(State(state): State<AppState>, uri: Uri, form: TwilioForm) -> ApiResult<Response> {
    let id = call_param(&uri)?;
    let sid = required(&form, "CallSid")?.to_string();
    let ai_on = state.config.settings.openai_api_key.is_some();
    let config = state.config.clone();
    let doc = state
        .db
        .write(move |tx| -> Result<_, CoreError> {
            let Some((call, tenant)) = transfer::call_of(tx, id)? else { return Ok(None) };
            if call.direction != "outbound" || call.call_sid.as_deref().is_some_and(|s| s != sid) {
                return Ok(None);
            }
            store::calls::set_sid(tx, call.tenant_id, call.id, &sid)?;
            if !ai_on {
                return Ok(Some(tw::callback_voicemail(&tenant)));
            }
            let token = random_token(24);
            store::calls::issue_stream_token(tx, call.tenant_id, call.id, &token, call.agent_context.as_deref())?;
            Ok(Some(tw::stream(&config, &token)))
        })
        .await?;
    doc.map(twiml).ok_or_else(|| ApiError::not_found("Call"))
}

/// What answering machine detection made of the callee (`AnsweredBy`).
fn outcome_of(answered_by: &str) -> &'static str {
    match answered_by {
        a if a.starts_with("machine") => "machine",
        "fax" => "failed",
        // `human`, and `unknown`: someone may be there, so the AI stays.
        _ => "person",
    }
}

/// The machine verdict: a person keeps the AI; a machine gets a voicemail.
pub async fn amd(State(state): State<AppState>, uri: Uri, form: TwilioForm) -> ApiResult<Response> {
    let id = call_param(&uri)?;
    let answered_by = required(&form, "AnsweredBy")?.to_string();
    let outcome = outcome_of(&answered_by);
    let found = state
        .db
        .write(move |tx| -> Result<_, CoreError> {
            let Some((call, tenant)) = transfer::call_of(tx, id)? else { return Ok(None) };
            let first = match call.reminder_id {
                Some(r) => store::reminders::set_call_outcome(tx, call.tenant_id, r, outcome)?,
                None => true,
            };
            let act = match (first, call.lead_id) {
                (true, Some(lead)) => Some(store::activities::add(
                    tx,
                    call.tenant_id,
                    lead,
                    ActivityKind::Call,
                    match outcome {
                        "person" => "Callback answered",
                        "machine" => "Callback reached voicemail; a short message was left",
                        _ => "Callback failed",
                    },
                    &json!({"call_id": call.id, "call_sid": call.call_sid, "direction": "outbound",
                            "reminder_id": call.reminder_id, "outcome": outcome, "answered_by": answered_by}),
                    None,
                )?),
                _ => None,
            };
            Ok(Some((call, tenant, act)))
        })
        .await?;
    let (call, tenant, act) = found.ok_or_else(|| ApiError::not_found("Call"))?;
    if let Some(act) = act {
        state.events.activity(&act);
    }
    if outcome != "person"
        && let Some(sid) = call.call_sid.as_deref()
    {
        let doc = tw::document(&tw::callback_voicemail(&tenant));
        if let Err(e) = rest::update_call(&state, sid, &[("Twiml", doc)]).await {
            tracing::warn!(error = %e, call = %call.id, "could not leave a callback's voicemail");
        }
    }
    Ok(twiml(String::new()))
}
