//! Who is asking, and for which business. `Auth` is the one place the
//! effective tenant is computed; guards build on it.
//! Handlers never look at session fields themselves.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::request::Parts,
};
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::{
    client_ip::ClientAddr,
    session::{Impersonation, TypedSession},
};
use crate::{
    domain::{LeadId, ReminderId, Role, Scope, TenantId, time::unix_now},
    error::ApiError,
    state::AppState,
    store::{self, Actor, users::User},
};

/// A signed-in, enabled user with a live session.
#[derive(Clone, Debug)]
pub struct Auth {
    pub user: User,
    /// Set while an admin is acting inside a business (and not yet expired).
    pub impersonation: Option<Impersonation>,
    /// The caller's address, for the audit log.
    pub ip: Option<String>,
    /// What was asked (`PATCH /api/leads/7`): the target of an admin's write into another business.
    pub request: String,
}

impl Auth {
    /// The business this request acts in: the impersonated one while
    /// impersonating, else the user's home business.
    pub fn tenant_id(&self) -> TenantId {
        match self.impersonation {
            Some(imp) => imp.tenant_id,
            None => self.user.tenant_id,
        }
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn is_admin(&self) -> bool {
        self.user.role == Role::SystemAdmin
    }

    pub fn impersonating(&self) -> bool {
        self.impersonation.is_some()
    }

    /// The real person behind a change.
    pub fn actor(&self) -> Actor {
        Actor { user_id: self.user.id, impersonating: self.impersonating() }
    }

    /// For cross-tenant list views: an admin who is not impersonating sees all.
    pub fn list_scope(&self) -> Scope {
        if self.is_admin() && !self.impersonating() { Scope::All } else { Scope::Tenant(self.tenant_id()) }
    }

    /// The platform admin, not impersonating, changing another business's
    /// data: that business's audit log records it as it would an impersonated
    /// write (`admin.write`, who, what, from where). None otherwise.
    pub fn cross_tenant_write(&self, tenant_id: TenantId) -> Option<store::audit::Entry<'static>> {
        (self.is_admin() && !self.impersonating() && tenant_id != self.user.tenant_id).then(|| store::audit::Entry {
            tenant_id: Some(tenant_id),
            actor_user_id: Some(self.user.id),
            action: "admin.write",
            target: self.request.clone(),
            details: serde_json::Value::Null,
            ip: self.ip.clone(),
            impersonating: false,
        })
    }

    /// An audit entry pre-filled with who, where and the effective tenant.
    pub fn audit<'a>(&self, action: &'a str, target: String, details: serde_json::Value) -> store::audit::Entry<'a> {
        store::audit::Entry {
            tenant_id: Some(self.tenant_id()),
            actor_user_id: Some(self.user.id),
            action,
            target,
            details,
            ip: self.ip.clone(),
            impersonating: self.impersonating(),
        }
    }
}

/// The client address resolved by [`super::client_ip::layer`] (the TCP peer
/// when no trusted proxy is in front).
pub fn client_ip(parts: &Parts) -> Option<String> {
    parts.extensions.get::<ClientAddr>().map(|c| c.0.to_string())
}

/// The client's address (see [`super::client_ip`]).
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

pub fn typed_session(parts: &Parts) -> Result<TypedSession, ApiError> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .map(TypedSession)
        .ok_or_else(|| ApiError::internal("session layer missing"))
}

impl FromRequestParts<AppState> for TypedSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        typed_session(parts)
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(auth) = parts.extensions.get::<Auth>() {
            return Ok(auth.clone());
        }
        let session = typed_session(parts)?;
        let mut s = session.state().await?;
        let Some(user_id) = s.user_id else { return Err(ApiError::not_authenticated()) };
        let now = unix_now();
        if now - s.login_at > state.config.session_max.as_secs() as i64 {
            session.logout().await?;
            return Err(ApiError::not_authenticated());
        }
        let user = match state.user_cache.get(user_id) {
            Some(u) => Some(u),
            None => {
                let u = state.db.read(move |c| store::users::get_unscoped(c, user_id)).await?;
                if let Some(u) = &u {
                    state.user_cache.put(u.clone());
                }
                u
            }
        };
        let user = match user {
            Some(u) if !u.disabled => u,
            _ => {
                session.logout().await?;
                return Err(ApiError::not_authenticated());
            }
        };
        if let Some(imp) = s.impersonation
            && (now - imp.started_at > state.config.impersonation_limit.as_secs() as i64
                || user.role != Role::SystemAdmin)
        {
            // Expired (or the user is no longer an admin): back to their own business.
            s.impersonation = None;
            session.set_impersonation(None).await?;
        }
        session.touch(&s, state.config.session_idle.as_secs() as i64).await?;
        let request = format!("{} {}", parts.method, parts.uri.path());
        let auth = Auth { user, impersonation: s.impersonation, ip: client_ip(parts), request };
        parts.extensions.insert(auth.clone());
        if let Some(slot) = parts.extensions.get::<AuthSlot>() {
            slot.set(&auth);
        }
        Ok(auth)
    }
}

