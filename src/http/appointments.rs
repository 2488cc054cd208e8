//! `/api/availability` and `/api/appointments`: free slots, and booking,
//! moving, confirming, completing and cancelling. The rules are the core's
//! (`core::appointments`); this module parses requests and shapes answers.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    RawJson,
    availability_cache::Question,
    extract::{ApiJson, ApiPath, ApiQuery, Auth, PageQuery},
};
use crate::{
    core::appointments::{self as booking, BookingError, Who, availability},
    domain::{AppointmentId, AppointmentStatus, LeadId, ServiceId, UserId, slots::Slot, text, time},
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, Page, appointments::Appointment},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(available))
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(cancel))
}

/// An appointment's note, at most.
const NOTE_MAX: usize = 2000;

/// The longest window availability answers for.
const MAX_WINDOW_DAYS: i64 = 31;

#[derive(Serialize, utoipa::ToSchema)]
pub struct SlotView {
    starts_at: String,
    ends_at: String,
    staff_user_id: UserId,
}

impl From<&Slot> for SlotView {
    fn from(s: &Slot) -> Self {
        SlotView {
            starts_at: availability::stored(s.starts_at),
            ends_at: availability::stored(s.ends_at),
            staff_user_id: s.staff_user_id,
        }
    }
}

fn views(slots: &[Slot]) -> Vec<SlotView> {
    slots.iter().map(SlotView::from).collect()
}

/// The one place a booking refusal becomes an answer.
impl From<BookingError> for ApiError {
    fn from(e: BookingError) -> Self {
        match e {
            BookingError::Store(e) => e.into(),
            BookingError::Invalid(e) => e.into(),
            BookingError::NotFound(what) => {
                let mut c = what.chars();
                ApiError::not_found(
                    &c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default(),
                )
            }
            BookingError::Taken(alt) => ApiError::conflict(
                "slot_taken",
                "Another appointment holds this time.",
                "Pick one of the alternatives (the next free slots), or ask GET /api/availability.",
            )
            .with("alternatives", json!(views(&alt))),
            BookingError::Unavailable(alt) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "slot_unavailable",
                "This time is not bookable (outside hours, off the slot grid, too soon or too far ahead).",
                "Pick one of the alternatives (the next free slots), or ask GET /api/availability.",
            )
            .with("alternatives", json!(views(&alt))),
            BookingError::Status(message) => ApiError::conflict(
                "invalid_status_change",
                message,
                "Statuses go booked -> confirmed -> completed | no_show, or cancelled; those last three are final.",
            ),
        }
    }
}

fn instant(field: &str, s: &str) -> ApiResult<DateTime<Utc>> {
    let t = time::parse_field(field, s)?;
    availability::parse_utc(&time::format(t)).ok_or_else(|| ApiError::invalid(field, "Not a time.", "Send RFC 3339."))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AvailabilityQuery {
    service_id: ServiceId,
    /// RFC 3339; slots starting at or after.
    #[param(schema_with = super::limits::instant)]
    from: String,
    /// RFC 3339; slots starting before; at most 31 days after `from`.
    #[param(schema_with = super::limits::instant)]
    to: String,
    staff_user_id: Option<UserId>,
}

/// The answer of `GET /api/availability`, as the document describes it
/// (written by [`availability_json`]).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // described, never built
struct Availability {
    time_zone: String,
    slots: Vec<SlotView>,
}

/// `{time_zone, slots: [{starts_at, ends_at, staff_user_id}]}` written
/// straight into one buffer: a month of slots for a dozen staff members is
/// thousands of entries, and this is the hot path of booking.
fn availability_json(time_zone: &str, slots: &[Slot]) -> RawJson {
    let mut out = String::with_capacity(64 + slots.len() * 96);
    out.push_str("{\"time_zone\":");
    out.push_str(&serde_json::Value::from(time_zone).to_string());
    out.push_str(",\"slots\":[");
    for (i, s) in slots.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"starts_at\":\"");
        availability::push_stored(&mut out, s.starts_at);
        out.push_str("\",\"ends_at\":\"");
        availability::push_stored(&mut out, s.ends_at);
        out.push_str("\",\"staff_user_id\":");
        out.push_str(&s.staff_user_id.0.to_string());
        out.push('}');
    }
    out.push_str("]}");
    RawJson(out.into_bytes().into())
}

