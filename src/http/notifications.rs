//! `/api/notifications`: the caller's bell.

use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

use super::extract::{ApiPath, ApiQuery, Auth, PageQuery};
use crate::{
    domain::NotificationId,
    error::{ApiError, ApiResult},
    state::AppState,
    store,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(mark_read)).routes(routes!(alerts))
}

/// The caller's newest 100 alerts (WhatsApp and push): sent, pending, or failed and why.
#[utoipa::path(
    get,
    path = "/api/alerts",
    tag = "notifications",
    responses((status = 200, description = "{items: [alert]}: the caller's newest 100 alerts", body = super::answers::Items<crate::store::alerts::Alert>)),
    security(("session" = [])),
)]
async fn alerts(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let user_id = auth.user.id;
    let items = state.db.read(move |c| store::alerts::list_for_user(c, user_id, 100)).await?;
    Ok(Json(json!({ "items": items })))
}

#[utoipa::path(
    get,
    path = "/api/notifications",
    tag = "notifications",
    params(PageQuery),
    responses((status = 200, description = "{items: [Notification], total, page, page_size, unread}", body = super::answers::NotificationPage)),
    security(("session" = [])),
)]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> ApiResult<Json<Value>> {
    let page = paging.request(20);
    let user_id = auth.user.id;
    let (page, unread) = state.db.read(move |c| store::notifications::list_for_user(c, user_id, page)).await?;
    Ok(Json(json!({
        "items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size, "unread": unread,
    })))
}

#[utoipa::path(
    post,
    path = "/api/notifications/{id}/read",
    tag = "notifications",
    params(("id" = i64, Path, description = "Notification id")),
    responses((status = 204, description = "Done")),
    security(("session" = [], "csrf" = [])),
)]
async fn mark_read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<NotificationId>,
) -> ApiResult<StatusCode> {
    let user_id = auth.user.id;
    if state.db.write(move |tx| store::notifications::mark_read(tx, user_id, id)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("Notification"))
    }
}
