//! `/api/auth/*`: login, logout, me, csrf, password change.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    csrf,
    extract::{ApiJson, Auth, ClientIp},
    session::TypedSession,
};
use crate::{
    domain::phone::DEFAULT_REGION,
    domain::{
        PhoneE164, TenantId, UserId,
        text::{self, EMAIL_MAX, NAME_MAX},
    },
    error::{ApiError, ApiResult},
    password::{LOGIN_PASSWORD_MAX, check_policy},
    state::AppState,
    store::{self, tenants::Tenant, users::User},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me, patch_me))
        .routes(routes!(csrf_token))
        .routes(routes!(change_password))
}

/// The user as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = User)]
pub struct UserView<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'static str,
    pub tenant_id: TenantId,
    pub phone_e164: Option<&'a str>,
    pub notify_whatsapp: bool,
    pub notify_push: bool,
}

impl<'a> From<&'a User> for UserView<'a> {
    fn from(u: &'a User) -> Self {
        UserView {
            id: u.id,
            email: &u.email,
            name: &u.name,
            role: u.role.as_str(),
            tenant_id: u.tenant_id,
            phone_e164: u.phone_e164.as_deref(),
            notify_whatsapp: u.notify_whatsapp,
            notify_push: u.notify_push,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = Login)]
struct LoginBody {
    #[schema(schema_with = super::limits::login_email)]
    email: String,
    #[schema(schema_with = super::limits::password)]
    password: String,
}

fn with_xsrf_cookie(state: &AppState, token: &str, body: Value) -> Response {
    let mut res = Json(body).into_response();
    res.headers_mut().append(header::SET_COOKIE, csrf::set_cookie(state, token));
    res
}

fn invalid_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "The email or password is wrong.",
        "Check both and try again; after several failures you will have to wait a little.",
    )
}

/// Same answer, and the same argon2 work, whether the email is unknown, the
/// password wrong or the account disabled.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = LoginBody,
    responses((status = 200, description = "Signed in: the body of GET /api/auth/me; sets the session cookie", body = super::answers::SignedIn)),
    security(()),
)]
async fn login(
    State(state): State<AppState>,
    session: TypedSession,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let ip = ip.unwrap_or_default();
    // Bounded before anything keeps it (throttle map, audit log).
    let email = text::check("email", &body.email, EMAIL_MAX, false)?;
    if body.password.len() > LOGIN_PASSWORD_MAX {
        return Err(ApiError::invalid(
            "password",
            "The password is too long.",
            "Passwords have at most 256 characters.",
        ));
    }
    if let Some(wait) = state.throttle.check(&email, &ip) {
        return Err(ApiError::too_many(wait));
    }
    let found = {
        let email = email.clone();
        state.db.read(move |c| store::users::find_for_login_unscoped(c, &email)).await?
    };
    let hash = found.as_ref().map(|(_, h)| h.clone());
    let password_ok = state.passwords.verify(body.password, hash).await?;
    let user = match found {
        Some((user, _)) if password_ok && !user.disabled => user,
        other => {
            state.throttle.failure(&email, &ip);
            let (tenant_id, user_id) = other.map(|(u, _)| (Some(u.tenant_id), Some(u.id))).unwrap_or((None, None));
            let ip = ip.clone();
            state
                .db
                .write(move |tx| -> ApiResult<_> {
                    Ok(store::audit::record(
                        tx,
                        store::audit::Entry {
                            tenant_id,
                            actor_user_id: user_id,
                            action: "login.failure",
                            target: email,
                            ip: Some(ip),
                            ..Default::default()
                        },
                    )?)
                })
                .await?;
            return Err(invalid_credentials());
        }
    };
    state.throttle.success(&email);
    let token = session.login(user.id).await?;
    let (uid, tid) = (user.id, user.tenant_id);
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            Ok(store::audit::record(
                tx,
                store::audit::Entry {
                    tenant_id: Some(tid),
                    actor_user_id: Some(uid),
                    action: "login.success",
                    target: email,
                    ip: Some(ip),
                    ..Default::default()
                },
            )?)
        })
        .await?;
    Ok(with_xsrf_cookie(&state, &token, json!({ "user": UserView::from(&user), "csrfToken": token })))
}

#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    responses((status = 204, description = "Done")),
    security(()),
)]
async fn logout(State(state): State<AppState>, session: TypedSession) -> ApiResult<Response> {
    session.logout().await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().append(header::SET_COOKIE, csrf::set_cookie(&state, ""));
    Ok(res)
}

/// Works before login. With a session, its bound token (the same one every
/// time, so a second tab never breaks the first). Without one, a signed
/// anonymous token, and nothing is written: the one the browser already holds
/// while it is good for another hour, else a new one.
#[utoipa::path(
    get,
    path = "/api/auth/csrf",
    tag = "auth",
    responses((status = 200, description = "{csrfToken}: send it as X-CSRFToken on every write", body = super::answers::CsrfToken)),
    security(()),
)]
async fn csrf_token(State(state): State<AppState>, session: TypedSession, headers: HeaderMap) -> ApiResult<Response> {
    let current = session.state().await?;
    let token = if current.user_id.is_some() || current.csrf.is_some() {
        session.csrf_token().await?
    } else {
        match csrf::cookie_value(&headers, csrf::COOKIE) {
            Some(held) if state.anon_csrf.remaining(held).is_some_and(|left| left > 3600) => held.to_string(),
            _ => state.anon_csrf.issue(),
        }
    };
    Ok(with_xsrf_cookie(&state, &token, json!({ "csrfToken": token })))
}

