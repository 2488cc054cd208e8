//! `GET /api/leads/{id}/duplicates` and `POST /api/leads/{id}/merge`: the
//! same person under two leads, found and folded into one.

use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::extract::{ApiJson, ScopedLead};
use super::leads::publish_update;
use crate::{
    domain::{ActivityKind, LeadId, Role, Scope},
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, leads::Lead},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(duplicates)).routes(routes!(merge))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Duplicates {
    items: Vec<Lead>,
}

/// Other leads of the business with the same phone, WhatsApp id or email
/// (whatever its case): a WhatsApp id that spells a phone matches that phone.
#[utoipa::path(
    get,
    path = "/api/leads/{id}/duplicates",
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    responses((status = 200, description = "The likely duplicates", body = Duplicates)),
    security(("session" = [])),
)]
async fn duplicates(State(state): State<AppState>, ScopedLead { lead, .. }: ScopedLead) -> ApiResult<Json<Duplicates>> {
    let items = state.db.read(move |c| store::merge::duplicates(c, &lead)).await?;
    Ok(Json(Duplicates { items }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LeadMerge)]
struct MergeBody {
    /// The lead folded into this one (then deleted).
    other_id: LeadId,
}

/// Moves the other lead's timeline, messages, calls, reminders,
/// appointments and everything else naming it onto this lead, fills this
/// lead's empty fields from it and joins the tags, then deletes it (404 from
/// then on): one transaction, a `merged` activity naming it and an audit row
/// with both ids. Owners and the platform admin, as deleting a lead is.
#[utoipa::path(
    post,
    path = "/api/leads/{id}/merge",
    tag = "leads",
    params(("id" = i64, Path, description = "The lead that stays")),
    request_body = MergeBody,
    responses(
        (status = 200, description = "The merged lead", body = Lead),
        (status = 400, description = "other_id is this lead"),
        (status = 404, description = "Either lead is not in the business"),
    ),
    security(("session" = [], "csrf" = [])),
)]
async fn merge(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    ApiJson(body): ApiJson<MergeBody>,
) -> ApiResult<Json<Lead>> {
    if !matches!(auth.role(), Role::Owner | Role::SystemAdmin) {
        return Err(ApiError::forbidden("Merging leads needs an owner of the business or the platform admin."));
    }
    let (keep_id, other_id, tenant_id) = (lead.id, body.other_id, lead.tenant_id);
    if other_id == keep_id {
        return Err(ApiError::invalid("other_id", "A lead cannot be merged into itself.", "Send another lead's id."));
    }
    let actor = auth.actor();
    let mut entry =
        auth.audit("lead.merged", format!("lead:{keep_id}"), json!({"lead_id": keep_id, "other_id": other_id}));
    entry.tenant_id = Some(tenant_id);
    let (merged, activity) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let scope = Scope::Tenant(tenant_id);
            let keep = store::leads::get(tx, scope, keep_id)?.ok_or_else(|| ApiError::not_found("Lead"))?;
            let other = store::leads::get(tx, scope, other_id)?.ok_or_else(|| ApiError::not_found("Lead"))?;
            store::merge::merge(tx, tenant_id, &keep, &other)?;
            let name = format!("{} {}", other.first_name, other.last_name).trim().to_string();
            let activity = store::activities::add(
                tx,
                tenant_id,
                keep_id,
                ActivityKind::Merged,
                &name,
                &json!({"other_id": other_id, "other": {"first_name": other.first_name, "last_name": other.last_name,
                        "phone_e164": other.phone_e164, "whatsapp_id": other.whatsapp_id, "email": other.email,
                        "source": other.source, "status": other.status, "created_at": other.created_at}}),
                Some(actor),
            )?;
            store::audit::record(tx, entry)?;
            let merged = store::leads::get(tx, scope, keep_id)?.ok_or_else(|| ApiError::not_found("Lead"))?;
            Ok((merged, activity))
        })
        .await?;
    state.events.publish(tenant_id, "lead.updated", json!({"lead_id": other_id, "deleted": true}));
    publish_update(&state, &merged, vec![activity]);
    Ok(Json(merged))
}
