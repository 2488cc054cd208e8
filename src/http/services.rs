//! `/api/services`: what a business books. Everyone in the business reads
//! them (the calendar and the AI need them); owners and the platform admin
//! write them.

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{ApiJson, ApiPath, Auth, ManagerAuth};
use crate::{
    domain::{ServiceId, TenantId, UserId, text},
    error::{ApiError, ApiResult},
    state::AppState,
    store::{
        self,
        services::{Deleted, Service, ServiceFields},
    },
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(update, remove))
}

#[derive(Serialize, utoipa::ToSchema)]
struct ServiceList {
    items: Vec<Service>,
}

#[utoipa::path(
    get,
    path = "/api/services",
    tag = "appointments",
    responses((status = 200, description = "The business's services, by name", body = ServiceList)),
    security(("session" = [])),
)]
async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<ServiceList>> {
    let tenant_id = auth.tenant_id();
    let items = state.db.read(move |c| store::services::list(c, tenant_id, false)).await?;
    Ok(Json(ServiceList { items }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewService {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    #[serde(deserialize_with = "super::whole::required")]
    #[schema(minimum = 5, maximum = 480)]
    duration_min: i64,
    /// In agorot (1/100 shekel).
    #[serde(default, deserialize_with = "super::whole::optional")]
    #[schema(minimum = 0, maximum = 100_000_000)]
    price: Option<i64>,
    #[serde(default, deserialize_with = "super::whole::optional")]
    #[schema(minimum = 0, maximum = 120)]
    buffer_before_min: Option<i64>,
    #[serde(default, deserialize_with = "super::whole::optional")]
    #[schema(minimum = 0, maximum = 120)]
    buffer_after_min: Option<i64>,
    /// Who gives it (users of the business); empty = every staff member with hours.
    #[schema(max_items = 200)]
    staff_user_ids: Option<Vec<UserId>>,
    active: Option<bool>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ServicePatch {
    #[schema(min_length = 1, max_length = 200)]
    name: Option<String>,
    #[serde(default, deserialize_with = "super::whole::optional")]
    #[schema(minimum = 5, maximum = 480)]
    duration_min: Option<i64>,
    #[serde(default, deserialize_with = "super::whole::nullable")]
    #[schema(minimum = 0, maximum = 100_000_000)]
    price: Option<Option<i64>>,
    #[serde(default, deserialize_with = "super::whole::optional")]
    #[schema(minimum = 0, maximum = 120)]
    buffer_before_min: Option<i64>,
    #[serde(default, deserialize_with = "super::whole::optional")]
    #[schema(minimum = 0, maximum = 120)]
    buffer_after_min: Option<i64>,
    #[schema(max_items = 200)]
    staff_user_ids: Option<Vec<UserId>>,
    active: Option<bool>,
}

fn range(field: &str, v: Option<i64>, lo: i64, hi: i64) -> ApiResult<Option<i64>> {
    match v {
        Some(n) if !(lo..=hi).contains(&n) => Err(ApiError::invalid(
            field,
            format!("`{field}` is {n}."),
            format!("Use a whole number from {lo} to {hi}."),
        )),
        _ => Ok(v),
    }
}

impl ServicePatch {
    fn fields(&self) -> ApiResult<ServiceFields> {
        Ok(ServiceFields {
            name: self.name.as_deref().map(|n| text::required("name", n, 200, false)).transpose()?,
            duration_min: range("duration_min", self.duration_min, 5, 480)?,
            price: match self.price {
                Some(p) => Some(range("price", p, 0, 100_000_000)?),
                None => None,
            },
            buffer_before_min: range("buffer_before_min", self.buffer_before_min, 0, 120)?,
            buffer_after_min: range("buffer_after_min", self.buffer_after_min, 0, 120)?,
            active: self.active,
        })
    }
}

/// The staff named are enabled owners or agents of the business.
fn check_staff(c: &rusqlite::Connection, tenant_id: TenantId, ids: &[UserId]) -> ApiResult<()> {
    let staff = store::schedules::staff(c, tenant_id, ids)?;
    match ids.iter().find(|id| !staff.iter().any(|(u, _)| u == *id)) {
        Some(bad) => Err(ApiError::invalid(
            "staff_user_ids",
            format!("User {bad} is not an enabled staff member of this business."),
            "Name users of the business (GET /api/business/current/users), or send [] for everyone.",
        )),
        None => Ok(()),
    }
}

#[utoipa::path(
    post,
    path = "/api/services",
    tag = "appointments",
    request_body = NewService,
    responses((status = 201, description = "Created", body = Service)),
    security(("session" = [], "csrf" = [])),
)]
async fn create(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiJson(b): ApiJson<NewService>,
) -> ApiResult<(StatusCode, Json<Service>)> {
    let patch = ServicePatch {
        name: Some(b.name),
        duration_min: Some(b.duration_min),
        price: Some(b.price),
        buffer_before_min: b.buffer_before_min,
        buffer_after_min: b.buffer_after_min,
        staff_user_ids: None,
        active: b.active,
    };
    let fields = patch.fields()?;
    let staff = b.staff_user_ids.unwrap_or_default();
    let tenant_id = auth.tenant_id();
    let service = state
        .db
        .write(move |tx| -> ApiResult<_> {
            check_staff(tx, tenant_id, &staff)?;
            let id = store::services::insert(tx, tenant_id, &fields)?;
            store::services::set_staff(tx, id, &staff)?;
            store::services::get(tx, tenant_id, id)?.ok_or_else(|| ApiError::not_found("Service"))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(service)))
}

#[utoipa::path(
    patch,
    path = "/api/services/{id}",
    tag = "appointments",
    params(("id" = i64, Path, description = "Service id")),
    request_body = ServicePatch,
    responses((status = 200, description = "Updated", body = Service)),
    security(("session" = [], "csrf" = [])),
)]
async fn update(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiPath(id): ApiPath<ServiceId>,
    ApiJson(p): ApiJson<ServicePatch>,
) -> ApiResult<Json<Service>> {
    let fields = p.fields()?;
    let tenant_id = auth.tenant_id();
    let service = state
        .db
        .write(move |tx| -> ApiResult<_> {
            if !store::services::update(tx, tenant_id, id, &fields)? {
                return Err(ApiError::not_found("Service"));
            }
            if let Some(staff) = &p.staff_user_ids {
                check_staff(tx, tenant_id, staff)?;
                store::services::set_staff(tx, id, staff)?;
            }
            store::services::get(tx, tenant_id, id)?.ok_or_else(|| ApiError::not_found("Service"))
        })
        .await?;
    Ok(Json(service))
}

#[utoipa::path(
    delete,
    path = "/api/services/{id}",
    tag = "appointments",
    params(("id" = i64, Path, description = "Service id")),
    responses((status = 204, description = "Deleted")),
    security(("session" = [], "csrf" = [])),
)]
async fn remove(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiPath(id): ApiPath<ServiceId>,
) -> ApiResult<StatusCode> {
    let tenant_id = auth.tenant_id();
    match state.db.write(move |tx| store::services::delete(tx, tenant_id, id)).await? {
        Deleted::Gone => Ok(StatusCode::NO_CONTENT),
        Deleted::NotFound => Err(ApiError::not_found("Service")),
        Deleted::InUse => Err(ApiError::conflict(
            "service_in_use",
            "Appointments were booked for this service, so it stays on their record.",
            "Set {\"active\": false} to stop offering it instead.",
        )),
    }
}
