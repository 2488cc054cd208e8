//! `POST /api/leads/:id/message/whatsapp`: staff send a WhatsApp message.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiJson, ScopedLead};
use crate::{
    core::sends,
    domain::text::{self, MESSAGE_MAX},
    error::ApiResult,
    state::AppState,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send))
}

/// Free `text`, or `{template: true, variables?}`: the business's approved template.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WhatsAppSend)]
struct SendBody {
    text: Option<String>,
    #[serde(default)]
    template: bool,
    variables: Option<serde_json::Map<String, Value>>,
    /// A future instant (RFC 3339): the text is queued and sent then (202 with the scheduled item).
    send_at: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/leads/{id}/message/whatsapp",
    tag = "messages",
    params(("id" = i64, Path, description = "Lead id"), ("Idempotency-Key" = Option<String>, Header, description = "Up to 100 characters; a retry with the same key returns the first send")),
    request_body = super::bodies::WhatsAppSend,
    responses(
        (status = 200, description = "{message_id, provider, provider_message_id}", body = super::answers::WhatsAppSent),
        (status = 202, description = "Queued for `send_at`", body = crate::store::scheduled::Scheduled),
    ),
    security(("session" = [], "csrf" = [])),
)]
async fn send(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if let Some(send_at) = body.send_at.as_deref() {
        let item = super::scheduled::queue(&state, &auth, &lead, body.text.as_deref(), body.template, send_at).await?;
        return Ok((StatusCode::ACCEPTED, Json(serde_json::to_value(item).unwrap_or_default())));
    }
    let outgoing = if body.template {
        if body.text.is_some() {
            return Err(crate::error::ApiError::invalid(
                "text",
                "A template carries its own text.",
                "Send {\"template\": true, \"variables\": {\"1\": \"...\"}} without text.",
            ));
        }
        let variables = body.variables.map(check_variables).transpose()?;
        sends::Outgoing::Template { variables }
    } else {
        let text = text::required("text", body.text.as_deref().unwrap_or(""), MESSAGE_MAX, true)?;
        sends::Outgoing::Text(text)
    };
    // A client that may retry (a timeout, a flaky network) sends a key: the retry returns the first send.
    let idempotency_key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let key = v.to_str().ok().map(|k| text::check("Idempotency-Key", k, 100, false)).transpose()?;
            Some(key.filter(|k| !k.is_empty()).ok_or_else(|| {
                crate::error::ApiError::invalid(
                    "Idempotency-Key",
                    "The Idempotency-Key header is empty or not text.",
                    "Send up to 100 printable characters, e.g. a UUID.",
                )
            })?)
        }
    };
    let origin = sends::Origin {
        actor: Some(auth.actor()),
        is_ai: false,
        audit: auth.cross_tenant_write(lead.tenant_id),
        idempotency_key,
        automatic: None,
    };
    let (message, sent) = sends::send_to_lead(&state, &lead, outgoing, origin).await?;
    Ok((
        StatusCode::OK,
        Json(json!({
            "message_id": message.id,
            "provider": sent.provider,
            "provider_message_id": sent.provider_message_id,
        })),
    ))
}

/// Template variables: Twilio's `{"1": "Dana", ...}`, short one-line strings.
fn check_variables(v: serde_json::Map<String, Value>) -> ApiResult<Value> {
    if v.len() > 20 {
        return Err(crate::error::ApiError::invalid("variables", "At most 20 template variables.", "Send fewer."));
    }
    let mut out = serde_json::Map::new();
    for (k, val) in v {
        let key = text::required("variables", &k, 20, false)?;
        let Some(s) = val.as_str() else {
            return Err(crate::error::ApiError::invalid(
                "variables",
                format!("Template variable `{key}` is not text."),
                "Send {\"1\": \"Dana\"}: every value a string.",
            ));
        };
        out.insert(key, Value::String(text::check("variables", s, 1000, false)?));
    }
    Ok(Value::Object(out))
}
