//! Layers of the router that shape answers after the handler: every error
//! under the API paths in the one JSON shape, 5xx logged with their request
//! id, and the audit of writes made while impersonating.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::csrf;
use crate::{error::ApiError, state::AppState, store};

/// Makes sure every error answer under `/api`, `/webhook` and `/ws` is the
/// `{error, message, hint}` JSON shape, even when a layer (timeout, body limit, method
/// routing) produced it.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let api = ["/api", "/webhook/", "/ws/", "/healthz", "/readyz", "/livez", "/version"]
        .iter()
        .any(|p| req.uri().path().starts_with(p));
    let res = next.run(req).await;
    let status = res.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let ct = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ct.starts_with("application/json") || ct.starts_with("text/xml") || ct.starts_with("application/xml") {
        return res;
    }
    let (code, message, hint) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "This method is not allowed on this path.", "Check the method in the API list.")
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("payload_too_large", "The request body is too large.", "Send a smaller body.")
        }
        StatusCode::REQUEST_TIMEOUT => ("timeout", "The request took too long.", "Try again."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "This endpoint accepts only JSON bodies.",
            "Send Content-Type: application/json.",
        ),
        s if s.is_server_error() => ("internal_error", "Something went wrong on our side.", "Try again in a moment."),
        _ => ("invalid_request", "The request could not be handled.", "Check the method, path and body."),
    };
    let mut out = ApiError::new(status, code, message, hint).into_response();
    for (k, v) in res.headers() {
        if k == header::ALLOW || k == header::SET_COOKIE || k == header::RETRY_AFTER {
            out.headers_mut().append(k, v.clone());
        }
    }
    out
}

/// Every 5xx answer carries the request id in its body (the header has it
/// too), so the id a user reports finds the log lines; and the failure is
/// logged here, inside the request's span. Runs outside `CatchPanicLayer`,
/// so a panicking handler's 500 gets its id as well.
pub async fn server_errors(req: Request, next: Next) -> Response {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let res = next.run(req).await;
    if !res.status().is_server_error() {
        return res;
    }
    let detail = res.extensions().get::<crate::error::ErrorDetail>().map(|d| d.0.clone());
    tracing::error!(status = res.status().as_u16(), detail = detail.as_deref().unwrap_or("-"), "request failed");
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    let Some(id) = id.filter(|_| is_json) else { return res };
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return ApiError::internal("could not read an error body").into_response();
    };
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| serde_json::json!({}));
    if let Some(obj) = value.as_object_mut() {
        obj.insert("request_id".into(), id.into());
    }
    let out = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// Writes an audit row for every successful write made while impersonating,
/// naming the real admin. Impersonate/exit audit themselves. Who is asking
/// comes from the `Auth` the handler's extractor computed (left in the slot
/// this layer hands down), never from raw session fields.
pub async fn audit_impersonated_writes(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Reads are never audited: they pass without the slot's allocation.
    if !csrf::is_write(req.method()) {
        return next.run(req).await;
    }
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let slot = super::extract::AuthSlot::default();
    req.extensions_mut().insert(slot.clone());
    let res = next.run(req).await;
    if !res.status().is_success() || path.starts_with("/api/admin/impersonate") || path.ends_with("/impersonate") {
        return res;
    }
    let Some(auth) = slot.get() else { return res };
    if let Some(imp) = auth.impersonation {
        let mut entry = auth.audit("impersonated.write", format!("{method} {path}"), serde_json::Value::Null);
        entry.tenant_id = Some(imp.tenant_id);
        if let Err(e) = state.db.write(move |tx| store::audit::record(tx, entry)).await {
            tracing::error!(error = %e, "could not audit an impersonated write");
        }
    }
    res
}
