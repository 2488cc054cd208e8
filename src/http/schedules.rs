//! `GET|PUT /api/business/current/users/{id}/schedule`: a staff member's
//! week and time off. Owners (and the platform admin) read and write
//! anyone's; a user reads their own.

use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{ApiJson, ApiPath, Auth, ManagerAuth};
use crate::{
    domain::{Role, UserId, hours::WeekHours, text, time},
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, schedules::Stored},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read, write))
}

/// At most this many time-off entries per person.
const TIME_OFF_MAX: usize = 200;

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeOff {
    #[schema(format = DateTime)]
    starts_at: String,
    #[schema(format = DateTime)]
    ends_at: String,
    #[schema(max_length = 200)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ScheduleView {
    user_id: UserId,
    /// In the shape of `business_hours`; the business's own when the person has none.
    work_hours: Value,
    /// Whether `work_hours` are the business's (the person set none).
    uses_business_hours: bool,
    time_off: Vec<TimeOff>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SchedulePut {
    /// `{"sun":[["09:00","18:00"]], ..., "sat":[]}`; null = the business's hours.
    #[schema(schema_with = super::business_schemas::business_hours)]
    work_hours: Option<Value>,
    #[serde(default)]
    #[schema(max_items = 200)]
    time_off: Vec<TimeOff>,
}

fn view(user_id: UserId, s: Stored, business_hours: &Value) -> ScheduleView {
    let own = s.work_hours.as_deref().and_then(|h| serde_json::from_str::<Value>(h).ok());
    ScheduleView {
        user_id,
        uses_business_hours: own.is_none(),
        work_hours: own.unwrap_or_else(|| business_hours.clone()),
        time_off: serde_json::from_str(&s.time_off).unwrap_or_default(),
    }
}

#[utoipa::path(
    get,
    path = "/api/business/current/users/{id}/schedule",
    tag = "appointments",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The staff member's hours and time off", body = ScheduleView)),
    security(("session" = [])),
)]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<Json<ScheduleView>> {
    if id != auth.user.id && !matches!(auth.role(), Role::Owner | Role::SystemAdmin) {
        return Err(ApiError::forbidden("Only owners read other people's schedules."));
    }
    let tenant_id = auth.tenant_id();
    let (s, tenant) = state
        .db
        .read(move |c| -> ApiResult<_> {
            let s = store::schedules::get(c, tenant_id, id)?.ok_or_else(|| ApiError::not_found("User"))?;
            Ok((s, store::tenants::get(c, tenant_id)?.ok_or_else(|| ApiError::not_found("Business"))?))
        })
        .await?;
    Ok(Json(view(id, s, &tenant.business_hours)))
}

#[utoipa::path(
    put,
    path = "/api/business/current/users/{id}/schedule",
    tag = "appointments",
    params(("id" = i64, Path, description = "User id")),
    request_body = SchedulePut,
    responses((status = 200, description = "Saved", body = ScheduleView)),
    security(("session" = [], "csrf" = [])),
)]
async fn write(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(b): ApiJson<SchedulePut>,
) -> ApiResult<Json<ScheduleView>> {
    let work_hours = match &b.work_hours {
        Some(v) => Some(
            WeekHours::parse(v)
                .map_err(|mut e| {
                    e.field = "work_hours".into();
                    e.message = e.message.replace("`business_hours`", "`work_hours`");
                    e
                })?
                .to_json()
                .to_string(),
        ),
        None => None,
    };
    if b.time_off.len() > TIME_OFF_MAX {
        return Err(ApiError::invalid("time_off", format!("At most {TIME_OFF_MAX} entries."), "Remove past ones."));
    }
    let mut off = Vec::with_capacity(b.time_off.len());
    for t in &b.time_off {
        let (from, until) = (time::parse_field("time_off", &t.starts_at)?, time::parse_field("time_off", &t.ends_at)?);
        if until <= from {
            return Err(ApiError::invalid(
                "time_off",
                format!("Time off from {} ends before it starts.", t.starts_at),
                "Each entry's ends_at comes after its starts_at.",
            ));
        }
        let note = t.note.as_deref().map(|n| text::check("time_off", n, 200, false)).transpose()?;
        off.push(TimeOff { starts_at: time::format(from), ends_at: time::format(until), note });
    }
    let stored = Stored { work_hours, time_off: serde_json::to_string(&off).map_err(ApiError::internal)? };
    let tenant_id = auth.tenant_id();
    let (s, tenant) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            store::schedules::get(tx, tenant_id, id)?.ok_or_else(|| ApiError::not_found("User"))?;
            store::schedules::put(tx, tenant_id, id, &stored)?;
            Ok((stored, store::tenants::get(tx, tenant_id)?.ok_or_else(|| ApiError::not_found("Business"))?))
        })
        .await?;
    Ok(Json(view(id, s, &tenant.business_hours)))
}
