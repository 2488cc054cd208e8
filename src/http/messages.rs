//! `POST /api/leads/:id/message/whatsapp`: staff send a WhatsApp message.

use axum::{Json, Router, extract::State, http::HeaderMap, routing::post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiJson, ScopedLead};
use crate::{
    domain::text::{self, MESSAGE_MAX},
    error::ApiResult,
    messaging,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/leads/{id}/message/whatsapp", post(send))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WhatsAppSend)]
struct SendBody {
    text: String,
}

#[utoipa::path(
    post,
    path = "/api/leads/{id}/message/whatsapp",
    tag = "messages",
    params(("id" = i64, Path, description = "Lead id"), ("Idempotency-Key" = Option<String>, Header, description = "Up to 100 characters; a retry with the same key returns the first send")),
    request_body = SendBody,
    responses((status = 200, description = "{message_id, provider, provider_message_id}", body = serde_json::Value)),
    security(("session" = [], "csrf" = [])),
)]
async fn send(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendBody>,
) -> ApiResult<Json<Value>> {
    let text = text::required("text", &body.text, MESSAGE_MAX, true)?;
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
    let id = lead.id;
    let origin = messaging::Origin {
        actor: Some(auth.actor()),
        is_ai: false,
        audit: auth.cross_tenant_write(lead.tenant_id, format!("POST /api/leads/{id}/message/whatsapp")),
        idempotency_key,
    };
    let (message, sent) = messaging::send_to_lead(&state, &lead, &text, origin).await?;
    Ok(Json(json!({
        "message_id": message.id,
        "provider": sent.provider,
        "provider_message_id": sent.provider_message_id,
    })))
}
