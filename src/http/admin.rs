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
    domain::phone::DEFAULT_REGION,
    domain::{
        PhoneE164, Role, Scope, TenantId, hours,
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

/// Business fields as sent by clients; absent = unchanged, null = cleared.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessBody {
    #[schema(schema_with = super::limits::name_required_patch)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::phone_or_empty)]
    pub phone_e164: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::phone_or_empty)]
    pub whatsapp_e164: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::whatsapp_instance)]
    pub whatsapp_instance: Option<Option<String>>,
    #[schema(schema_with = super::bodies::timezone)]
    pub timezone: Option<String>,
    pub ai_auto_reply: Option<bool>,
    /// Only when the business is created (that body is `bodies::NewBusiness`).
    #[schema(ignore)]
    pub owner: Option<OwnerBody>,
    #[schema(schema_with = super::bodies::business_hours)]
    pub business_hours: Option<Value>,
    #[schema(schema_with = super::bodies::holidays)]
    pub holidays: Option<Value>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::phone_or_empty)]
    pub forward_e164: Option<Option<String>>,
    #[schema(schema_with = super::limits::ai_language)]
    pub ai_language: Option<String>,
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 720)]
    pub handoff_hours: Option<u32>,
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 1000)]
    pub ai_max_replies_per_hour: Option<u32>,
    /// AI replies across all of the business's leads in an hour (0 to 10000).
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 0, maximum = 10000)]
    pub ai_max_replies_per_hour_business: Option<u32>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::message_text_optional)]
    pub missed_call_text: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::twilio_template_sid)]
    pub twilio_template_sid: Option<Option<String>>,
    #[schema(schema_with = super::limits::auto_assign)]
    pub auto_assign: Option<String>,
    /// Platform admin only: lets `forward_e164` be a number outside the business's own country.
    pub allow_international_forward: Option<bool>,
}

fn in_range(field: &str, v: Option<u32>, range: std::ops::RangeInclusive<u32>) -> Result<Option<u32>, ApiError> {
    match v {
        Some(n) if !range.contains(&n) => Err(ApiError::invalid(
            field,
            format!("`{field}` is {n}."),
            format!("Use a whole number from {} to {}.", range.start(), range.end()),
        )),
        _ => Ok(v),
    }
}

/// Optional text: empty or null clears it.
fn optional_text(field: &str, v: &Option<Option<String>>, max: usize) -> Result<Option<Option<String>>, ApiError> {
    Ok(match v {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) => Some(Some(text::check(field, s, max, true)?).filter(|s| !s.is_empty())),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    #[schema(schema_with = super::limits::email_required)]
    pub email: String,
    #[serde(default)]
    #[schema(schema_with = super::limits::name)]
    pub name: String,
    #[schema(schema_with = super::limits::new_password)]
    pub password: String,
}

fn parse_phone(field: &str, v: &Option<Option<String>>) -> Result<Option<Option<String>>, ApiError> {
    match v {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(s)) if s.trim().is_empty() => Ok(Some(None)),
        Some(Some(s)) => PhoneE164::parse(s, DEFAULT_REGION)
            .map(|p| Some(Some(p.into_string())))
            .map_err(|e| ApiError::invalid(field, format!("`{field}`: {e}."), "Use E.164, e.g. +972521234567.")),
    }
}

fn check_name(name: &str) -> Result<String, ApiError> {
    Ok(text::required("name", name, NAME_MAX, false)?)
}