/// Where `Auth` leaves what it computed for layers that act after the
/// handler (the audit of impersonated writes), so they need not read the
/// session again.
#[derive(Clone, Default)]
pub struct AuthSlot(std::sync::Arc<std::sync::OnceLock<Auth>>);

impl AuthSlot {
    fn set(&self, auth: &Auth) {
        let _ = self.0.set(auth.clone());
    }

    pub fn get(&self) -> Option<&Auth> {
        self.0.get()
    }
}

/// A lead in the caller's scope, from the `{id}` of the path: another
/// business's lead (or none) is 404 before the handler runs.
pub struct ScopedLead {
    pub auth: Auth,
    pub lead: store::leads::Lead,
}

impl FromRequestParts<AppState> for ScopedLead {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let auth = Auth::from_request_parts(parts, state).await?;
        let ApiPath(id) = ApiPath::<LeadId>::from_request_parts(parts, state).await?;
        let scope = auth.list_scope();
        let lead = state.db.read(move |c| store::leads::get(c, scope, id)).await?;
        let lead = lead.ok_or_else(|| {
            tracing::debug!(lead = id.0, ?scope, "lead not found in scope");
            ApiError::not_found("Lead")
        })?;
        Ok(ScopedLead { auth, lead })
    }
}

/// A reminder in the caller's scope, from the `{id}` of the path: another
/// business's reminder (or none) is 404 before the handler runs.
pub struct ScopedReminder {
    pub auth: Auth,
    pub reminder: store::reminders::Reminder,
}

impl FromRequestParts<AppState> for ScopedReminder {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let auth = Auth::from_request_parts(parts, state).await?;
        let ApiPath(id) = ApiPath::<ReminderId>::from_request_parts(parts, state).await?;
        let scope = auth.list_scope();
        let reminder = state.db.read(move |c| store::reminders::get(c, scope, id)).await?;
        let reminder = reminder.ok_or_else(|| ApiError::not_found("Reminder"))?;
        Ok(ScopedReminder { auth, reminder })
    }
}

/// The platform admin (impersonating or not).
pub struct AdminAuth(pub Auth);

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let auth = Auth::from_request_parts(parts, state).await?;
        if !auth.is_admin() {
            return Err(ApiError::forbidden("This needs the platform admin."));
        }
        Ok(AdminAuth(auth))
    }
}

/// An owner of the effective business, or the platform admin.
pub struct ManagerAuth(pub Auth);

impl FromRequestParts<AppState> for ManagerAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let auth = Auth::from_request_parts(parts, state).await?;
        if !matches!(auth.role(), Role::Owner | Role::SystemAdmin) {
            return Err(ApiError::forbidden("This needs an owner of the business or the platform admin."));
        }
        Ok(ManagerAuth(auth))
    }
}

/// `axum::Json` whose rejections are `ApiError`s (415 for non-JSON bodies).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(ObjectOnly(v)) = axum::Json::<ObjectOnly<T>>::from_request(req, state).await?;
        Ok(ApiJson(v))
    }
}

/// Every JSON body of the API is an object. serde also reads a struct from
/// an array of its fields in order (`[null, null]` would be a patch that
/// changes nothing, answered 200): this takes `T` from a JSON object only.
struct ObjectOnly<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Object<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Object(std::marker::PhantomData)).map(ObjectOnly)
    }
}

/// `axum::extract::Path` with `ApiError` rejections.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(v) = axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(ApiPath(v))
    }
}

/// `axum::extract::Query` with `ApiError` rejections.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(v) = axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(v))
    }
}

/// `?page=&page_size=` of a list endpoint.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

impl PageQuery {
    pub fn request(&self, default_size: i64) -> store::PageRequest {
        store::PageRequest::new(self.page, self.page_size, default_size)
    }
}

pub use super::user_cache::{USER_CACHE_TTL, UserCache};
