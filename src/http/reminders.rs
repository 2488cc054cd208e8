//! Reminders: `/api/leads/:id/reminders`, `/api/reminders*`.
//! Times are RFC 3339 in, UTC out; the UI shows them in the business's zone.

use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::extract::{ApiJson, ApiQuery, Auth, PageQuery, ScopedLead, ScopedReminder};
use crate::{
    core,
    domain::ActivityKind,
    domain::{
        ReminderStatus, Scope, UserId,
        text::{self, NOTE_MAX},
        time::{format, parse_field},
    },
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, Page, reminders::Reminder},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_for_lead, create)).routes(routes!(mine)).routes(routes!(snooze, cancel))
}

/// A future instant from a request, in the stored format.
fn future_time(s: &str) -> Result<String, ApiError> {
    let t = parse_field("due_at", s)?;
    if t <= OffsetDateTime::now_utc() {
        return Err(ApiError::invalid("due_at", "The reminder time is in the past.", "Pick a time in the future."));
    }
    Ok(format(t))
}

#[utoipa::path(
    get,
    path = "/api/leads/{id}/reminders",
    tag = "reminders",
    params(("id" = i64, Path, description = "Lead id"), PageQuery),
    responses((status = 200, description = "OK", body = Page<Reminder>)),
    security(("session" = [])),
)]
async fn list_for_lead(
    State(state): State<AppState>,
    ScopedLead { lead, .. }: ScopedLead,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Reminder>>> {
    let (tenant_id, id) = (lead.tenant_id, lead.id);
    let page = q.request(100);
    Ok(Json(state.db.read(move |c| store::reminders::list_for_lead(c, tenant_id, id, page)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewReminder)]
struct CreateBody {
    #[schema(schema_with = super::limits::due_at)]
    due_at: String,
    #[serde(default)]
    #[schema(schema_with = super::limits::note)]
    note: String,
    assignee_user_id: Option<UserId>,
    /// When due, the AI calls the lead (in business hours) instead of only reminding.
    #[serde(default)]
    call: bool,
}

#[utoipa::path(
    post,
    path = "/api/leads/{id}/reminders",
    tag = "reminders",
    params(("id" = i64, Path, description = "Lead id")),
    request_body = CreateBody,
    responses((status = 201, description = "Created", body = Reminder)),
    security(("session" = [], "csrf" = [])),
)]
async fn create(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Reminder>)> {
    let due = future_time(&body.due_at)?;
    let note = text::check("note", &body.note, NOTE_MAX, true)?;
    let lead_id = lead.id;
    let tenant_id = lead.tenant_id;
    let actor = auth.actor();
    let assignee = body.assignee_user_id.unwrap_or(actor.user_id);
    let cross = auth.cross_tenant_write(tenant_id);
    let (reminder, act) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            core::audit::cross_tenant(tx, cross)?;
            if assignee != actor.user_id && store::users::get_in_tenant(tx, tenant_id, assignee)?.is_none() {
                return Err(ApiError::invalid(
                    "assignee_user_id",
                    "The assignee is not a user of this business.",
                    "Pick someone from the business's users, or leave it empty for yourself.",
                ));
            }
            let new = store::reminders::NewReminder { due_at: &due, note: &note, call: body.call };
            let r = store::reminders::insert(tx, tenant_id, lead_id, assignee, Some(actor.user_id), &new)?;
            let act = store::activities::add(
                tx,
                tenant_id,
                lead_id,
                ActivityKind::ReminderSet,
                &note,
                &json!({"reminder_id": r.id, "due_at": r.due_at, "assignee_user_id": assignee, "call": r.call}),
                Some(actor),
            )?;
            Ok((r, act))
        })
        .await?;
    state.reminder_wake.now();
    state.events.activity(&act);
    Ok((StatusCode::CREATED, Json(reminder)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MineQuery {
    #[param(schema_with = super::limits::reminder_status_filter)]
    status: Option<String>,
    #[param(schema_with = super::limits::instant)]
    due_before: Option<String>,
}

/// The caller's reminders in the effective business.
#[utoipa::path(
    get,
    path = "/api/reminders",
    tag = "reminders",
    params(MineQuery),
    responses((status = 200, description = "{items: [Reminder]}", body = super::answers::Items<crate::store::reminders::Reminder>)),
    security(("session" = [])),
)]
async fn mine(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<MineQuery>) -> ApiResult<Json<Value>> {
    // `claimed` is internal (it shows as pending), so it is not a filter.
    let status = match q.status.as_deref().filter(|s| !s.is_empty()).map(|s| ReminderStatus::parse_field("status", s)) {
        None => None,
        Some(Ok(ReminderStatus::Claimed)) | Some(Err(_)) => {
            return Err(ApiError::invalid(
                "status",
                "That is not a reminder status.",
                "Use pending, fired, failed or cancelled.",
            ));
        }
        Some(Ok(s)) => Some(s),
    };
    let due_before = match q.due_before.filter(|s| !s.is_empty()) {
        Some(s) => Some(format(parse_field("due_before", &s)?)),
        None => None,
    };
    let (tenant_id, user_id) = (auth.tenant_id(), auth.user.id);
    let items = state
        .db
        .read(move |c| -> ApiResult<_> {
            Ok(store::reminders::list_for_assignee(c, tenant_id, user_id, status, due_before.as_deref())?)
        })
        .await?;
    Ok(Json(json!({ "items": items })))
}

