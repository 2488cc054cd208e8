//! Webhooks in: Twilio voice, status and WhatsApp,
//! and the Baileys bridge (Evolution API). CSRF-exempt by path; each is
//! authenticated by Twilio's signature or the bridge's secret instead.
//! Every ingest is one write transaction, idempotent on the provider's
//! message id through a unique key, and answered 2xx only once committed.

mod baileys;
mod callback;
mod ingest;
use crate::messaging::twilio_signature as signature;
mod transfer;
mod twilio;

use axum::{
    Router,
    body::Bytes,
    extract::{FromRequest, Request},
    http::StatusCode,
    routing::post,
};

use crate::{error::ApiError, state::AppState, util::ct_eq};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhook/twilio/voice", post(twilio::voice))
        .route("/webhook/twilio/status", post(twilio::status))
        .route("/webhook/twilio/dial-result", post(twilio::dial_result))
        .route("/webhook/twilio/recording", post(twilio::recording))
        .route("/webhook/twilio/whatsapp", post(twilio::whatsapp))
        .route("/webhook/twilio/hold", post(transfer::hold))
        .route("/webhook/twilio/whisper", post(transfer::whisper))
        .route("/webhook/twilio/transfer-status", post(transfer::transfer_status))
        .route("/webhook/twilio/transfer-result", post(transfer::transfer_result))
        .route("/webhook/twilio/outbound", post(callback::answered))
        .route("/webhook/twilio/amd", post(callback::amd))
        .route("/webhook/baileys", post(baileys::webhook))
}

fn invalid_signature(message: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "invalid_signature",
        message,
        "Webhooks must come from the provider, signed with the configured credentials.",
    )
}

/// The public URL Twilio called: FRONTDESK_PUBLIC_URL's origin and path
/// prefix + this request's path and query (never the bind address).
pub fn public_url_of(state: &AppState, path_and_query: &str) -> String {
    format!("{}{path_and_query}", state.config.public_base)
}

/// Form parameters of a Twilio webhook whose `X-Twilio-Signature` checked out.
pub struct TwilioForm(pub Vec<(String, String)>);

impl TwilioForm {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl FromRequest<AppState> for TwilioForm {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = state.config.settings.twilio_auth_token.clone() else {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "provider_unavailable",
                "Twilio webhooks are not configured on this server.",
                "Set FRONTDESK_TWILIO_AUTH_TOKEN (and FRONTDESK_PUBLIC_URL to the address Twilio calls); \
                 unsigned webhooks are never accepted.",
            ));
        };
        let signature = req.headers().get("x-twilio-signature").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let pq = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(e.to_string(), "Send a form body."))?;
        let params: Vec<(String, String)> =
            form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let Some(signature) = signature else { return Err(invalid_signature("X-Twilio-Signature is missing.")) };
        if !signature::valid(&token, &public_url_of(state, &pq), &params, &signature) {
            tracing::warn!(path = %pq, "Twilio signature mismatch");
            return Err(invalid_signature("X-Twilio-Signature does not match."));
        }
        Ok(TwilioForm(params))
    }
}

/// The JSON body of a bridge (Evolution API) webhook whose secret checked
/// out (body `apikey` or `X-Webhook-Secret`) and which is an event object.
pub struct BridgeEvent(pub serde_json::Value);

impl FromRequest<AppState> for BridgeEvent {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = req.headers().get("x-webhook-secret").and_then(|v| v.to_str().ok()).map(str::to_owned);
        // Any JSON first: the secret is checked before the body's shape is judged.
        let axum::Json(body) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        check_bridge_secret(state, header.as_deref(), body["apikey"].as_str())?;
        if !body.is_object() {
            return Err(ApiError::bad_request(
                "The webhook body must be a JSON object.",
                "Send the Evolution API event unchanged: {\"event\": ..., \"instance\": ..., \"data\": {...}}.",
            ));
        }
        Ok(BridgeEvent(body))
    }
}

/// Checks the bridge's shared secret (body `apikey` or `X-Webhook-Secret`).
pub fn check_bridge_secret(state: &AppState, header: Option<&str>, body_key: Option<&str>) -> Result<(), ApiError> {
    let Some(secret) = state.config.settings.baileys_secret.as_deref() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "provider_unavailable",
            "The Baileys bridge is not configured on this server.",
            "Set FRONTDESK_BAILEYS_SECRET to the bridge's apikey (and FRONTDESK_BAILEYS_URL).",
        ));
    };
    let header_ok = header.is_some_and(|h| ct_eq(h, secret));
    let body_ok = body_key.is_some_and(|k| ct_eq(k, secret));
    if header_ok | body_ok { Ok(()) } else { Err(invalid_signature("The bridge secret is missing or wrong.")) }
}

/// Applies a provider's delivery report and tells the UI; 404 for a message we never sent.
pub(crate) async fn delivery_report(
    state: &AppState,
    provider: &'static str,
    provider_message_id: String,
    status: &'static str,
    error_code: Option<String>,
) -> Result<serde_json::Value, ApiError> {
    let updated = state
        .db
        .write(move |tx| -> crate::error::ApiResult<_> {
            let m = crate::store::messages::record_delivery_unscoped(
                tx,
                provider,
                &provider_message_id,
                status,
                error_code.as_deref(),
            )?;
            if m.is_none() && !crate::store::messages::outgoing_exists_unscoped(tx, provider, &provider_message_id)? {
                return Err(ApiError::not_found("Message"));
            }
            Ok(m)
        })
        .await?;
    if let Some(m) = updated {
        state.events.publish(
            m.tenant_id,
            "message.status",
            serde_json::json!({"lead_id": m.lead_id, "message_id": m.id, "status": m.status, "error_code": m.error_code}),
        );
    }
    Ok(serde_json::json!({"ok": true}))
}
