//! Health and version. GET only; CSRF never applies.

use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use serde_json::{Value, json};

use crate::{db, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(ok))
        .route("/livez", get(ok))
        .route("/readyz", get(ready))
        .route("/version", get(version))
}

async fn ok() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// 200 when the database answers, its schema is the one this build expects,
/// and the writer commits within two seconds.
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.db.is_ready(std::time::Duration::from_secs(2)).await {
        (StatusCode::OK, Json(json!({"status": "ok"})))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "error": "not_ready",
                "message": "The database is not answering, cannot commit, or its schema is not current.",
                "hint": "Check the server log and the data file.",
            })),
        )
    }
}

async fn version() -> Json<Value> {
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "build": crate::BUILD_ID,
        "schema_version": db::latest_version(),
    }))
}
