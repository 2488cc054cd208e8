//! Twilio webhooks: voice (TwiML with a one-time stream token), call and
//! message status, and inbound WhatsApp.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{
    TwilioForm,
    ingest::{InboundFile, Lookup, ingest_inbound},
};
use crate::{
    core,
    domain::ActivityKind,
    domain::phone::DEFAULT_REGION,
    domain::{LeadSource, PhoneE164, text},
    error::ApiError,
    error::ApiResult,
    state::AppState,
    store::{self, leads::Contact, tenants::Tenant},
    util::random_token,
    voice::twiml,
};

pub(super) fn twiml(body: String) -> Response {
    let mut res = (StatusCode::OK, twiml::document(&body)).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"));
    res
}

/// `whatsapp:+9725...` or `+9725...` -> E.164; a WhatsApp username stays None.
fn phone_of(raw: &str) -> Option<String> {
    let v = raw.trim().strip_prefix("whatsapp:").unwrap_or(raw.trim());
    if v.starts_with('+') || v.chars().all(|c| c.is_ascii_digit()) {
        PhoneE164::parse(if v.starts_with('+') { v.to_string() } else { format!("+{v}") }.as_str(), DEFAULT_REGION)
            .ok()
            .map(PhoneE164::into_string)
    } else {
        None
    }
}

pub(super) fn required<'a>(form: &'a TwilioForm, key: &str) -> Result<&'a str, ApiError> {
    form.get(key).filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::invalid(
            key,
            format!("`{key}` is missing from the webhook."),
            "Twilio always sends it; check the sender.",
        )
    })
}

/// An incoming call: upsert the lead, record the call, answer TwiML.
pub async fn voice(State(state): State<AppState>, form: TwilioForm) -> Result<Response, ApiError> {
    let call_sid = required(&form, "CallSid")?.to_string();
    let to = phone_of(required(&form, "To")?).unwrap_or_default();
    let from = form.get("From").and_then(phone_of);
    let ai_on = state.config.settings.openai_api_key.is_some();
    let token = random_token(24);
    let sid = call_sid.clone();
    let outcome = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let Some(tenant) = store::tenants::by_phone_unscoped(tx, &to)? else { return Ok(None) };
            if let Some(existing) = store::calls::by_sid_unscoped(tx, &sid)? {
                // Twilio retried: answer the same way, change nothing.
                return Ok(Some((tenant, existing.stream_token, None, None, None)));
            }
            let contact = Contact { phone_e164: from.clone(), whatsapp_id: None, name: None };
            if contact.phone_e164.is_none() {
                return Err(ApiError::invalid(
                    "From",
                    "The caller's number is hidden or invalid.",
                    "Anonymous calls are not recorded.",
                ));
            }
            let (lead_id, creation) = core::leads::upsert_contact(tx, tenant.id, &contact, LeadSource::Call)?;
            let created = creation.is_some();
            // A person first in hours; the AI otherwise; a voicemail when neither can answer.
            let person = person_first(&tenant);
            let status = if ai_on || person.is_some() { "ringing" } else { "missed" };
            let call = store::calls::insert(
                tx,
                tenant.id,
                &store::calls::NewCall {
                    lead_id,
                    call_sid: &sid,
                    stream_token: ai_on.then_some(token.as_str()),
                    from_e164: from.as_deref(),
                    to_e164: &to,
                    status,
                },
            )?;
            let act = store::activities::add(
                tx,
                tenant.id,
                lead_id,
                ActivityKind::Call,
                if status == "missed" { "Missed call (nobody could answer; voicemail offered)" } else { "" },
                &json!({"call_id": call.id, "call_sid": sid, "status": status, "direction": "inbound"}),
                None,
            )?;
            let missed = (status == "missed").then_some(lead_id);
            Ok(Some((tenant, call.stream_token, Some(act), created.then_some(lead_id), missed)))
        })
        .await;
    let outcome = match outcome {
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            return Ok(twiml("<Say>Sorry, we cannot take anonymous calls.</Say><Hangup/>".into()));
        }
        other => other?,
    };
    let Some((tenant, token, act, created_lead, missed)) = outcome else {
        tracing::info!("call to a number no business uses");
        return Ok(twiml(
            "<Say language=\"he-IL\">המספר שחייגתם אינו מחובר לשירות.</Say>\
             <Say>The number you have called is not in service.</Say><Hangup/>"
                .into(),
        ));
    };
    let tenant_id = tenant.id;
    if let Some(lead_id) = created_lead {
        state.events.publish(tenant_id, "lead.created", json!({"lead_id": lead_id}));
    }
    if let Some(act) = act {
        state.events.activity(&act);
    }
    if let Some(lead_id) = missed {
        crate::core::missed_call::spawn_follow_up(&state, tenant_id, lead_id);
    }
    let config = &state.config;
    Ok(twiml(match (person_first(&tenant), token) {
        (Some(forward), _) => twiml::dial_person(config, &forward),
        (None, Some(token)) if ai_on => twiml::stream(config, &token),
        _ => twiml::voicemail(config, &tenant),
    }))
}