/// The `/me` answer, also returned by impersonate and exit.
pub async fn me_body(state: &AppState, auth: &Auth) -> ApiResult<Value> {
    let tenant_id = auth.tenant_id();
    let tenant: Option<Tenant> = state.db.read(move |c| store::tenants::get(c, tenant_id)).await?;
    Ok(json!({
        "user": UserView::from(&auth.user),
        "impersonating": auth.impersonating(),
        "impersonated_tenant_id": auth.impersonation.map(|i| i.tenant_id),
        "impersonation_started_at": auth.impersonation.map(|i| i.started_at),
        "effective_tenant_id": tenant_id,
        "tenant": tenant.map(|t| json!({"id": t.id, "name": t.name, "timezone": t.timezone})),
    }))
}

#[utoipa::path(
    get,
    path = "/api/auth/me",
    tag = "auth",
    responses((status = 200, description = "{user, impersonating, impersonated_tenant_id, impersonation_started_at, effective_tenant_id, tenant}", body = super::answers::Me)),
    security(("session" = [])),
)]
async fn me(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    Ok(Json(me_body(&state, &auth).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ProfilePatch)]
struct MeBody {
    #[schema(schema_with = super::limits::name_patch)]
    name: Option<String>,
    /// null or "" clears the phone.
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::phone_or_empty)]
    phone_e164: Option<Option<String>>,
    notify_whatsapp: Option<bool>,
    notify_push: Option<bool>,
}

/// The caller's own profile: name, the phone alerts go to (read in their
/// business's region, like leads' phones), and which alerts they want.
#[utoipa::path(
    patch,
    path = "/api/auth/me",
    tag = "auth",
    request_body = MeBody,
    responses((status = 200, description = "the same body as GET /api/auth/me", body = super::answers::Me)),
    security(("session" = [], "csrf" = [])),
)]
async fn patch_me(State(state): State<AppState>, auth: Auth, ApiJson(body): ApiJson<MeBody>) -> ApiResult<Json<Value>> {
    let name = body.name.as_deref().map(|n| text::check("name", n, NAME_MAX, false)).transpose()?;
    let phone = match body.phone_e164.as_ref() {
        None => None,
        Some(None) => Some(None),
        Some(Some(p)) if p.trim().is_empty() => Some(None),
        Some(Some(p)) => {
            let region =
                super::leads::region_of(&state, auth.user.tenant_id).await?.unwrap_or_else(|| DEFAULT_REGION.into());
            Some(Some(PhoneE164::parse_field("phone_e164", p, &region)?.into_string()))
        }
    };
    let will_have_phone = match &phone {
        Some(p) => p.is_some(),
        None => auth.user.phone_e164.is_some(),
    };
    if body.notify_whatsapp == Some(true) && !will_have_phone {
        return Err(ApiError::invalid(
            "notify_whatsapp",
            "WhatsApp alerts need your phone number.",
            "Send phone_e164 with notify_whatsapp, or set your phone first.",
        ));
    }
    let profile = store::users::Profile {
        name,
        phone_e164: phone,
        notify_whatsapp: body.notify_whatsapp,
        notify_push: body.notify_push,
    };
    let (uid, tid) = (auth.user.id, auth.user.tenant_id);
    let user = state
        .db
        .write(move |tx| -> ApiResult<_> {
            store::users::update_profile(tx, tid, uid, &profile)?.ok_or_else(|| ApiError::not_found("User"))
        })
        .await?;
    state.user_cache.forget(uid);
    let auth = Auth { user, ..auth };
    Ok(Json(me_body(&state, &auth).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = PasswordChange)]
struct PasswordBody {
    #[schema(schema_with = super::limits::password)]
    current_password: String,
    #[schema(schema_with = super::limits::new_password)]
    new_password: String,
}

/// Changes the caller's password and ends their other sessions.
#[utoipa::path(
    post,
    path = "/api/auth/password",
    tag = "auth",
    request_body = PasswordBody,
    responses((status = 204, description = "Done")),
    security(("session" = [], "csrf" = [])),
)]
async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    session: TypedSession,
    ApiJson(body): ApiJson<PasswordBody>,
) -> ApiResult<StatusCode> {
    check_policy("new_password", &body.new_password)?;
    if body.current_password.len() > LOGIN_PASSWORD_MAX {
        return Err(ApiError::invalid("current_password", "The password is too long.", "Type your current password."));
    }
    let uid = auth.user.id;
    // Guessing the current password here is throttled like a login.
    let (email, ip) = (auth.user.email.clone(), auth.ip.clone().unwrap_or_default());
    if let Some(wait) = state.throttle.check(&email, &ip) {
        return Err(ApiError::too_many(wait));
    }
    let current = state.db.read(move |c| store::users::password_hash_unscoped(c, uid)).await?;
    if !state.passwords.verify(body.current_password, current).await? {
        state.throttle.failure(&email, &ip);
        return Err(ApiError::invalid(
            "current_password",
            "The current password is wrong.",
            "Type the password you signed in with.",
        ));
    }
    let hash = state.passwords.hash(body.new_password).await?;
    let keep = session.id();
    let entry = auth.audit("user.password_changed", format!("user:{uid}"), Value::Null);
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            store::users::set_password_unscoped(tx, uid, &hash)?;
            store::sessions::delete_for_user(tx, uid, keep.as_deref())?;
            Ok(store::audit::record(tx, entry)?)
        })
        .await?;
    state.user_cache.forget(uid);
    state.sessions.forget_user(uid);
    Ok(StatusCode::NO_CONTENT)
}
