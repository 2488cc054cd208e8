//! `GET /api/calls/:id`: one call as the staff see it (who answered, how
//! quickly the AI answered each turn).
//! `GET /api/calls/:id/recording`: a voicemail's audio, fetched from Twilio
//! with the account's credentials and streamed through. The page's CSP
//! allows media only from this origin, and Twilio's recording links need
//! those credentials anyway.

use std::time::Duration;

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::extract::{ApiPath, Auth};
use crate::{
    domain::CallId,
    error::{ApiError, ApiResult},
    state::AppState,
    store,
    voice::bridge::TurnLatency,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_one)).routes(routes!(recording))
}

/// A call, without its one-time stream token.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CallView {
    pub id: CallId,
    pub lead_id: Option<crate::domain::LeadId>,
    /// `inbound`, or `outbound` (a callback).
    pub direction: String,
    pub status: String,
    pub from_e164: Option<String>,
    pub to_e164: Option<String>,
    pub duration_s: Option<i64>,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// `person`, `ai` or `voicemail`.
    pub answered_by: Option<String>,
    pub has_recording: bool,
    /// How quickly the AI answered: the caller's end of speech to its first audio, in ms.
    pub turn_latency_ms: Option<TurnLatency>,
    /// The reminder a callback was placed for.
    pub reminder_id: Option<crate::domain::ReminderId>,
}

impl From<store::calls::Call> for CallView {
    fn from(c: store::calls::Call) -> Self {
        CallView {
            id: c.id,
            lead_id: c.lead_id,
            direction: c.direction,
            status: c.status,
            from_e164: c.from_e164,
            to_e164: c.to_e164,
            duration_s: c.duration_s,
            started_at: c.started_at,
            ended_at: c.ended_at,
            answered_by: c.answered_by,
            has_recording: c.recording_url.is_some(),
            turn_latency_ms: c.turn_latency_ms.and_then(|v| serde_json::from_value(v).ok()),
            reminder_id: c.reminder_id,
        }
    }
}

/// A call of the caller's business (any business for the platform admin who is not inside one).
#[utoipa::path(
    get,
    path = "/api/calls/{id}",
    tag = "calls",
    params(("id" = i64, Path, description = "Call id", minimum = 1)),
    responses((status = 200, description = "The call", body = CallView)),
    security(("session" = [])),
)]
pub async fn get_one(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<CallId>,
) -> ApiResult<axum::Json<CallView>> {
    let scope = auth.list_scope();
    let call = state.db.read(move |c| store::calls::get(c, scope, id)).await?;
    call.map(|c| axum::Json(c.into())).ok_or_else(|| ApiError::not_found("Call"))
}

/// How long Twilio has to start answering; the audio itself then streams.
const ANSWER_LIMIT: Duration = Duration::from_secs(10);

fn unavailable(reason: &str) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "provider_unavailable",
        format!("The recording could not be fetched from Twilio: {reason}."),
        "Try again in a moment. The server log has the details under this request's id.",
    )
}

/// Where the recording is fetched: the path of the stored `RecordingUrl` on
/// the configured Twilio API (so the credentials go to no other host), as mp3.
fn media_url(api_base: &str, recording_url: &str) -> Option<String> {
    let stored = reqwest::Url::parse(recording_url).ok()?;
    let path = stored.path();
    if path.len() <= 1 {
        return None;
    }
    let ext = if path.ends_with(".mp3") || path.ends_with(".wav") { "" } else { ".mp3" };
    Some(format!("{}{path}{ext}", api_base.trim_end_matches('/')))
}

/// The voicemail of a call of the caller's business (any business for the
/// platform admin who is not inside one).
#[utoipa::path(
    get,
    path = "/api/calls/{id}/recording",
    tag = "calls",
    params(("id" = i64, Path, description = "Call id", minimum = 1)),
    responses(
        (status = 200, description = "The recording's audio, streamed", body = String, content_type = "audio/mpeg"),
    ),
    security(("session" = [])),
)]
pub async fn recording(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<CallId>) -> ApiResult<Response> {
    let scope = auth.list_scope();
    let call = state.db.read(move |c| store::calls::get(c, scope, id)).await?;
    let url = call.and_then(|c| c.recording_url).ok_or_else(|| ApiError::not_found("Recording"))?;
    let s = &state.config.settings;
    let (Some(account), Some(token)) = (s.twilio_account_sid.as_deref(), s.twilio_auth_token.as_deref()) else {
        return Err(unavailable("Twilio is not configured on this server"));
    };
    let Some(media) = media_url(s.twilio_api_base.as_str(), &url) else {
        tracing::warn!(call = %id, "stored recording URL has no path");
        return Err(ApiError::not_found("Recording"));
    };
    let sent = tokio::time::timeout(ANSWER_LIMIT, state.http.get(&media).basic_auth(account, Some(token)).send()).await;
    let res = match sent {
        Ok(Ok(res)) => res,
        Ok(Err(e)) => {
            tracing::warn!(call = %id, error = %e, "recording fetch failed");
            return Err(unavailable("Twilio could not be reached"));
        }
        Err(_) => {
            tracing::warn!(call = %id, "recording fetch timed out");
            return Err(unavailable("Twilio did not answer in time"));
        }
    };
    match res.status() {
        st if st.is_success() => {}
        StatusCode::NOT_FOUND => {
            tracing::warn!(call = %id, "Twilio has no such recording (deleted?)");
            return Err(ApiError::not_found("Recording"));
        }
        st => {
            tracing::warn!(call = %id, status = %st, "Twilio refused the recording fetch");
            return Err(unavailable("Twilio refused the request"));
        }
    }
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .filter(|v| v.to_str().is_ok_and(|t| t.starts_with("audio/")))
        .cloned()
        .unwrap_or(HeaderValue::from_static("audio/mpeg"));
    let length = res.headers().get(header::CONTENT_LENGTH).cloned();
    // Chunk by chunk, as Twilio sends them: a recording is never held whole.
    let chunks = futures_util::stream::unfold(res, |mut res| async move {
        match res.chunk().await {
            Ok(Some(bytes)) => Some((Ok::<Bytes, reqwest::Error>(bytes), res)),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "recording stream broke off");
                Some((Err(e), res))
            }
        }
    });
    let mut out = Body::from_stream(chunks).into_response();
    let headers = out.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, length);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::media_url;

    #[test]
    fn the_recording_is_fetched_from_the_configured_api_as_mp3() {
        let stored = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1";
        assert_eq!(
            media_url("http://127.0.0.1:9/", stored).as_deref(),
            Some("http://127.0.0.1:9/2010-04-01/Accounts/AC1/Recordings/RE1.mp3")
        );
        // Another host in the stored link changes nothing about where the credentials go.
        assert_eq!(
            media_url("https://api.twilio.com", "https://evil.example/x.mp3?a=b").as_deref(),
            Some("https://api.twilio.com/x.mp3")
        );
        assert_eq!(media_url("https://api.twilio.com", "https://api.twilio.com/"), None);
        assert_eq!(media_url("https://api.twilio.com", "not a url"), None);
    }
}
