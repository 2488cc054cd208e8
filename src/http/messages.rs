//! `POST /api/leads/:id/message/whatsapp`: staff send a WhatsApp message:
//! JSON (text or the approved template), or `multipart/form-data` with one
//! file (JPEG, PNG, WebP or PDF, known by its first bytes) and a caption.
//! The body is read by hand, once and bounded: the app's body limit (for
//! JSON) or FRONTDESK_MEDIA_MAX_MB (for a file), so a file is held in one
//! buffer from the socket to the database and the provider.

use axum::{
    Json,
    body::{Body, Bytes},
    extract::{FromRequest, Request, State},
    http::{HeaderMap, StatusCode, header},
};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiJson, ScopedLead};
use crate::{
    core::sends,
    domain::text::{self, MESSAGE_MAX},
    domain::time::unix_now,
    error::{ApiError, ApiResult},
    media::{link, sniff},
    messaging::MediaFile,
    state::AppState,
    store::{self, leads::Lead},
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
    request_body(content(
        (super::bodies::WhatsAppSend = "application/json"),
        (super::bodies::WhatsAppFile = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "{message_id, provider, provider_message_id}", body = super::answers::WhatsAppSent),
        (status = 202, description = "Queued for `send_at`", body = crate::store::scheduled::Scheduled),
        (status = 413, description = "The file is over FRONTDESK_MEDIA_MAX_MB (16 MB by default)", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON or multipart, or the file is not JPEG, PNG, WebP or PDF", body = crate::error::ErrorBody),
    ),
    security(("session" = [], "csrf" = [])),
)]
async fn send(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    req: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (parts, body) = req.into_parts();
    let headers = parts.headers.clone();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let outgoing = if let Some(boundary) = super::multipart::boundary(content_type) {
        let max = state.config.settings.media_max_bytes();
        // The file, the caption and the parts' headers.
        let raw = read_bounded(&headers, body, max + 64 * 1024, state.config.settings.media_max_mb).await?;
        file_outgoing(&state, &lead, raw, &boundary).await?
    } else {
        let limit = state.config.settings.body_limit_kb * 1024;
        let raw = axum::body::to_bytes(body, limit).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The request body is too large.",
                "Send a smaller body.",
            )
        })?;
        let ApiJson(body) =
            ApiJson::<SendBody>::from_request(Request::from_parts(parts, Body::from(raw)), &state).await?;
        if let Some(send_at) = body.send_at.as_deref() {
            let item =
                super::scheduled::queue(&state, &auth, &lead, body.text.as_deref(), body.template, send_at).await?;
            return Ok((StatusCode::ACCEPTED, Json(serde_json::to_value(item).unwrap_or_default())));
        }
        json_outgoing(body)?
    };
    // A client that may retry (a timeout, a flaky network) sends a key: the retry returns the first send.
    let idempotency_key = idempotency_key(&headers)?;
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

/// The body, into one buffer sized once, refused (413) as soon as it passes
/// `limit`. The rest of a too-large upload is read and dropped (up to a
/// bound), so the client gets to read the 413 instead of a reset connection.
async fn read_bounded(headers: &HeaderMap, body: Body, limit: usize, max_mb: u64) -> ApiResult<Bytes> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let drain_limit = limit.saturating_mul(4);
    if declared.is_some_and(|n: usize| n > drain_limit) {
        return Err(super::media::too_large(max_mb));
    }
    let mut buf = Vec::with_capacity(declared.unwrap_or(64 * 1024).min(limit));
    let (mut seen, mut over) = (0usize, false);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("The upload was cut off: {e}"), "Send it again."))?;
        seen += chunk.len();
        over |= seen > limit;
        if seen > drain_limit {
            break;
        }
        if !over {
            buf.extend_from_slice(&chunk);
        }
    }
    if over {
        return Err(super::media::too_large(max_mb));
    }
    Ok(Bytes::from(buf))
}

/// One `file` part (JPEG, PNG, WebP or PDF) and an optional `caption`:
/// the file is stored first, so it is on our side of the conversation and
/// Twilio can fetch it from its signed link.
async fn file_outgoing(state: &AppState, lead: &Lead, raw: Bytes, boundary: &str) -> ApiResult<sends::Outgoing> {
    let hint = "Send multipart/form-data with one `file` part (JPEG, PNG, WebP or PDF) and an optional `caption`.";
    let parts = super::multipart::parse(&raw, boundary).map_err(|why| ApiError::bad_request(why, hint))?;
    let (mut file, mut caption) = (None, String::new());
    for p in parts {
        match p.name.as_str() {
            "file" if file.is_none() => file = Some(p),
            "caption" => {
                let text = std::str::from_utf8(&p.data)
                    .map_err(|_| ApiError::invalid("caption", "The caption is not UTF-8 text.", hint))?;
                caption = text::check("caption", text, MESSAGE_MAX, true)?;
            }
            other => {
                return Err(ApiError::invalid(other, format!("Unexpected part `{other}` (one file only)."), hint));
            }
        }
    }
    let Some(file) = file else { return Err(ApiError::invalid("file", "The upload has no `file` part.", hint)) };
    let max_mb = state.config.settings.media_max_mb;
    if file.data.len() > state.config.settings.media_max_bytes() {
        return Err(super::media::too_large(max_mb));
    }
    if file.data.is_empty() {
        return Err(ApiError::invalid("file", "The file is empty.", hint));
    }
    let Some(content_type) = sniff::sendable_type(&file.data) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Only JPEG, PNG and WebP images and PDF documents can be sent.",
            "Convert the file to one of those types.",
        ));
    };
    let file_name = file
        .file_name
        .as_deref()
        .map(text::clean_name)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(100).collect());
    let (tenant_id, lead_id) = (lead.tenant_id, lead.id);
    let (bytes, name) = (file.data.clone(), file_name.clone());
    let (id, key) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let id = store::media::insert_upload(tx, tenant_id, lead_id, content_type, name.as_deref(), &bytes)?;
            Ok((id, store::keys::get_or_create(tx, link::KEY_NAME, 32)?))
        })
        .await?;
    let token = link::token(&key, id, unix_now() + link::LIFETIME_SECS);
    Ok(sends::Outgoing::Media(MediaFile {
        id,
        bytes: file.data,
        content_type,
        file_name,
        caption,
        link: format!("{}/media/{token}", state.config.public_base),
    }))
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v.to_str().ok().map(|k| text::check("Idempotency-Key", k, 100, false)).transpose()?;
            Ok(Some(key.filter(|k| !k.is_empty()).ok_or_else(|| {
                crate::error::ApiError::invalid(
                    "Idempotency-Key",
                    "The Idempotency-Key header is empty or not text.",
                    "Send up to 100 printable characters, e.g. a UUID.",
                )
            })?))
        }
    }
}

fn json_outgoing(body: SendBody) -> ApiResult<sends::Outgoing> {
    Ok(if body.template {
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
    })
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