/// The number a person answers, when the business is open and has one.
fn person_first(tenant: &Tenant) -> Option<String> {
    let forward = tenant.forward_e164.clone()?;
    tenant.schedule().state_at(chrono::Utc::now()).open_now.then_some(forward)
}

/// Twilio's report on ringing the person (`DialCallStatus`): answered, the
/// call is theirs; otherwise the AI takes it, or a voicemail when there is no AI.
pub async fn dial_result(State(state): State<AppState>, form: TwilioForm) -> Result<Response, ApiError> {
    let sid = required(&form, "CallSid")?.to_string();
    let answered = form.get("DialCallStatus") == Some("completed");
    let ai_on = state.config.settings.openai_api_key.is_some();
    let found = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let Some(call) = store::calls::by_sid_unscoped(tx, &sid)? else { return Ok(None) };
            let tenant = store::tenants::get(tx, call.tenant_id)?.ok_or_else(|| ApiError::not_found("Business"))?;
            let stream = call.stream_token.clone().filter(|_| ai_on && !answered);
            if answered {
                store::calls::set_answered_by(tx, call.tenant_id, call.id, "person")?;
            } else if stream.is_none() {
                store::calls::finish(tx, call.tenant_id, call.id, "missed", None, None)?;
            }
            Ok(Some((tenant, call, stream)))
        })
        .await?;
    let Some((tenant, call, stream)) = found else { return Err(ApiError::not_found("Call")) };
    if answered {
        return Ok(twiml("<Hangup/>".into()));
    }
    match stream {
        Some(token) => Ok(twiml(twiml::stream(&state.config, &token))),
        None => {
            if let Some(lead_id) = call.lead_id {
                crate::core::missed_call::spawn_follow_up(&state, tenant.id, lead_id);
            }
            Ok(twiml(twiml::voicemail(&state.config, &tenant)))
        }
    }
}

/// A voicemail was recorded (`RecordingStatusCallback`): it goes on the lead's timeline,
/// once per `RecordingSid` per business however often Twilio delivers it.
pub async fn recording(State(state): State<AppState>, form: TwilioForm) -> Result<Json<Value>, ApiError> {
    let sid = required(&form, "CallSid")?.to_string();
    if form.get("RecordingStatus").is_some_and(|s| s != "completed") {
        return Ok(Json(json!({"ok": true, "ignored": form.get("RecordingStatus")})));
    }
    let url = required(&form, "RecordingUrl")?.to_string();
    if !url.starts_with("https://") {
        return Err(ApiError::invalid(
            "RecordingUrl",
            "The recording URL is not https.",
            "Send Twilio's RecordingUrl.",
        ));
    }
    let seconds: Option<i64> = form.get("RecordingDuration").and_then(|d| d.parse().ok());
    // The recording's URL ends in its sid too: a delivery without the field is still applied once.
    let recording_sid = form.get("RecordingSid").filter(|s| !s.is_empty()).unwrap_or(&url).to_string();
    let outcome = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let Some(call) = store::calls::by_sid_unscoped(tx, &sid)? else { return Ok(Recorded::NoCall) };
            if call.lead_id.is_some()
                && !store::messages::first_delivery(tx, call.tenant_id, RECORDING_KEYS, &recording_sid)?
            {
                return Ok(Recorded::Again);
            }
            store::calls::set_recording(tx, call.tenant_id, call.id, &url)?;
            let Some(lead_id) = call.lead_id else { return Ok(Recorded::NoCall) };
            Ok(Recorded::New(store::activities::add(
                tx,
                call.tenant_id,
                lead_id,
                ActivityKind::Voicemail,
                "",
                &json!({"call_id": call.id, "recording_url": url, "duration_s": seconds}),
                None,
            )?))
        })
        .await?;
    match outcome {
        Recorded::New(a) => {
            state.events.activity(&a);
            Ok(Json(json!({"ok": true})))
        }
        // Twilio redelivers when it missed our answer; the first one was applied.
        Recorded::Again => Ok(Json(json!({"ok": true, "duplicate": true}))),
        Recorded::NoCall => Err(ApiError::not_found("Call")),
    }
}

/// The processed-webhook keys of recording callbacks (apart from message sids).
const RECORDING_KEYS: &str = "twilio_recording";

enum Recorded {
    New(store::activities::Activity),
    Again,
    NoCall,
}

