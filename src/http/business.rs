//! `/api/business/current*`: the effective business, its users and its audit log.

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    business_fields::{BusinessBody, update_business},
    extract::{ApiJson, ApiPath, ApiQuery, Auth, ManagerAuth, PageQuery},
};
use crate::{
    domain::{
        Role, Scope, UserId,
        text::{self, NAME_MAX},
    },
    error::{ApiError, ApiResult},
    password::check_policy,
    state::AppState,
    store::{self, Page, tenants::Tenant, users::User},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(current, patch_current))
        .routes(routes!(list_users, create_user))
        .routes(routes!(patch_user))
        .routes(routes!(end_sessions))
        .routes(routes!(audit))
}

/// The business as stored, with where it stands now: `open_now`,
/// `next_open_at` (the next opening after now) and, when open, `closes_at`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BusinessView {
    #[serde(flatten)]
    tenant: Tenant,
    open_now: bool,
    next_open_at: Option<String>,
    closes_at: Option<String>,
}

impl From<Tenant> for BusinessView {
    fn from(tenant: Tenant) -> Self {
        let now = tenant.schedule().state_at(chrono::Utc::now());
        let rfc3339 = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        BusinessView {
            open_now: now.open_now,
            next_open_at: now.next_open_at.map(rfc3339),
            closes_at: now.closes_at.map(rfc3339),
            tenant,
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/business/current",
    tag = "business",
    responses((status = 200, description = "OK", body = BusinessView)),
    security(("session" = [])),
)]
async fn current(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<BusinessView>> {
    let id = auth.tenant_id();
    let t = state.db.read(move |c| store::tenants::get(c, id)).await?;
    t.map(|t| Json(t.into())).ok_or_else(|| ApiError::not_found("Business"))
}

/// Owners change their business's settings; the numbers and the WhatsApp
/// instance route webhooks between businesses, so only the platform admin sets those.
#[utoipa::path(
    patch,
    path = "/api/business/current",
    tag = "business",
    request_body = super::bodies::BusinessSettingsPatch,
    responses((status = 200, description = "OK", body = BusinessView)),
    security(("session" = [], "csrf" = [])),
)]
async fn patch_current(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiJson(body): ApiJson<BusinessBody>,
) -> ApiResult<Json<BusinessView>> {
    let routing = [
        ("phone_e164", body.phone_e164.is_some()),
        ("whatsapp_e164", body.whatsapp_e164.is_some()),
        ("whatsapp_instance", body.whatsapp_instance.is_some()),
        ("owner", body.owner.is_some()),
    ];
    if let Some((field, _)) = routing.iter().find(|(_, set)| *set)
        && (*field == "owner" || !auth.is_admin())
    {
        return Err(ApiError::invalid(
            field,
            format!("`{field}` is not a setting of the business itself."),
            "The platform admin sets numbers and the WhatsApp instance under /api/admin/businesses/:id.",
        ));
    }
    if body.allow_international_forward.is_some() && !auth.is_admin() {
        return Err(ApiError::invalid(
            "allow_international_forward",
            "Only the platform admin decides whether calls may be forwarded abroad.",
            "Ask the platform admin to allow international forwarding for this business.",
        ));
    }
    update_business(&state, &auth, auth.tenant_id(), &body).await.map(|t| Json(t.into()))
}

#[utoipa::path(
    get,
    path = "/api/business/current/users",
    tag = "business",
    responses((status = 200, description = "{items: [BusinessUser]}", body = super::answers::Items<crate::store::users::User>)),
    security(("session" = [])),
)]
async fn list_users(State(state): State<AppState>, ManagerAuth(auth): ManagerAuth) -> ApiResult<Json<Value>> {
    let tenant_id = auth.tenant_id();
    let items = state.db.read(move |c| store::users::list_in_tenant(c, tenant_id)).await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewUser)]
struct NewUserBody {
    #[schema(schema_with = super::limits::email_required)]
    email: String,
    #[serde(default)]
    #[schema(schema_with = super::limits::name)]
    name: String,
    #[schema(schema_with = super::limits::new_password)]
    password: String,
    #[schema(schema_with = super::limits::business_role)]
    role: String,
}

/// Owners and the admin add owners and agents to the business. A platform
/// admin is made only with `frontdesk user create`.
fn business_role(role: &str) -> Result<Role, ApiError> {
    match Role::parse(role) {
        Some(r @ (Role::Owner | Role::Agent)) => Ok(r),
        _ => Err(ApiError::invalid("role", format!("`{role}` is not a role of a business."), "Use owner or agent.")),
    }
}

