//! `POST /api/leads/:id/message/whatsapp`: staff send a WhatsApp message.

use axum::{Json, Router, extract::State, routing::post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiJson, ApiPath, Auth};
use crate::{
    domain::text::{self, MESSAGE_MAX},
    error::ApiResult,
    messaging,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/leads/{id}/message/whatsapp", post(send))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendBody {
    text: String,
}

async fn send(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SendBody>,
) -> ApiResult<Json<Value>> {
    let text = text::required("text", &body.text, MESSAGE_MAX, true)?;
    let lead = super::leads::load(&state, &auth, id).await?;
    let cross = auth.cross_tenant_write(lead.tenant_id, format!("POST /api/leads/{id}/message/whatsapp"));
    let (message, sent) = messaging::send_to_lead(&state, &lead, &text, Some(auth.actor()), false, cross).await?;
    Ok(Json(json!({
        "message_id": message.id,
        "provider": sent.provider,
        "provider_message_id": sent.provider_message_id,
    })))
}
