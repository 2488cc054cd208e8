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
    ingest::{Lookup, ingest_inbound},
};
use crate::{
    domain::ActivityKind,
    domain::{LeadSource, PhoneE164},
    error::ApiError,
    error::ApiResult,
    state::AppState,
    store::{self, leads::Contact},
    util::random_token,
};

fn twiml(body: String) -> Response {
    let mut res = (StatusCode::OK, format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>{body}</Response>"))
        .into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"));
    res
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// `whatsapp:+9725...` or `+9725...` -> E.164; a WhatsApp username stays None.
fn phone_of(raw: &str) -> Option<String> {
    let v = raw.trim().strip_prefix("whatsapp:").unwrap_or(raw.trim());
    if v.starts_with('+') || v.chars().all(|c| c.is_ascii_digit()) {
        PhoneE164::parse(if v.starts_with('+') { v.to_string() } else { format!("+{v}") }.as_str(), "IL")
            .ok()
            .map(PhoneE164::into_string)
    } else {
        None
    }
}

fn required<'a>(form: &'a TwilioForm, key: &str) -> Result<&'a str, ApiError> {
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
                return Ok(Some((tenant.id, existing.stream_token, None, None, None)));
            }
            let contact = Contact { phone_e164: from.clone(), whatsapp_id: None, name: None };
            if contact.phone_e164.is_none() {
                return Err(ApiError::invalid(
                    "From",
                    "The caller's number is hidden or invalid.",
                    "Anonymous calls are not recorded.",
                ));
            }
            let (lead_id, created) = store::leads::upsert_contact(tx, tenant.id, &contact, LeadSource::Call)?;
            let status = if ai_on { "ringing" } else { "missed" };
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
            if created {
                store::activities::add(
                    tx,
                    tenant.id,
                    lead_id,
                    ActivityKind::Created,
                    "",
                    &json!({"source": LeadSource::Call}),
                    None,
                )?;
            }
            let act = store::activities::add(
                tx,
                tenant.id,
                lead_id,
                ActivityKind::Call,
                if ai_on { "" } else { "Missed call (the AI agent is not configured)" },
                &json!({"call_id": call.id, "call_sid": sid, "status": status, "direction": "inbound"}),
                None,
            )?;
            let missed = (!ai_on).then_some(lead_id);
            Ok(Some((tenant.id, call.stream_token, Some(act), created.then_some(lead_id), missed)))
        })
        .await;
    let outcome = match outcome {
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            return Ok(twiml("<Say>Sorry, we cannot take anonymous calls.</Say><Hangup/>".into()));
        }
        other => other?,
    };
    let Some((tenant_id, token, act, created_lead, missed)) = outcome else {
        tracing::info!("call to a number no business uses");
        return Ok(twiml(
            "<Say language=\"he-IL\">המספר שחייגתם אינו מחובר לשירות.</Say>\
             <Say>The number you have called is not in service.</Say><Hangup/>"
                .into(),
        ));
    };
    if let Some(lead_id) = created_lead {
        state.events.publish(tenant_id, "lead.created", json!({"lead_id": lead_id}));
    }
    if let Some(act) = act {
        state.events.activity(&act);
    }
    if let Some(lead_id) = missed {
        crate::messaging::missed_call::spawn_follow_up(&state, tenant_id, lead_id);
    }
    match token {
        Some(token) if ai_on => Ok(twiml(format!(
            "<Connect><Stream url=\"{}\"><Parameter name=\"token\" value=\"{}\"/></Stream></Connect>",
            xml_escape(&state.config.stream_url),
            xml_escape(&token)
        ))),
        _ => Ok(twiml(
            "<Say language=\"he-IL\">שלום, תודה שהתקשרתם. כרגע איננו זמינים, נחזור אליכם בהקדם.</Say>\
             <Say>Thank you for calling. We will call you back soon.</Say><Hangup/>"
                .into(),
        )),
    }
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
            let act = match (final_state, call.lead_id) {
                (true, Some(lead_id)) => Some(store::activities::add(
                    tx,
                    call.tenant_id,
                    lead_id,
                    ActivityKind::Call,
                    "",
                    &json!({"call_id": call.id, "call_sid": sid, "status": status, "duration_s": duration, "ended": true}),
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
    let name = form.get("ProfileName").map(str::to_string);
    let from_phone = phone_of(&from_raw);
    let whatsapp_id = match &from_phone {
        Some(_) => form.get("WaId").filter(|w| !w.is_empty()).map(str::to_string),
        None => Some(from_raw.trim().trim_start_matches("whatsapp:").to_string()).filter(|w| !w.is_empty()),
    };
    let n_media: usize = form.get("NumMedia").and_then(|n| n.parse().ok()).unwrap_or(0).min(10);
    let media: Vec<Value> = (0..n_media)
        .filter_map(|i| {
            let url = form.get(&format!("MediaUrl{i}"))?;
            Some(json!({"url": url, "content_type": form.get(&format!("MediaContentType{i}"))}))
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
        ingest_inbound(&state, Lookup::WhatsAppNumber(to), "twilio", message_sid, contact, body, Value::Array(media))
            .await?;
    Ok(Json(outcome))
}
