//! Fault injection for black-box tests, mounted only when the server runs
//! with `FRONTDESK_TEST_FAULTS=1` (a hidden flag): each route breaks one
//! part on purpose so a test can prove the process survives it.

use std::sync::atomic::{AtomicBool, Ordering};

use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};

use crate::{error::ApiResult, state::AppState};

/// Set by `/api/_test/panic-scheduler`: the next reminder run panics.
pub static PANIC_NEXT_REMINDER_RUN: AtomicBool = AtomicBool::new(false);

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
    PANIC_NEXT_REMINDER_RUN.store(true, Ordering::SeqCst);
    state.reminder_wake.now();
    Json(json!({"armed": true}))
}

async fn password_load(State(state): State<AppState>) -> Json<Value> {
    let (running, peak) = state.passwords.load();
    Json(json!({"running": running, "peak": peak}))
}

/// Called at the start of each reminder run.
pub fn maybe_panic_in_scheduler() {
    if PANIC_NEXT_REMINDER_RUN.swap(false, Ordering::SeqCst) {
        panic!("fault injected: a reminder run panics");
    }
}
