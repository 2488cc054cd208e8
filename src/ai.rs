//! AI replies on WhatsApp: after an inbound message commits, a background
//! task asks an OpenAI-compatible chat completions API for a reply, with the
//! business's `whatsapp_prompt` read from the database at that moment as the
//! system message and the lead's recent messages as the conversation, then
//! sends it through the messaging providers. Failures land on the lead's
//! timeline as `ai_error`, never silently.

use serde_json::{Value, json};

use crate::{
    domain::{ActivityKind, LeadId, Scope, TenantId},
    error::ApiResult,
    messaging,
    state::AppState,
    store::{self},
};

const HISTORY: i64 = 20;
/// At most this many AI replies to one lead in an hour: a customer (or a bot)
/// writing in a loop cannot make the AI talk, and spend, without end.
pub const MAX_REPLIES_PER_HOUR: i64 = 20;

/// Starts a reply in the background if AI is configured for this business.
pub fn spawn_whatsapp_reply(state: &AppState, tenant_id: TenantId, lead_id: LeadId) {
    if state.config.settings.openai_api_key.is_none() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = reply(&state, tenant_id, lead_id).await {
            tracing::warn!(tenant = tenant_id.0, lead = lead_id.0, %error, "AI reply failed");
            let result = state
                .db
                .write(move |tx| -> ApiResult<_> {
                    Ok(store::activities::add(
                        tx,
                        tenant_id,
                        lead_id,
                        ActivityKind::AiError,
                        &error,
                        &json!({"channel": "whatsapp"}),
                        None,
                    )?)
                })
                .await;
            match result {
                Ok(a) => state.events.activity(&a),
                Err(e) => tracing::error!(error = %e, "could not record an AI failure"),
            }
        }
    });
}

async fn reply(state: &AppState, tenant_id: TenantId, lead_id: LeadId) -> Result<(), String> {
    let (tenant, prompts, lead, history, recent_replies) = state
        .db
        .read(move |c| -> ApiResult<_> {
            Ok((
                store::tenants::get(c, tenant_id)?,
                store::prompts::get(c, tenant_id)?,
                store::leads::get(c, Scope::Tenant(tenant_id), lead_id)?,
                store::messages::recent_for_lead(c, tenant_id, lead_id, HISTORY)?,
                store::messages::ai_replies_in_last_hour(c, tenant_id, lead_id)?,
            ))
        })
        .await
        .map_err(|_| "the database could not be read".to_string())?;
    let (Some(tenant), Some(lead)) = (tenant, lead) else { return Ok(()) };
    if !tenant.ai_auto_reply || prompts.whatsapp_prompt.trim().is_empty() {
        return Ok(());
    }
    if recent_replies >= MAX_REPLIES_PER_HOUR {
        tracing::warn!(tenant = tenant_id.0, lead = lead_id.0, "AI reply skipped: hourly limit for this lead reached");
        note_reply_limit(state, tenant_id, lead_id).await;
        return Ok(());
    }
    let mut messages = vec![json!({"role": "system", "content": prompts.whatsapp_prompt})];
    for m in history.iter().filter(|m| !m.body.is_empty()) {
        let role = if m.direction == "in" { "user" } else { "assistant" };
        messages.push(json!({"role": role, "content": m.body}));
    }
    let text = complete(state, &messages).await?;
    let origin = messaging::Origin { actor: None, is_ai: true, audit: None, idempotency_key: None };
    messaging::send_to_lead(state, &lead, &text, origin).await.map_err(|e| e.message)?;
    Ok(())
}

/// Says on the timeline, once an hour at most, that the AI stopped answering this lead.
async fn note_reply_limit(state: &AppState, tenant_id: TenantId, lead_id: LeadId) {
    let text = format!(
        "The AI stopped answering this lead: {MAX_REPLIES_PER_HOUR} replies in the last hour. A person should take over."
    );
    let result = state
        .db
        .write(move |tx| -> ApiResult<_> {
            if store::activities::recent_ai_error(tx, tenant_id, lead_id, "reply_limit")? {
                return Ok(None);
            }
            let data = json!({"channel": "whatsapp", "reason": "reply_limit"});
            Ok(Some(store::activities::add(tx, tenant_id, lead_id, ActivityKind::AiError, &text, &data, None)?))
        })
        .await;
    match result {
        Ok(Some(a)) => state.events.activity(&a),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "could not record the AI reply limit"),
    }
}

/// One chat completion; the reply text. Counted and timed for `/metrics`.
async fn complete(state: &AppState, messages: &[Value]) -> Result<String, String> {
    let start = std::time::Instant::now();
    let result = complete_once(state, messages).await;
    crate::metrics::METRICS.ai_call(start.elapsed(), result.is_ok());
    result
}

async fn complete_once(state: &AppState, messages: &[Value]) -> Result<String, String> {
    let s = &state.config.settings;
    let url = format!("{}/chat/completions", s.openai_base_url.as_str().trim_end_matches('/'));
    let res = state
        .http
        .post(url)
        .bearer_auth(s.openai_api_key.as_deref().unwrap_or_default())
        .json(&json!({"model": s.openai_chat_model, "messages": messages}))
        .timeout(std::time::Duration::from_secs(60))
        .send()
        .await
        .map_err(|e| {
            // The detail (URL, library error) is for the log only; the timeline gets a plain reason.
            tracing::warn!(error = %e, "AI service request failed");
            if e.is_timeout() {
                "the AI service timed out".to_string()
            } else {
                "the AI service could not be reached".to_string()
            }
        })?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        tracing::warn!(%status, error = %body["error"]["message"].as_str().unwrap_or(""), "AI service refused a request");
        return Err(format!("the AI service refused the request (HTTP {})", status.as_u16()));
    }
    body["choices"][0]["message"]["content"]
        .as_str()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .ok_or_else(|| "the AI service answered without a reply".into())
}