/// Call status (CallSid/CallStatus/CallDuration) or message delivery status
/// (MessageSid/MessageStatus).
pub async fn status(State(state): State<AppState>, form: TwilioForm) -> Result<Json<Value>, ApiError> {
    if let (Some(sid), Some(st)) = (form.get("MessageSid"), form.get("MessageStatus")) {
        let status = match st {
            "accepted" | "queued" | "scheduled" => "queued",
            "sending" | "sent" => "sent",
            "delivered" => "delivered",
            "read" => "read",
            "failed" | "undelivered" => "failed",
            // Anything new from Twilio is acknowledged and changes nothing.
            _ => return Ok(Json(json!({"ok": true, "ignored": st}))),
        };
        let code = form.get("ErrorCode").filter(|c| !c.is_empty()).map(str::to_string);
        let sid = sid.to_string();
        return super::delivery_report(&state, "twilio", sid, status, code).await.map(Json);
    }
    let sid = required(&form, "CallSid")?.to_string();
    let call_status = required(&form, "CallStatus")?.replace('-', "_");
    let duration: Option<i64> = form.get("CallDuration").and_then(|d| d.parse().ok());
    let status = match call_status.as_str() {
        "completed" | "busy" | "failed" | "no_answer" | "canceled" | "in_progress" | "ringing" => call_status.clone(),
        "queued" | "initiated" => "ringing".into(),
        _ => "completed".into(),
    };
    let done = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let Some(call) = store::calls::by_sid_unscoped(tx, &sid)? else { return Ok(None) };
            let final_state = !matches!(status.as_str(), "ringing" | "in_progress");
            // A missed call keeps its status; a bridged call's end is recorded by the media stream too.
            let status = if call.status == "missed" { "missed".to_string() } else { status.clone() };
            store::calls::finish(tx, call.tenant_id, call.id, &status, duration, None)?;
            // A callback nobody took: its reminder learns why.
            let outcome = match status.as_str() {
                "busy" => Some("busy"),
                "no_answer" => Some("no_answer"),
                "failed" | "canceled" => Some("failed"),
                _ => None,
            }
            .filter(|_| call.direction == "outbound");
            if let (Some(outcome), Some(reminder)) = (outcome, call.reminder_id) {
                store::reminders::set_call_outcome(tx, call.tenant_id, reminder, outcome)?;
            }
            let act = match (final_state, call.lead_id) {
                (true, Some(lead_id)) => Some(store::activities::add(
                    tx,
                    call.tenant_id,
                    lead_id,
                    ActivityKind::Call,
                    "",
                    &json!({"call_id": call.id, "call_sid": sid, "status": status, "duration_s": duration, "ended": true,
                            "answered_by": call.answered_by, "direction": call.direction,
                            "reminder_id": call.reminder_id, "outcome": outcome}),
                    None,
                )?),
                _ => None,
            };
            Ok(Some(act))
        })
        .await?;
    match done {
        None => Err(ApiError::not_found("Call")),
        Some(Some(act)) => {
            state.events.activity(&act);
            Ok(Json(json!({"ok": true})))
        }
        Some(_) => Ok(Json(json!({"ok": true}))),
    }
}

/// Inbound WhatsApp through Twilio.
pub async fn whatsapp(State(state): State<AppState>, form: TwilioForm) -> Result<Json<Value>, ApiError> {
    let message_sid = required(&form, "MessageSid")?.to_string();
    let from_raw = required(&form, "From")?.to_string();
    let to = phone_of(required(&form, "To")?).unwrap_or_default();
    let body = form.get("Body").unwrap_or("").to_string();
    let name = form.get("ProfileName").map(text::clean_name);
    let from_phone = phone_of(&from_raw);
    let whatsapp_id = match &from_phone {
        Some(_) => form.get("WaId").filter(|w| !w.is_empty()).map(str::to_string),
        None => Some(from_raw.trim().trim_start_matches("whatsapp:").to_string()).filter(|w| !w.is_empty()),
    };
    let n_media: usize = form.get("NumMedia").and_then(|n| n.parse().ok()).unwrap_or(0).min(10);
    let files: Vec<InboundFile> = (0..n_media)
        .filter_map(|i| {
            let url =
                form.get(&format!("MediaUrl{i}")).filter(|u| u.starts_with("https://") || u.starts_with("http://"))?;
            let content_type = form.get(&format!("MediaContentType{i}")).unwrap_or("application/octet-stream");
            Some(InboundFile {
                kind: store::media::kind_of(content_type),
                content_type: content_type.to_string(),
                source: url.to_string(),
            })
        })
        .collect();
    let contact = Contact { phone_e164: from_phone, whatsapp_id, name };
    if contact.phone_e164.is_none() && contact.whatsapp_id.is_none() {
        return Err(ApiError::invalid(
            "From",
            "`From` names no sender.",
            "Twilio sends whatsapp:+<number> or whatsapp:<user id>.",
        ));
    }
    let outcome =
        ingest_inbound(&state, Lookup::WhatsAppNumber(to), "twilio", message_sid, contact, body, files).await?;
    Ok(Json(outcome))
}
