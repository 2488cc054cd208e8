//! `/api/admin/*`: businesses, impersonation and the whole audit log.
//! Every handler takes `AdminAuth`, so only the platform admin gets in.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    auth::me_body,
    extract::{AdminAuth, ApiJson, ApiPath, ApiQuery, Auth, PageQuery},
    session::Impersonation,
};
use crate::{
    domain::{
        PhoneE164, Role, Scope, TenantId,
        text::{self, NAME_MAX},
        time::unix_now,
    },
    error::{ApiError, ApiResult},
    password::check_policy,
    state::AppState,
    store::{
        self, Page,
        tenants::{Tenant, TenantFields},
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/businesses", get(list).post(create))
        .route("/api/admin/businesses/{id}", get(get_one).patch(patch))
        .route("/api/admin/businesses/{id}/impersonate", post(impersonate))
        .route("/api/admin/impersonate/exit", post(exit))
        .route("/api/admin/audit", get(audit))
}

async fn list(
    State(state): State<AppState>,
    AdminAuth(_): AdminAuth,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Tenant>>> {
    let page = paging.request(50);
    Ok(Json(state.db.read(move |c| store::tenants::list_unscoped(c, page)).await?))
}

/// Business fields as sent by clients; absent = unchanged, null = cleared.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BusinessBody {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    pub phone_e164: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    pub whatsapp_e164: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    pub whatsapp_instance: Option<Option<String>>,
    pub timezone: Option<String>,
    pub ai_auto_reply: Option<bool>,
    pub auto_assign: Option<String>,
    pub owner: Option<OwnerBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    pub email: String,
    #[serde(default)]
    pub name: String,
    pub password: String,
}

fn parse_phone(field: &str, v: &Option<Option<String>>) -> Result<Option<Option<String>>, ApiError> {
    match v {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(s)) if s.trim().is_empty() => Ok(Some(None)),
        Some(Some(s)) => PhoneE164::parse(s, "IL")
            .map(|p| Some(Some(p.into_string())))
            .map_err(|e| ApiError::invalid(field, format!("`{field}`: {e}."), "Use E.164, e.g. +972521234567.")),
    }
}

fn check_name(name: &str) -> Result<String, ApiError> {
    Ok(text::required("name", name, NAME_MAX, false)?)
}

/// IANA zone names look like `Asia/Jerusalem` or `UTC`.
pub fn check_timezone(tz: &str) -> Result<String, ApiError> {
    let ok = !tz.is_empty()
        && tz.len() <= 64
        && tz
            .split('/')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c)))
        && tz.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    if !ok {
        return Err(ApiError::invalid(
            "timezone",
            format!("`{tz}` is not a time zone name."),
            "Use an IANA name such as Asia/Jerusalem or UTC.",
        ));
    }
    Ok(tz.to_string())
}

/// How new leads are assigned: `none` or `round_robin`.
fn check_auto_assign(v: &str) -> Result<&'static str, ApiError> {
    match v {
        "none" => Ok("none"),
        "round_robin" => Ok("round_robin"),
        _ => Err(ApiError::invalid(
            "auto_assign",
            format!("`{v}` is not a way to assign new leads."),
            "Use none or round_robin.",
        )),
    }
}

impl BusinessBody {
    pub fn fields(&self) -> Result<TenantFields, ApiError> {
        Ok(TenantFields {
            name: self.name.as_deref().map(check_name).transpose()?,
            phone_e164: parse_phone("phone_e164", &self.phone_e164)?,
            whatsapp_e164: parse_phone("whatsapp_e164", &self.whatsapp_e164)?,
            whatsapp_instance: match self.whatsapp_instance.as_ref() {
                None => None,
                Some(None) => Some(None),
                Some(Some(s)) => Some(Some(text::check("whatsapp_instance", s, 100, false)?).filter(|s| !s.is_empty())),
            },
            timezone: self.timezone.as_deref().map(check_timezone).transpose()?,
            ai_auto_reply: self.ai_auto_reply,
            auto_assign: self.auto_assign.as_deref().map(check_auto_assign).transpose()?,
        })
    }
}

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

async fn get_one(
    State(state): State<AppState>,
    AdminAuth(_): AdminAuth,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Json<Tenant>> {
    let t = state.db.read(move |c| store::tenants::get(c, id)).await?;
    t.map(Json).ok_or_else(|| ApiError::not_found("Business"))
}

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

/// Shared by admin PATCH and the business's own PATCH.
pub async fn update_business(state: &AppState, auth: &Auth, id: TenantId, body: &BusinessBody) -> ApiResult<Tenant> {
    let fields = body.fields()?;
    let mut entry = auth.audit("business.updated", format!("tenant:{id}"), Value::Null);
    entry.tenant_id = Some(id);
    entry.details = json!({
        "name": fields.name, "timezone": fields.timezone, "ai_auto_reply": fields.ai_auto_reply,
        "phone_e164": fields.phone_e164, "whatsapp_e164": fields.whatsapp_e164,
        "whatsapp_instance": fields.whatsapp_instance,
    });
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            let t = store::tenants::update(tx, id, &fields)?.ok_or_else(|| ApiError::not_found("Business"))?;
            store::audit::record(tx, entry)?;
            Ok(t)
        })
        .await
}

/// Acts inside business `id`: flags in the session, a new session id, the
/// role untouched, the CSRF token kept, an audit row.
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

#[derive(Deserialize)]
struct AuditQuery {
    tenant_id: Option<TenantId>,
    action: Option<String>,
}

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
