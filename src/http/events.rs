//! `GET /api/events`: server-sent events for the effective business only.
//!
//! A stream is only as good as the session that opened it: every
//! [`RECHECK`] it re-reads that session, and ends once the session is gone
//! (logout, password change or reset, "end sessions", disabled user, idle or
//! absolute expiry) or its business changed (impersonation exited or
//! expired). A user holds at most `MAX_STREAMS_PER_USER` streams.

use std::{convert::Infallible, str::FromStr, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event as SseEvent, KeepAlive, Sse},
};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};
use tower_sessions::{SessionStore, session::Id};

use super::{
    extract::Auth,
    session::{SessionState, TypedSession},
};
use crate::{
    domain::{Role, TenantId, UserId, time::unix_now},
    error::ApiResult,
    state::AppState,
    store::{self, sessions::SqliteSessionStore},
};
use utoipa_axum::{router::OpenApiRouter, routes};

/// How often an open stream re-checks its session: revocation reaches it within this (plus a read).
const RECHECK: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// What the stream was opened as; it may go on only while this still holds.
struct Opened {
    session_id: Option<String>,
    user_id: UserId,
    impersonated_tenant: Option<TenantId>,
}

/// Whether the session behind a stream is still the one that opened it.
async fn still_valid(state: &AppState, opened: &Opened) -> bool {
    let Some(id) = opened.session_id.as_deref().and_then(|s| Id::from_str(s).ok()) else { return false };
    let store = SqliteSessionStore::new(state.db.clone(), state.sessions.clone());
    let Ok(Some(record)) = store.load(&id).await else { return false };
    let Some(s) = record
        .data
        .get(store::sessions::STATE_KEY)
        .and_then(|v| serde_json::from_value::<SessionState>(v.clone()).ok())
    else {
        return false;
    };
    let now = unix_now();
    if s.user_id != Some(opened.user_id) || now - s.login_at > state.config.session_max.as_secs() as i64 {
        return false;
    }
    let user_id = opened.user_id;
    let user = match state.user_cache.get(user_id) {
        Some(u) => Some(u),
        None => state.db.read(move |c| store::users::get_unscoped(c, user_id)).await.ok().flatten(),
    };
    let Some(user) = user.filter(|u| !u.disabled) else { return false };
    match (opened.impersonated_tenant, s.impersonation) {
        (None, None) => true,
        (Some(t), Some(imp)) => {
            imp.tenant_id == t
                && user.role == Role::SystemAdmin
                && now - imp.started_at <= state.config.impersonation_limit.as_secs() as i64
        }
        _ => false,
    }
}

#[utoipa::path(
    get,
    path = "/api/events",
    tag = "events",
    responses((status = 200, description = "Server-sent events of the caller's business", body = super::answers::ServerEvent, content_type = "text/event-stream")),
    security(("session" = [])),
)]
async fn events(
    State(state): State<AppState>,
    auth: Auth,
    session: TypedSession,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let tenant_id = auth.tenant_id();
    let user_id = auth.user.id;
    let opened =
        Opened { session_id: session.id(), user_id, impersonated_tenant: auth.impersonation.map(|i| i.tenant_id) };
    let mut slot = state.events.open_stream(user_id);
    let mut shutdown = state.shutdown.clone();
    let watcher = state.clone();
    // Ends the stream: shutdown, a newer stream pushing this one out, or the session no longer valid.
    let end = async move {
        let stopping = async move {
            let _ = shutdown.wait_for(|v| *v).await.is_ok();
        };
        tokio::pin!(stopping);
        let mut tick = tokio::time::interval(RECHECK);
        tick.tick().await;
        loop {
            tokio::select! {
                _ = &mut stopping => return,
                _ = &mut slot.evicted => return,
                _ = tick.tick() => {
                    if !still_valid(&watcher, &opened).await {
                        tracing::debug!(user = user_id.0, "event stream ended: its session is no longer valid");
                        return;
                    }
                }
            }
        }
    };
    let stream = BroadcastStream::new(state.events.subscribe())
        .filter_map(move |item| async move {
            match item {
                Ok(e) if e.tenant_id == tenant_id && e.user_id.is_none_or(|u| u == user_id) => {
                    Some(Ok(SseEvent::default().event(e.kind).data(e.data.to_string())))
                }
                Ok(_) => None,
                // This client fell behind; it lost some events, others were not slowed.
                Err(BroadcastStreamRecvError::Lagged(n)) => {
                    Some(Ok(SseEvent::default().event("lagged").data(format!("{{\"missed\":{n}}}"))))
                }
            }
        })
        .take_until(end);
    let hello = futures_util::stream::once(async move {
        Ok(SseEvent::default().event("ready").data(format!("{{\"tenant_id\":{tenant_id}}}")))
    });
    Ok(Sse::new(hello.chain(stream)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("keep-alive")))
}
