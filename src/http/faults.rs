//! Fault injection for black-box tests, mounted only when the server runs
//! with `FRONTDESK_TEST_FAULTS=1` (a hidden flag): each route breaks one
//! part on purpose so a test can prove the process survives it.

use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};

use crate::{error::ApiResult, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/_test/panic", get(panic_in_handler))
        .route("/api/_test/panic-writer", get(panic_in_writer))
        .route("/api/_test/panic-scheduler", get(panic_in_scheduler))
        .route("/api/_test/password-load", get(password_load))
}

async fn panic_in_handler() -> Json<Value> {
    panic!("fault injected: a handler panics");
}

async fn panic_in_writer(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    state.db.write(|_| -> ApiResult<()> { panic!("fault injected: a write job panics") }).await?;
    Ok(Json(json!({"ok": true})))
}

async fn panic_in_scheduler(State(state): State<AppState>) -> Json<Value> {
    crate::scheduler::fault::arm();
    state.reminder_wake.now();
    Json(json!({"armed": true}))
}

async fn password_load(State(state): State<AppState>) -> Json<Value> {
    let (running, peak) = state.passwords.load();
    Json(json!({"running": running, "peak": peak}))
}