/// Described for the document by `bodies::ReminderChange`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnoozeBody {
    due_at: Option<String>,
    note: Option<String>,
    call: Option<bool>,
}

#[utoipa::path(
    patch,
    path = "/api/reminders/{id}",
    tag = "reminders",
    params(("id" = i64, Path, description = "Reminder id")),
    request_body = super::bodies::ReminderChange,
    responses((status = 200, description = "OK", body = Reminder)),
    security(("session" = [], "csrf" = [])),
)]
async fn snooze(
    State(state): State<AppState>,
    ScopedReminder { auth, reminder: r }: ScopedReminder,
    ApiJson(body): ApiJson<SnoozeBody>,
) -> ApiResult<Json<Reminder>> {
    let due = body.due_at.as_deref().map(future_time).transpose()?;
    let note = body.note.as_deref().map(|n| text::check("note", n, NOTE_MAX, true)).transpose()?;
    if due.is_none() && note.is_none() && body.call.is_none() {
        return Err(ApiError::bad_request("Nothing to change.", "Send due_at (to snooze), note and/or call."));
    }
    let (id, tenant_id, lead_id) = (r.id, r.tenant_id, r.lead_id);
    let actor = auth.actor();
    let cross = auth.cross_tenant_write(tenant_id);
    let (updated, act) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            core::audit::cross_tenant(tx, cross)?;
            let change = store::reminders::Change { due_at: due.as_deref(), note: note.as_deref(), call: body.call };
            if !store::reminders::snooze(tx, Scope::Tenant(tenant_id), id, &change)? {
                return Err(ApiError::conflict(
                    "reminder_not_changeable",
                    "This reminder is cancelled or being delivered right now.",
                    "Create a new reminder instead, or try again in a moment.",
                ));
            }
            let r = store::reminders::get(tx, Scope::Tenant(tenant_id), id)?
                .ok_or_else(|| ApiError::not_found("Reminder"))?;
            let act = store::activities::add(
                tx,
                tenant_id,
                lead_id,
                ActivityKind::ReminderSet,
                &r.note,
                &json!({"reminder_id": id, "due_at": r.due_at, "snoozed": due.is_some()}),
                Some(actor),
            )?;
            Ok((r, act))
        })
        .await?;
    state.reminder_wake.now();
    state.events.activity(&act);
    Ok(Json(updated))
}

#[utoipa::path(
    delete,
    path = "/api/reminders/{id}",
    tag = "reminders",
    params(("id" = i64, Path, description = "Reminder id")),
    responses((status = 204, description = "Done")),
    security(("session" = [], "csrf" = [])),
)]
async fn cancel(
    State(state): State<AppState>,
    ScopedReminder { auth, reminder: r }: ScopedReminder,
) -> ApiResult<StatusCode> {
    let (id, tenant_id) = (r.id, r.tenant_id);
    let cross = auth.cross_tenant_write(tenant_id);
    let done = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let done = store::reminders::cancel(tx, Scope::Tenant(tenant_id), id)?;
            if done {
                core::audit::cross_tenant(tx, cross)?;
            }
            Ok(done)
        })
        .await?;
    if !done && r.status != ReminderStatus::Cancelled {
        return Err(ApiError::conflict(
            "reminder_not_changeable",
            "This reminder is being delivered right now.",
            "Try again in a moment.",
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}
