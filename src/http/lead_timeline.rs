//! `/api/leads/{id}/status|activities|ai`: what happens on a lead's
//! timeline: status changes, notes, the AI paused or resumed.

use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use serde_json::Value;

use super::{
    extract::{ApiJson, ApiQuery, PageQuery, ScopedLead},
    leads::publish_update,
};
use crate::{
    core,
    domain::{
        ActivityKind, LeadStatus, Scope,
        text::{self, NOTE_MAX},
    },
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, Page, activities::Activity, leads::Lead},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(set_status)).routes(routes!(activities, add_note)).routes(routes!(set_ai))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LeadStatusChange)]
struct StatusBody {
    #[schema(schema_with = super::limits::lead_status)]
    status: String,
    #[schema(schema_with = super::limits::note_patch)]
    note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/leads/{id}/status",
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    request_body = StatusBody,
    responses((status = 200, description = "OK", body = Lead)),
    security(("session" = [], "csrf" = [])),
)]
async fn set_status(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<Json<Lead>> {
    let status = LeadStatus::parse_field("status", &body.status)?;
    let id = lead.id;
    let actor = auth.actor();
    let tenant_id = lead.tenant_id;
    let note = text::check("note", body.note.as_deref().unwrap_or_default(), NOTE_MAX, true)?;
    let cross = auth.cross_tenant_write(tenant_id);
    let (lead, acts) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            core::audit::cross_tenant(tx, cross)?;
            let set = core::leads::set_status(tx, Scope::Tenant(tenant_id), id, status, &note, Some(actor), false)?;
            Ok((set.lead, set.activities))
        })
        .await?;
    publish_update(&state, &lead, acts);
    Ok(Json(lead))
}

#[utoipa::path(
    get,
    path = "/api/leads/{id}/activities",
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id"), PageQuery),
    responses((status = 200, description = "OK", body = Page<Activity>)),
    security(("session" = [])),
)]
async fn activities(
    State(state): State<AppState>,
    ScopedLead { lead, .. }: ScopedLead,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Activity>>> {
    let (tenant_id, id) = (lead.tenant_id, lead.id);
    let page = q.request(100);
    Ok(Json(state.db.read(move |c| store::activities::list_for_lead(c, tenant_id, id, page)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewNote)]
struct NoteBody {
    #[schema(schema_with = super::limits::note_required)]
    body: String,
}

#[utoipa::path(
    post,
    path = "/api/leads/{id}/activities",
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    request_body = NoteBody,
    responses((status = 201, description = "Created", body = Activity)),
    security(("session" = [], "csrf" = [])),
)]
async fn add_note(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    ApiJson(body): ApiJson<NoteBody>,
) -> ApiResult<(StatusCode, Json<Activity>)> {
    let text = text::required("body", &body.body, NOTE_MAX, true)?;
    let id = lead.id;
    let actor = auth.actor();
    let tenant_id = lead.tenant_id;
    let cross = auth.cross_tenant_write(tenant_id);
    let act = state
        .db
        .write(move |tx| -> ApiResult<_> {
            core::audit::cross_tenant(tx, cross)?;
            Ok(store::activities::add(tx, tenant_id, id, ActivityKind::Note, &text, &Value::Null, Some(actor))?)
        })
        .await?;
    state.events.activity(&act);
    Ok((StatusCode::CREATED, Json(act)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AiBody {
    paused: bool,
    /// How long a pause lasts; the business's `handoff_hours` when absent.
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 720)]
    hours: Option<u32>,
}

/// Pauses or resumes the AI on one lead (`ai_paused` / `ai_resumed` on the timeline).
#[utoipa::path(
    post,
    path = "/api/leads/{id}/ai",
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    request_body = AiBody,
    responses((status = 200, description = "OK", body = Lead)),
    security(("session" = [], "csrf" = [])),
)]
async fn set_ai(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    ApiJson(body): ApiJson<AiBody>,
) -> ApiResult<Json<Lead>> {
    if let Some(h) = body.hours
        && !(1..=720).contains(&h)
    {
        return Err(ApiError::invalid("hours", format!("`hours` is {h}."), "Pause for 1 to 720 hours."));
    }
    let (id, tenant_id, actor) = (lead.id, lead.tenant_id, auth.actor());
    let cross = auth.cross_tenant_write(tenant_id);
    let (lead, act) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            core::audit::cross_tenant(tx, cross)?;
            let change = if body.paused {
                let hours = match body.hours {
                    Some(h) => h,
                    None => store::tenants::handoff_hours(tx, tenant_id)?,
                };
                store::leads::AiPause::For { hours }
            } else {
                store::leads::AiPause::Resume
            };
            let act = store::leads::set_ai_pause(tx, tenant_id, id, change, Some(actor), "")?;
            let lead =
                store::leads::get(tx, Scope::Tenant(tenant_id), id)?.ok_or_else(|| ApiError::not_found("Lead"))?;
            Ok((lead, act))
        })
        .await?;
    publish_update(&state, &lead, act.into_iter().collect());
    Ok(Json(lead))
}