#[utoipa::path(
    post,
    path = "/api/business/current/users",
    tag = "business",
    request_body = NewUserBody,
    responses((status = 201, description = "Created", body = User)),
    security(("session" = [], "csrf" = [])),
)]
async fn create_user(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiJson(body): ApiJson<NewUserBody>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let role = business_role(&body.role)?;
    let email = text::required_email("email", &body.email)?;
    let name = text::check("name", &body.name, NAME_MAX, false)?;
    check_policy("password", &body.password)?;
    let hash = state.passwords.hash(body.password).await?;
    let tenant_id = auth.tenant_id();
    let entry = auth.audit("user.created", email.clone(), json!({"role": role.as_str()}));
    let user = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let id = store::users::insert(
                tx,
                tenant_id,
                &store::users::NewUser { email: &email, name: &name, role, password_hash: &hash },
            )?;
            store::audit::record(tx, entry)?;
            store::users::get_in_tenant(tx, tenant_id, id)?.ok_or_else(|| ApiError::internal("created user vanished"))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UserPatch)]
struct UserPatch {
    #[schema(schema_with = super::limits::name_patch)]
    name: Option<String>,
    #[schema(schema_with = super::limits::business_role_patch)]
    role: Option<String>,
    disabled: Option<bool>,
}

#[utoipa::path(
    patch,
    path = "/api/business/current/users/{id}",
    tag = "business",
    params(("id" = i64, Path, description = "User id")),
    request_body = UserPatch,
    responses((status = 200, description = "OK", body = User)),
    security(("session" = [], "csrf" = [])),
)]
async fn patch_user(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<UserPatch>,
) -> ApiResult<Json<User>> {
    let role = body.role.as_deref().map(business_role).transpose()?;
    if id == auth.user.id && (body.disabled == Some(true) || role.is_some()) {
        return Err(ApiError::invalid(
            if role.is_some() { "role" } else { "disabled" },
            "You cannot disable yourself or change your own role.",
            "Ask another owner or the platform admin.",
        ));
    }
    let name = body.name.as_deref().map(|n| text::check("name", n, NAME_MAX, false)).transpose()?;
    let tenant_id = auth.tenant_id();
    let caller_is_admin = auth.is_admin();
    let entry = auth.audit(
        "user.updated",
        format!("user:{id}"),
        json!({"name": body.name, "role": body.role, "disabled": body.disabled}),
    );
    let user = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let existing =
                store::users::get_in_tenant(tx, tenant_id, id)?.ok_or_else(|| ApiError::not_found("User"))?;
            if existing.role == Role::SystemAdmin && !caller_is_admin {
                return Err(ApiError::forbidden("Only the platform admin can change the platform admin."));
            }
            let updated = store::users::update_in_tenant(tx, tenant_id, id, name.as_deref(), role, body.disabled)?
                .ok_or_else(|| ApiError::not_found("User"))?;
            if body.disabled == Some(true) {
                store::sessions::delete_for_user(tx, id, None)?;
            }
            store::audit::record(tx, entry)?;
            Ok(updated)
        })
        .await?;
    state.user_cache.forget(id);
    state.sessions.forget_user(id);
    Ok(Json(user))
}

#[utoipa::path(
    delete,
    path = "/api/business/current/users/{id}/sessions",
    tag = "business",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "Done")),
    security(("session" = [], "csrf" = [])),
)]
async fn end_sessions(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<StatusCode> {
    let tenant_id = auth.tenant_id();
    let caller_is_admin = auth.is_admin();
    let entry = auth.audit("user.sessions_ended", format!("user:{id}"), Value::Null);
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            let user = store::users::get_in_tenant(tx, tenant_id, id)?.ok_or_else(|| ApiError::not_found("User"))?;
            if user.role == Role::SystemAdmin && !caller_is_admin {
                return Err(ApiError::forbidden("Only the platform admin can end the platform admin's sessions."));
            }
            store::sessions::delete_for_user(tx, id, None)?;
            Ok(store::audit::record(tx, entry)?)
        })
        .await?;
    state.sessions.forget_user(id);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    action: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/business/current/audit",
    tag = "business",
    params(AuditQuery, PageQuery),
    responses((status = 200, description = "OK", body = Page<store::audit::AuditRow>)),
    security(("session" = [])),
)]
async fn audit(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiQuery(q): ApiQuery<AuditQuery>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<store::audit::AuditRow>>> {
    let page = paging.request(50);
    let tenant_id = auth.tenant_id();
    let action = q.action.filter(|a| !a.is_empty());
    let hide_admin_ips = !auth.is_admin();
    Ok(Json(
        state
            .db
            .read(move |c| store::audit::list(c, Scope::Tenant(tenant_id), action.as_deref(), page, hide_admin_ips))
            .await?,
    ))
}
