//! `/api/admin/*`: businesses, impersonation and the whole audit log.
//! Every handler takes `AdminAuth`, so only the platform admin gets in.

use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    auth::me_body,
    business_fields::{BusinessBody, check_forward_country, check_name, update_business},
    extract::{AdminAuth, ApiJson, ApiPath, ApiQuery, PageQuery},
    session::Impersonation,
};
use crate::{
    domain::{
        Role, Scope, TenantId,
        text::{self, NAME_MAX},
        time::unix_now,
    },
    error::{ApiError, ApiResult},
    password::check_policy,
    state::AppState,
    store::{self, Page, tenants::Tenant},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, patch))
        .routes(routes!(impersonate))
        .routes(routes!(exit))
        .routes(routes!(audit))
}

#[utoipa::path(
    get,
    path = "/api/admin/businesses",
    tag = "admin",
    params(PageQuery),
    responses((status = 200, description = "OK", body = Page<Tenant>)),
    security(("session" = [])),
)]
async fn list(
    State(state): State<AppState>,
    AdminAuth(_): AdminAuth,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Tenant>>> {
    let page = paging.request(50);
    Ok(Json(state.db.read(move |c| store::tenants::list_unscoped(c, page)).await?))
}

#[utoipa::path(
    post,
    path = "/api/admin/businesses",
    tag = "admin",
    request_body = super::bodies::NewBusiness,
    responses((status = 201, description = "Created", body = Tenant)),
    security(("session" = [], "csrf" = [])),
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(auth): AdminAuth,
    ApiJson(body): ApiJson<BusinessBody>,
) -> ApiResult<(StatusCode, Json<Tenant>)> {
    let name = check_name(body.name.as_deref().unwrap_or(""))?;
    let fields = body.fields()?;
    let owner = match &body.owner {
        Some(o) => {
            let email = text::required_email("owner.email", &o.email)?;
            let name = text::check("owner.name", &o.name, NAME_MAX, false)?;
            check_policy("owner.password", &o.password)?;
            let hash = state.passwords.hash(o.password.clone()).await?;
            Some((email, name, hash))
        }
        None => None,
    };
    let actor = auth.clone();
    let tenant = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let id = store::tenants::insert(tx, &name, &fields)?;
            if let Some(t) = store::tenants::get(tx, id)? {
                check_forward_country(&t, &fields)?;
            }
            if let Some((email, name, hash)) = &owner {
                store::users::insert(
                    tx,
                    id,
                    &store::users::NewUser { email, name, role: Role::Owner, password_hash: hash },
                )
                .map_err(|e| prefix_field(e.into(), "owner."))?;
            }
            let mut entry = actor.audit("business.created", format!("tenant:{id}"), json!({"name": name}));
            entry.tenant_id = Some(id);
            store::audit::record(tx, entry)?;
            store::tenants::get(tx, id)?.ok_or_else(|| ApiError::internal("created tenant vanished"))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(tenant)))
}

fn prefix_field(mut e: ApiError, prefix: &str) -> ApiError {
    if let Some(Value::String(f)) = e.extra.get("field").cloned() {
        e.extra.insert("field".into(), Value::String(format!("{prefix}{f}")));
    }
    e
}

#[utoipa::path(
    get,
    path = "/api/admin/businesses/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "Business id")),
    responses((status = 200, description = "OK", body = Tenant)),
    security(("session" = [])),
)]
async fn get_one(
    State(state): State<AppState>,
    AdminAuth(_): AdminAuth,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Json<Tenant>> {
    let t = state.db.read(move |c| store::tenants::get(c, id)).await?;
    t.map(Json).ok_or_else(|| ApiError::not_found("Business"))
}

#[utoipa::path(
    patch,
    path = "/api/admin/businesses/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "Business id")),
    request_body = BusinessBody,
    responses((status = 200, description = "OK", body = Tenant)),
    security(("session" = [], "csrf" = [])),
)]
async fn patch(
    State(state): State<AppState>,
    AdminAuth(auth): AdminAuth,
    ApiPath(id): ApiPath<TenantId>,
    ApiJson(body): ApiJson<BusinessBody>,
) -> ApiResult<Json<Tenant>> {
    if body.owner.is_some() {
        return Err(ApiError::invalid(
            "owner",
            "The owner is set when a business is created.",
            "Add or change users under /api/business/current/users while viewing the business.",
        ));
    }
    update_business(&state, &auth, id, &body).await.map(Json)
}

/// Acts inside business `id`: flags in the session, a new session id, the
/// role untouched, the CSRF token kept, an audit row.
#[utoipa::path(
    post,
    path = "/api/admin/businesses/{id}/impersonate",
    tag = "admin",
    params(("id" = i64, Path, description = "Business id")),
    responses((status = 200, description = "The body of GET /api/auth/me, now impersonating", body = super::answers::Me)),
    security(("session" = [], "csrf" = [])),
)]
async fn impersonate(
    State(state): State<AppState>,
    AdminAuth(mut auth): AdminAuth,
    session: super::session::TypedSession,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Json<Value>> {
    if state.db.read(move |c| store::tenants::get(c, id)).await?.is_none() {
        return Err(ApiError::not_found("Business"));
    }
    let imp = Impersonation { tenant_id: id, started_at: unix_now() };
    session.set_impersonation(Some(imp)).await?;
    auth.impersonation = Some(imp);
    let entry = auth.audit(
        "impersonate.start",
        format!("tenant:{id}"),
        json!({"limit_seconds": state.config.impersonation_limit.as_secs()}),
    );
    state.db.write(move |tx| store::audit::record(tx, entry)).await?;
    Ok(Json(me_body(&state, &auth).await?))
}

#[utoipa::path(
    post,
    path = "/api/admin/impersonate/exit",
    tag = "admin",
    responses((status = 200, description = "The body of GET /api/auth/me, impersonation ended", body = super::answers::Me)),
    security(("session" = [], "csrf" = [])),
)]
async fn exit(
    State(state): State<AppState>,
    AdminAuth(mut auth): AdminAuth,
    session: super::session::TypedSession,
) -> ApiResult<Json<Value>> {
    if let Some(imp) = auth.impersonation {
        let entry = auth.audit("impersonate.exit", format!("tenant:{}", imp.tenant_id), Value::Null);
        session.set_impersonation(None).await?;
        auth.impersonation = None;
        state.db.write(move |tx| store::audit::record(tx, entry)).await?;
    }
    Ok(Json(me_body(&state, &auth).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    tenant_id: Option<TenantId>,
    action: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/admin/audit",
    tag = "admin",
    params(AuditQuery, PageQuery),
    responses((status = 200, description = "OK", body = Page<store::audit::AuditRow>)),
    security(("session" = [])),
)]
async fn audit(
    State(state): State<AppState>,
    AdminAuth(_): AdminAuth,
    ApiQuery(q): ApiQuery<AuditQuery>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<store::audit::AuditRow>>> {
    let page = paging.request(50);
    let action = q.action.filter(|a| !a.is_empty());
    let scope = q.tenant_id.map_or(Scope::All, Scope::Tenant);
    Ok(Json(state.db.read(move |c| store::audit::list(c, scope, action.as_deref(), page, false)).await?))
}