#[utoipa::path(
    get,
    path = "/api/availability",
    tag = "appointments",
    params(AvailabilityQuery),
    responses((status = 200, description = "Free slots, by start time then staff member", body = Availability)),
    security(("session" = [])),
)]
async fn available(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AvailabilityQuery>,
) -> ApiResult<RawJson> {
    let (from, to) = (instant("from", &q.from)?, instant("to", &q.to)?);
    if to <= from || to - from > Duration::days(MAX_WINDOW_DAYS) {
        return Err(ApiError::invalid(
            "to",
            format!("`to` must come after `from`, at most {MAX_WINDOW_DAYS} days later."),
            "Ask for a shorter window, e.g. a week at a time.",
        ));
    }
    let question = Question {
        tenant: auth.tenant_id(),
        service: q.service_id,
        staff: q.staff_user_id,
        window: (from.timestamp_millis(), to.timestamp_millis()),
    };
    // Taken before reading: a change committed meanwhile retires this answer.
    let generation = state.db.booking_generation();
    if let Some(body) = state.availability.get(&question, generation) {
        return Ok(RawJson(body));
    }
    let tenant_id = question.tenant;
    let answer = state
        .db
        .read(move |c| -> Result<_, BookingError> {
            let inputs = availability::Inputs::load(c, tenant_id, q.service_id, q.staff_user_id)?;
            let slots = inputs.slots(c, availability::Rules::Offered, Utc::now(), (from, to), None, true)?;
            Ok(availability_json(&inputs.tenant.timezone, &slots))
        })
        .await?;
    state.availability.put(question, generation, answer.0.clone());
    Ok(answer)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Appointments starting at or after (RFC 3339); empty for no bound.
    #[param(schema_with = super::limits::instant)]
    from: Option<String>,
    /// Appointments starting before (RFC 3339); empty for no bound.
    #[param(schema_with = super::limits::instant)]
    to: Option<String>,
    staff_user_id: Option<UserId>,
    status: Option<AppointmentStatus>,
    lead_id: Option<LeadId>,
}

/// A time bound of the list: empty or absent is none.
fn bound(field: &str, v: Option<&str>) -> Result<Option<String>, crate::error::ApiError> {
    Ok(v.filter(|s| !s.is_empty()).map(|s| time::parse_field(field, s).map(time::format)).transpose()?)
}

#[utoipa::path(
    get,
    path = "/api/appointments",
    tag = "appointments",
    params(ListQuery, PageQuery),
    responses((status = 200, description = "Appointments by start time", body = Page<Appointment>)),
    security(("session" = [])),
)]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Appointment>>> {
    let filter = store::appointments::Filter {
        from: bound("from", q.from.as_deref())?,
        to: bound("to", q.to.as_deref())?,
        staff_user_id: q.staff_user_id,
        status: q.status,
        lead_id: q.lead_id,
    };
    let (tenant_id, page) = (auth.tenant_id(), page.request(50));
    Ok(Json(state.db.read(move |c| store::appointments::list(c, tenant_id, &filter, page)).await?))
}

