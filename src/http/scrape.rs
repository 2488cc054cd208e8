//! `GET /metrics` on the metrics listener (`FRONTDESK_METRICS_BIND`, never
//! the main port): the series of [`crate::metrics`] plus the gauges read now.

use axum::{
    Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{metrics, state::AppState};

/// The router of the metrics listener: `GET /metrics` and nothing else.
pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(state)
}

async fn scrape(State(state): State<AppState>) -> Response {
    match render(&state).await {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics scrape failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "metrics unavailable\n").into_response()
        }
    }
}

/// The gauges read now, then the whole exposition.
async fn render(state: &AppState) -> anyhow::Result<String> {
    let now = crate::domain::time::now();
    let (pending, overdue) = state
        .db
        .read(move |c| crate::store::reminders::pending_counts_unscoped(c, &now))
        .await
        .map_err(|e: crate::store::StoreError| anyhow::anyhow!("{e}"))?;
    metrics::encode(&metrics::Live {
        reminders_pending: pending,
        reminders_overdue: overdue,
        providers: state.messenger.health_counts(),
        active_calls: state.calls.count(),
        sse_clients: state.events.open_streams(),
    })
}
