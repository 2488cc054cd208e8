//! Scheduled sends: a WhatsApp text with `send_at` is queued (see
//! `messages`), listed with the lead's follow-up steps under
//! `GET /api/leads/{id}/scheduled-messages`, and cancelled with
//! `DELETE /api/scheduled-messages/{id}` until it is being sent.

use axum::{Json, extract::State, http::StatusCode};
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;

use super::extract::{ApiPath, Auth, ScopedLead};
use crate::{
    domain::{
        ActivityKind,
        text::{self, MESSAGE_MAX},
        time::{format, parse_field},
    },
    error::{ApiError, ApiResult},
    state::AppState,
    store::{
        self,
        leads::Lead,
        scheduled::{NewScheduled, Scheduled},
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(cancel))
}

/// How far ahead a send may be scheduled.
const MAX_AHEAD_DAYS: i64 = 366;

/// Queues `text` for `send_at` (a future RFC 3339 instant) with a
/// `message_scheduled` activity; the scheduler sends it then.
pub async fn queue(
    state: &AppState,
    auth: &Auth,
    lead: &Lead,
    text: Option<&str>,
    template: bool,
    send_at: &str,
) -> ApiResult<Scheduled> {
    if template {
        return Err(ApiError::invalid(
            "send_at",
            "Only text can be scheduled.",
            "Send {\"text\": \"...\", \"send_at\": \"...\"}, or send the template now.",
        ));
    }
    let text = text::required("text", text.unwrap_or(""), MESSAGE_MAX, true)?;
    let at = parse_field("send_at", send_at)?;
    let now = OffsetDateTime::now_utc();
    if at <= now {
        return Err(ApiError::invalid(
            "send_at",
            "`send_at` is not in the future.",
            "Send a later instant, or leave send_at out to send now.",
        ));
    }
    if at > now + time::Duration::days(MAX_AHEAD_DAYS) {
        return Err(ApiError::invalid(
            "send_at",
            format!("`send_at` is more than {MAX_AHEAD_DAYS} days ahead."),
            "Schedule within a year.",
        ));
    }
    let (tenant_id, lead_id, actor) = (lead.tenant_id, lead.id, auth.actor());
    let at = format(at);
    let cross = auth.cross_tenant_write(tenant_id);
    let (item, activity) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let item = store::scheduled::insert(
                tx,
                tenant_id,
                &NewScheduled {
                    lead_id,
                    kind: "scheduled",
                    step: None,
                    text: &text,
                    send_at: &at,
                    created_by: Some(actor.user_id),
                },
            )?;
            let activity = store::activities::add(
                tx,
                tenant_id,
                lead_id,
                ActivityKind::MessageScheduled,
                &text,
                &json!({"scheduled_id": item.id, "send_at": item.send_at}),
                Some(actor),
            )?;
            crate::core::audit::cross_tenant(tx, cross)?;
            Ok((item, activity))
        })
        .await?;
    state.events.activity(&activity);
    state.reminder_wake.now();
    Ok(item)
}

#[derive(Serialize, utoipa::ToSchema)]
struct ScheduledList {
    items: Vec<Scheduled>,
}

#[utoipa::path(
    get,
    path = "/api/leads/{id}/scheduled-messages",
    tag = "messages",
    params(("id" = i64, Path, description = "Lead id")),
    responses((status = 200, description = "The lead's scheduled sends and follow-up steps, by send time", body = ScheduledList)),
    security(("session" = [])),
)]
async fn list(State(state): State<AppState>, ScopedLead { lead, .. }: ScopedLead) -> ApiResult<Json<ScheduledList>> {
    let (tenant_id, lead_id) = (lead.tenant_id, lead.id);
    let items = state.db.read(move |c| store::scheduled::list_for_lead(c, tenant_id, lead_id)).await?;
    Ok(Json(ScheduledList { items }))
}

/// Cancels a scheduled send or follow-up step that has not started going out.
#[utoipa::path(
    delete,
    path = "/api/scheduled-messages/{id}",
    tag = "messages",
    params(("id" = i64, Path, description = "Scheduled message id")),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 404, description = "Not in the business"),
        (status = 409, description = "Already being sent, sent, failed or cancelled"),
    ),
    security(("session" = [], "csrf" = [])),
)]
async fn cancel(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    let tenant_id = auth.tenant_id();
    let actor = auth.actor();
    let cross = auth.cross_tenant_write(tenant_id);
    let activity = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let item =
                store::scheduled::get(tx, tenant_id, id)?.ok_or_else(|| ApiError::not_found("Scheduled message"))?;
            if !store::scheduled::cancel(tx, tenant_id, id, "cancelled by a person")? {
                return Err(ApiError::conflict(
                    "not_pending",
                    format!("This message is {} and can no longer be cancelled.", item.status),
                    "Only a message still waiting for its time can be cancelled.",
                ));
            }
            let activity = store::activities::add(
                tx,
                tenant_id,
                item.lead_id,
                ActivityKind::MessageScheduled,
                &item.text,
                &json!({"scheduled_id": id, "send_at": item.send_at, "cancelled": true}),
                Some(actor),
            )?;
            crate::core::audit::cross_tenant(tx, cross)?;
            Ok(activity)
        })
        .await?;
    state.events.activity(&activity);
    Ok(StatusCode::NO_CONTENT)
}
