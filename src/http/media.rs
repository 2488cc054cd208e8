//! Files of WhatsApp messages: `GET /api/media/{id}` for the business's
//! signed-in users (another business's file is 404), and `GET /media/{token}`,
//! the signed, expiring link Twilio fetches a file we send from (no session:
//! the token is the permission; it is a GET, so the CSRF layer lets it by).

use axum::{
    body::Body,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::extract::{ApiPath, Auth};
use crate::{
    domain::Scope,
    domain::time::unix_now,
    error::{ApiError, ApiResult},
    media::{link, sniff},
    state::AppState,
    store,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_one)).routes(routes!(by_link))
}

/// The bytes with their type, never sniffed, never run as a page.
fn serve(stored: store::media::Stored, cache: &'static str) -> Response {
    let inline = sniff::shown_inline(&stored.content_type);
    let content_type = if inline { stored.content_type.as_str() } else { "application/octet-stream" };
    let mut res = Response::new(Body::from(stored.bytes));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    let name =
        stored.file_name.as_deref().unwrap_or("file").replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "_");
    let disposition = format!("{}; filename=\"{name}\"", if inline { "inline" } else { "attachment" });
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

#[utoipa::path(
    get,
    path = "/api/media/{id}",
    tag = "messages",
    params(("id" = i64, Path, description = "File id (a message's `media[].id`)")),
    responses(
        (status = 200, description = "The file, with its content type (images, audio, video and PDF inline; anything else as a download)", content_type = "*/*", body = Vec<u8>),
        (status = 404, description = "No such file in this business, or not fetched yet", body = crate::error::ErrorBody),
    ),
    security(("session" = [])),
)]
async fn get_one(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<i64>) -> ApiResult<Response> {
    let scope: Scope = auth.list_scope();
    let stored = state.db.read(move |c| store::media::get(c, scope, id)).await?;
    let stored = stored.ok_or_else(|| ApiError::not_found("File"))?;
    // A file never changes under its id; only this user's browser keeps it.
    Ok(serve(stored, "private, max-age=86400, immutable"))
}

#[utoipa::path(
    get,
    path = "/media/{token}",
    tag = "messages",
    params(("token" = String, Path, description = "The signed link's token (valid for an hour)")),
    responses(
        (status = 200, description = "The file we sent, for Twilio to fetch (JPEG, PNG, WebP or PDF)", content_type = "*/*", body = Vec<u8>),
        (status = 404, description = "Unknown or expired link", body = crate::error::ErrorBody),
    ),
)]
async fn by_link(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> ApiResult<Response> {
    let found = state
        .db
        .read(move |c| -> ApiResult<_> {
            let key = store::keys::get(c, link::KEY_NAME)?;
            let Some(id) = key.and_then(|k| link::verify(&k, &token, unix_now())) else { return Ok(None) };
            Ok(store::media::get(c, Scope::All, id)?)
        })
        .await?;
    match found {
        Some(stored) => Ok(serve(stored, "private, max-age=3600")),
        None => Ok(ApiError::not_found("File").into_response()),
    }
}

/// Answers with this status and JSON body when a file is refused.
pub fn too_large(max_mb: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("The file is larger than {max_mb} MB."),
        format!("Send a file of at most {max_mb} MB (compress the image, or split the PDF)."),
    )
}
