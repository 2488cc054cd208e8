//! `GET /api/events`: server-sent events for the effective business only.

use std::{convert::Infallible, time::Duration};

use axum::{
    Router,
    extract::State,
    response::sse::{Event as SseEvent, KeepAlive, Sse},
    routing::get,
};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};

use super::extract::Auth;
use crate::{error::ApiResult, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/events", get(events))
}

async fn events(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let tenant_id = auth.tenant_id();
    let user_id = auth.user.id;
    let mut shutdown = state.shutdown.clone();
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
        .take_until(async move {
            let _ = shutdown.wait_for(|v| *v).await;
        });
    let hello = futures_util::stream::once(async move {
        Ok(SseEvent::default().event("ready").data(format!("{{\"tenant_id\":{tenant_id}}}")))
    });
    Ok(Sse::new(hello.chain(stream)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("keep-alive")))
}
