//! The two prompts of a business: `/api/business/current/prompt*` for the
//! effective business and `/api/admin/businesses/:id/prompt` for any.
//! The body is exactly `{calls_prompt, whatsapp_prompt}`; the old single
//! `{prompt}` shape is refused with a hint naming both fields.

use axum::{Json, extract::State};
use serde_json::{Value, json};

use super::extract::{AdminAuth, ApiJson, ApiPath, ApiQuery, Auth, ManagerAuth, PageQuery};
use crate::{
    domain::{
        TenantId,
        text::{self, PROMPT_MAX},
    },
    error::{ApiError, ApiResult},
    state::AppState,
    store::{
        self, Page,
        prompts::{Prompts, Revision},
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_current, put_current))
        .routes(routes!(history_current))
        .routes(routes!(get_any, put_any))
}

const HINT: &str = "Send a JSON object with both fields: {\"calls_prompt\": \"...\", \"whatsapp_prompt\": \"...\"} \
                    (strings; either may be empty).";
/// Read-only fields a client may echo back from GET.
const ECHOED: &[&str] = &["updated_at", "updated_by"];

/// Validates the body and returns (calls_prompt, whatsapp_prompt).
pub fn parse_body(body: &Value) -> Result<(String, String), ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(ApiError::bad_request("The body must be a JSON object.", HINT));
    };
    if obj.contains_key("prompt") {
        return Err(ApiError::invalid(
            "prompt",
            "`prompt` is not a field of this endpoint: a business has two prompts, calls_prompt and whatsapp_prompt.",
            HINT,
        ));
    }
    if let Some(unknown) =
        obj.keys().find(|k| !matches!(k.as_str(), "calls_prompt" | "whatsapp_prompt") && !ECHOED.contains(&k.as_str()))
    {
        return Err(ApiError::invalid(unknown, format!("Unknown field `{unknown}`."), HINT));
    }
    let field = |name: &str| -> Result<String, ApiError> {
        match obj.get(name) {
            Some(Value::String(s)) => {
                text::validate(name, s, PROMPT_MAX, true)?;
                Ok(s.clone())
            }
            Some(_) => Err(ApiError::invalid(name, format!("`{name}` must be a string."), HINT)),
            None => {
                Err(ApiError::invalid(name, format!("`{name}` is missing: both prompts are saved together."), HINT))
            }
        }
    };
    Ok((field("calls_prompt")?, field("whatsapp_prompt")?))
}

async fn load(state: &AppState, tenant_id: TenantId) -> ApiResult<Json<Prompts>> {
    Ok(Json(state.db.read(move |c| store::prompts::get(c, tenant_id)).await?))
}

async fn save(state: &AppState, auth: &Auth, tenant_id: TenantId, body: &Value) -> ApiResult<Json<Prompts>> {
    let (calls, whatsapp) = parse_body(body)?;
    let actor = auth.actor();
    let mut entry = auth.audit(
        "prompts.saved",
        format!("tenant:{tenant_id}"),
        json!({"calls_prompt_chars": calls.chars().count(), "whatsapp_prompt_chars": whatsapp.chars().count()}),
    );
    entry.tenant_id = Some(tenant_id);
    let saved = state
        .db
        .write(move |tx| -> ApiResult<_> {
            if store::tenants::get(tx, tenant_id)?.is_none() {
                return Err(ApiError::not_found("Business"));
            }
            let saved = store::prompts::save(tx, tenant_id, &calls, &whatsapp, actor)?;
            store::audit::record(tx, entry)?;
            Ok(saved)
        })
        .await?;
    Ok(Json(saved))
}

#[utoipa::path(
    get,
    path = "/api/business/current/prompt",
    tag = "prompts",
    responses((status = 200, description = "OK", body = Prompts)),
    security(("session" = [])),
)]
async fn get_current(State(state): State<AppState>, ManagerAuth(auth): ManagerAuth) -> ApiResult<Json<Prompts>> {
    load(&state, auth.tenant_id()).await
}

#[utoipa::path(
    put,
    path = "/api/business/current/prompt",
    tag = "prompts",
    request_body = super::bodies::PromptsPut,
    responses((status = 200, description = "OK", body = Prompts)),
    security(("session" = [], "csrf" = [])),
)]
async fn put_current(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Json<Prompts>> {
    save(&state, &auth, auth.tenant_id(), &body).await
}

#[utoipa::path(
    get,
    path = "/api/business/current/prompt/history",
    tag = "prompts",
    params(PageQuery),
    responses((status = 200, description = "OK", body = Page<Revision>)),
    security(("session" = [])),
)]
async fn history_current(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Revision>>> {
    let tenant_id = auth.tenant_id();
    let page = q.request(50);
    Ok(Json(state.db.read(move |c| store::prompts::history(c, tenant_id, page)).await?))
}

#[utoipa::path(
    get,
    path = "/api/admin/businesses/{id}/prompt",
    tag = "prompts",
    params(("id" = i64, Path, description = "Business id")),
    responses((status = 200, description = "OK", body = Prompts)),
    security(("session" = [])),
)]
async fn get_any(
    State(state): State<AppState>,
    AdminAuth(_): AdminAuth,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Json<Prompts>> {
    if state.db.read(move |c| store::tenants::get(c, id)).await?.is_none() {
        return Err(ApiError::not_found("Business"));
    }
    load(&state, id).await
}

#[utoipa::path(
    put,
    path = "/api/admin/businesses/{id}/prompt",
    tag = "prompts",
    params(("id" = i64, Path, description = "Business id")),
    request_body = super::bodies::PromptsPut,
    responses((status = 200, description = "OK", body = Prompts)),
    security(("session" = [], "csrf" = [])),
)]
async fn put_any(
    State(state): State<AppState>,
    AdminAuth(auth): AdminAuth,
    ApiPath(id): ApiPath<TenantId>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Json<Prompts>> {
    save(&state, &auth, id, &body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_single_prompt_shape_is_refused_naming_both_fields() {
        let e = parse_body(&json!({"prompt": "x"})).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.hint.contains("calls_prompt") && e.hint.contains("whatsapp_prompt"));
        let e = parse_body(&json!({"calls_prompt": "x"})).unwrap_err();
        assert_eq!(e.extra["field"], "whatsapp_prompt");
        assert!(parse_body(&json!({"calls_prompt": "", "whatsapp_prompt": ""})).is_ok());
        assert!(parse_body(&json!({"calls_prompt": 1, "whatsapp_prompt": ""})).is_err());
    }
}