#[utoipa::path(
    get,
    path = "/api/appointments/{id}",
    tag = "appointments",
    params(("id" = i64, Path, description = "Appointment id")),
    responses((status = 200, description = "The appointment", body = Appointment)),
    security(("session" = [])),
)]
async fn get_one(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<AppointmentId>,
) -> ApiResult<Json<Appointment>> {
    let tenant_id = auth.tenant_id();
    Ok(Json(state.db.read(move |c| booking::get(c, tenant_id, id)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewAppointment {
    lead_id: LeadId,
    service_id: ServiceId,
    /// A start that GET /api/availability offers (RFC 3339).
    #[schema(format = DateTime)]
    starts_at: String,
    /// Leave out to book whoever is free (the one with the fewest bookings that day, then the lowest id).
    staff_user_id: Option<UserId>,
    #[schema(max_length = 2000)]
    note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/appointments",
    tag = "appointments",
    request_body = NewAppointment,
    responses((status = 201, description = "Booked", body = Appointment)),
    security(("session" = [], "csrf" = [])),
)]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<NewAppointment>,
) -> ApiResult<(StatusCode, Json<Appointment>)> {
    let booking = booking::Booking {
        lead_id: b.lead_id,
        service_id: b.service_id,
        starts_at: instant("starts_at", &b.starts_at)?,
        staff_user_id: b.staff_user_id,
        note: text::check("note", b.note.as_deref().unwrap_or(""), NOTE_MAX, true)?,
    };
    let (tenant_id, who) = (auth.tenant_id(), Who::person(auth.actor()));
    let changed = state.db.write(move |tx| booking::book(tx, tenant_id, &booking, who, Utc::now())).await?;
    booking::announce(&state, &changed);
    Ok((StatusCode::CREATED, Json(changed.appointment)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AppointmentPatch {
    /// Moves it (the same checks as booking).
    #[schema(format = DateTime)]
    starts_at: Option<String>,
    /// With `starts_at`: who gives it then (default: the same person when free).
    staff_user_id: Option<UserId>,
    /// `confirmed`, `completed` or `no_show` (cancel with POST .../cancel).
    status: Option<AppointmentStatus>,
    #[schema(max_length = 2000)]
    note: Option<String>,
}

#[utoipa::path(
    patch,
    path = "/api/appointments/{id}",
    tag = "appointments",
    params(("id" = i64, Path, description = "Appointment id")),
    request_body = AppointmentPatch,
    responses((status = 200, description = "Updated", body = Appointment)),
    security(("session" = [], "csrf" = [])),
)]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<AppointmentId>,
    ApiJson(p): ApiJson<AppointmentPatch>,
) -> ApiResult<Json<Appointment>> {
    let starts_at = p.starts_at.as_deref().map(|s| instant("starts_at", s)).transpose()?;
    if p.staff_user_id.is_some() && starts_at.is_none() {
        return Err(ApiError::invalid(
            "staff_user_id",
            "`staff_user_id` moves an appointment only together with `starts_at`.",
            "Send both, e.g. the same starts_at with another staff member.",
        ));
    }
    if p.status == Some(AppointmentStatus::Cancelled) || p.status == Some(AppointmentStatus::Booked) {
        return Err(ApiError::invalid(
            "status",
            "`status` here is confirmed, completed or no_show.",
            "Cancel with POST /api/appointments/{id}/cancel; a move sets booked by itself.",
        ));
    }
    let note = p.note.as_deref().map(|n| text::check("note", n, NOTE_MAX, true)).transpose()?;
    let (tenant_id, who, status, staff) = (auth.tenant_id(), Who::person(auth.actor()), p.status, p.staff_user_id);
    let (a, changes) = state
        .db
        .write(move |tx| -> Result<_, BookingError> {
            let mut changes = Vec::new();
            booking::get(tx, tenant_id, id)?;
            if let Some(n) = &note {
                store::appointments::set_note(tx, tenant_id, id, n)?;
            }
            if let Some(at) = starts_at {
                changes.push(booking::reschedule(tx, tenant_id, id, at, staff, who, Utc::now())?);
            }
            if let Some(s) = status {
                changes.extend(booking::set_status(tx, tenant_id, id, s, who)?);
            }
            Ok((booking::get(tx, tenant_id, id)?, changes))
        })
        .await?;
    changes.iter().for_each(|c| booking::announce(&state, c));
    Ok(Json(a))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    #[schema(max_length = 500)]
    reason: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/appointments/{id}/cancel",
    tag = "appointments",
    params(("id" = i64, Path, description = "Appointment id")),
    request_body = CancelBody,
    responses((status = 200, description = "Cancelled", body = Appointment)),
    security(("session" = [], "csrf" = [])),
)]
async fn cancel(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<AppointmentId>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Appointment>> {
    // The body is optional: no body cancels without a reason.
    let b: CancelBody = match body.iter().all(u8::is_ascii_whitespace) {
        true => CancelBody::default(),
        false => serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(format!("The body is not a cancel: {e}"), "Send {} or {\"reason\": \"...\"}.")
        })?,
    };
    let reason = b.reason.as_deref().map(|r| text::check("reason", r, 500, true)).transpose()?;
    let (tenant_id, who) = (auth.tenant_id(), Who::person(auth.actor()));
    let changed = state
        .db
        .write(move |tx| booking::cancel(tx, tenant_id, id, reason.as_deref().filter(|r| !r.is_empty()), who))
        .await?;
    booking::announce(&state, &changed);
    Ok(Json(changed.appointment))
}
