//! `/api/canned-replies`: a business's saved answers. Everyone who works
//! the business's leads reads them; owners and the platform admin write them.

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};

use super::extract::{ApiJson, ApiPath, Auth, ManagerAuth};
use crate::{
    domain::CannedReplyId,
    domain::text::{self, CANNED_MAX, SHORTCUT_MAX},
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, canned::CannedReply},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(update, remove))
}

#[derive(Serialize, utoipa::ToSchema)]
struct CannedList {
    items: Vec<CannedReply>,
}

#[utoipa::path(
    get,
    path = "/api/canned-replies",
    tag = "canned-replies",
    responses((status = 200, description = "The business's canned replies, by shortcut", body = CannedList)),
    security(("session" = [])),
)]
async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<CannedList>> {
    let tenant_id = auth.tenant_id();
    let items = state.db.read(move |c| store::canned::list(c, tenant_id)).await?;
    Ok(Json(CannedList { items }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewCanned {
    /// Unique in the business whatever its case.
    #[schema(schema_with = super::limits::canned_shortcut)]
    shortcut: String,
    #[schema(schema_with = super::limits::canned_body)]
    body: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CannedPatch {
    #[schema(schema_with = super::limits::canned_shortcut_patch)]
    shortcut: Option<String>,
    #[schema(schema_with = super::limits::canned_body_patch)]
    body: Option<String>,
}

/// A shortcut as typed after `/`: one word (leading slashes are dropped).
fn shortcut(v: &str) -> ApiResult<String> {
    let s = text::required("shortcut", v.trim().trim_start_matches('/'), SHORTCUT_MAX, false)?;
    if s.chars().any(|c| c.is_whitespace() || c == '/') {
        return Err(ApiError::invalid(
            "shortcut",
            "`shortcut` must be one word, without spaces or slashes.",
            "Use letters, digits or dashes, e.g. hours or מחירים.",
        ));
    }
    Ok(s)
}

fn body(v: &str) -> ApiResult<String> {
    Ok(text::required("body", v, CANNED_MAX, true)?)
}

#[utoipa::path(
    post,
    path = "/api/canned-replies",
    tag = "canned-replies",
    request_body = NewCanned,
    responses((status = 201, description = "Created", body = CannedReply)),
    security(("session" = [], "csrf" = [])),
)]
async fn create(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiJson(b): ApiJson<NewCanned>,
) -> ApiResult<(StatusCode, Json<CannedReply>)> {
    let (shortcut, body) = (shortcut(&b.shortcut)?, body(&b.body)?);
    let tenant_id = auth.tenant_id();
    let reply = state.db.write(move |tx| store::canned::insert(tx, tenant_id, &shortcut, &body)).await?;
    Ok((StatusCode::CREATED, Json(reply)))
}

#[utoipa::path(
    patch,
    path = "/api/canned-replies/{id}",
    tag = "canned-replies",
    params(("id" = i64, Path, description = "Canned reply id")),
    request_body = CannedPatch,
    responses((status = 200, description = "Updated", body = CannedReply)),
    security(("session" = [], "csrf" = [])),
)]
async fn update(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiPath(id): ApiPath<CannedReplyId>,
    ApiJson(p): ApiJson<CannedPatch>,
) -> ApiResult<Json<CannedReply>> {
    let shortcut = p.shortcut.as_deref().map(shortcut).transpose()?;
    let body = p.body.as_deref().map(body).transpose()?;
    let tenant_id = auth.tenant_id();
    state
        .db
        .write(move |tx| store::canned::update(tx, tenant_id, id, shortcut.as_deref(), body.as_deref()))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("Canned reply"))
}

#[utoipa::path(
    delete,
    path = "/api/canned-replies/{id}",
    tag = "canned-replies",
    params(("id" = i64, Path, description = "Canned reply id")),
    responses((status = 204, description = "Deleted")),
    security(("session" = [], "csrf" = [])),
)]
async fn remove(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiPath(id): ApiPath<CannedReplyId>,
) -> ApiResult<StatusCode> {
    let tenant_id = auth.tenant_id();
    if state.db.write(move |tx| store::canned::delete(tx, tenant_id, id)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("Canned reply"))
    }
}
