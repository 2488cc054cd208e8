//! `/api/notifications`: the caller's bell.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiPath, ApiQuery, Auth};
use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, PageRequest},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/notifications", get(list)).route("/api/notifications/{id}/read", post(mark_read))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
    page_size: Option<i64>,
}

async fn list(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<Value>> {
    let page = PageRequest::new(q.page, q.page_size, 20);
    let user_id = auth.user.id;
    let (page, unread) = state.db.read(move |c| store::notifications::list_for_user(c, user_id, page)).await?;
    Ok(Json(json!({
        "items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size, "unread": unread,
    })))
}

async fn mark_read(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    let user_id = auth.user.id;
    if state.db.write(move |tx| store::notifications::mark_read(tx, user_id, id)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("Notification"))
    }
}