/// A real IANA zone name, e.g. `Asia/Jerusalem` or `UTC`.
pub fn check_timezone(tz: &str) -> Result<String, ApiError> {
    Ok(crate::domain::hours::check_timezone(tz)?)
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
            business_hours: self
                .business_hours
                .as_ref()
                .map(|v| hours::WeekHours::parse(v).map(|h| h.to_json()))
                .transpose()?,
            holidays: self
                .holidays
                .as_ref()
                .map(|v| hours::parse_holidays(v).map(|d| hours::holidays_json(&d)))
                .transpose()?,
            forward_e164: parse_phone("forward_e164", &self.forward_e164)?,
            ai_language: match self.ai_language.as_deref() {
                None => None,
                Some(l @ ("he" | "en")) => Some(l.to_string()),
                Some(l) => {
                    return Err(ApiError::invalid(
                        "ai_language",
                        format!("`{l}` is not a language the AI speaks here."),
                        "Use he or en.",
                    ));
                }
            },
            handoff_hours: in_range("handoff_hours", self.handoff_hours, 1..=720)?,
            ai_max_replies_per_hour: in_range("ai_max_replies_per_hour", self.ai_max_replies_per_hour, 1..=1000)?,
            ai_max_replies_per_hour_business: in_range(
                "ai_max_replies_per_hour_business",
                self.ai_max_replies_per_hour_business,
                0..=10_000,
            )?,
            missed_call_text: optional_text("missed_call_text", &self.missed_call_text, text::MESSAGE_MAX)?,
            twilio_template_sid: match optional_text("twilio_template_sid", &self.twilio_template_sid, 64)? {
                Some(Some(sid)) if !(sid.starts_with("HX") && sid[2..].chars().all(|c| c.is_ascii_hexdigit())) => {
                    return Err(ApiError::invalid(
                        "twilio_template_sid",
                        format!("`{sid}` is not a Twilio Content SID."),
                        "Copy the template's SID (HX followed by 32 hex digits) from Twilio's Content Template Builder.",
                    ));
                }
                v => v,
            },
            auto_assign: match self.auto_assign.as_deref() {
                None => None,
                Some(a @ ("none" | "round_robin")) => Some(a.to_string()),
                Some(a) => {
                    return Err(ApiError::invalid(
                        "auto_assign",
                        format!("`{a}` is not an assignment rule."),
                        "Use none or round_robin.",
                    ));
                }
            },
            allow_international_forward: self.allow_international_forward,
        })
    }
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

/// Shared by admin PATCH and the business's own PATCH.
pub async fn update_business(state: &AppState, auth: &Auth, id: TenantId, body: &BusinessBody) -> ApiResult<Tenant> {
    let fields = body.fields()?;
    let mut entry = auth.audit("business.updated", format!("tenant:{id}"), Value::Null);
    entry.tenant_id = Some(id);
    entry.details = json!({
        "name": fields.name, "timezone": fields.timezone, "ai_auto_reply": fields.ai_auto_reply,
        "phone_e164": fields.phone_e164, "whatsapp_e164": fields.whatsapp_e164,
        "whatsapp_instance": fields.whatsapp_instance, "forward_e164": fields.forward_e164,
        "business_hours": fields.business_hours, "holidays": fields.holidays, "ai_language": fields.ai_language,
        "handoff_hours": fields.handoff_hours, "ai_max_replies_per_hour": fields.ai_max_replies_per_hour,
        "ai_max_replies_per_hour_business": fields.ai_max_replies_per_hour_business,
        "missed_call_text": fields.missed_call_text, "twilio_template_sid": fields.twilio_template_sid,
        "auto_assign": fields.auto_assign,
        "allow_international_forward": fields.allow_international_forward,
    });
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            let t = store::tenants::update(tx, id, &fields)?.ok_or_else(|| ApiError::not_found("Business"))?;
            check_forward_country(&t, &fields)?;
            store::audit::record(tx, entry)?;
            Ok(t)
        })
        .await
}

/// Calls forwarded to `forward_e164` are paid by the platform's shared
/// Twilio account, so a newly written number must be in the business's own
/// country unless the platform admin allows others for it. Checked on the
/// business as it is after the write (and the write undone when refused), so
/// a PATCH that sets both the flag and the number is judged by the new flag.
/// A number stored before is left as it is: only writes are checked.
fn check_forward_country(t: &Tenant, fields: &TenantFields) -> Result<(), ApiError> {
    let Some(Some(number)) = &fields.forward_e164 else { return Ok(()) };
    if t.allow_international_forward
        || PhoneE164::parse(number, &t.default_region).is_ok_and(|p| p.in_region(&t.default_region))
    {
        return Ok(());
    }
    Err(ApiError::invalid(
        "forward_e164",
        format!("`{number}` is not a number in this business's country ({}).", t.default_region),
        "Forward calls to a number in the business's own country. Forwarding abroad costs the platform \
         money, so only the platform admin can allow it for a business (allow_international_forward).",
    ))
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
