//! `/api/inbox/counts`: the badges of the navigation, for the effective business.
//!
//! - `needs_reply`: leads whose last message is inbound (the list's `needs_reply=true`);
//! - `mine`: open leads (not won, lost or archived) assigned to the caller (`assignee=me&open=true`);
//! - `unassigned`: open leads without an assignee (`assignee=none&open=true`);
//! - `reminders_due`: the caller's reminders due now or earlier and not cancelled.
//!
//! Each count is the `total` the lead list answers for the same filter.
//! Also `/api/business/current/assignees`: who a lead can be assigned to.

use axum::{Json, extract::State};
use serde::Serialize;

use super::extract::Auth;
use crate::{
    domain::{Scope, UserId, time::now},
    error::ApiResult,
    state::AppState,
    store::{
        self,
        leads::{Assignee, LeadFilter},
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(counts)).routes(routes!(assignees))
}

#[derive(Serialize)]
struct Assignable {
    id: UserId,
    name: String,
    email: String,
    role: &'static str,
}

/// Who a lead of the effective business can be given to (its enabled
/// users), for everyone who works its leads: agents too, unlike the users page.
#[utoipa::path(
    get,
    path = "/api/business/current/assignees",
    tag = "business",
    responses((status = 200, description = "{items: [{id, name, role}]}: the enabled users a lead can be assigned to", body = super::answers::Items<super::answers::Assignee>)),
    security(("session" = [])),
)]
async fn assignees(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<serde_json::Value>> {
    let tenant_id = auth.tenant_id();
    let users = state.db.read(move |c| store::users::list_in_tenant(c, tenant_id)).await?;
    let items: Vec<Assignable> = users
        .into_iter()
        .filter(|u| !u.disabled)
        .map(|u| Assignable { id: u.id, name: u.name, email: u.email, role: u.role.as_str() })
        .collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Counts {
    needs_reply: i64,
    mine: i64,
    unassigned: i64,
    reminders_due: i64,
}

#[utoipa::path(
    get,
    path = "/api/inbox/counts",
    tag = "inbox",
    responses((status = 200, description = "OK", body = Counts)),
    security(("session" = [])),
)]
async fn counts(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Counts>> {
    let (tenant_id, me) = (auth.tenant_id(), auth.user.id);
    let scope = Scope::Tenant(tenant_id);
    let now_s = now();
    let counts = state
        .db
        .read(move |c| -> store::StoreResult<Counts> {
            let count = |f: LeadFilter| store::leads::count_filtered(c, scope, &f);
            Ok(Counts {
                needs_reply: count(LeadFilter { needs_reply: Some(true), ..Default::default() })?,
                mine: count(LeadFilter { assignee: Some(Assignee::User(me)), open: Some(true), ..Default::default() })?,
                unassigned: count(LeadFilter {
                    assignee: Some(Assignee::Nobody),
                    open: Some(true),
                    ..Default::default()
                })?,
                reminders_due: store::reminders::count_due_for_assignee(c, tenant_id, me, &now_s)?,
            })
        })
        .await?;
    Ok(Json(counts))
}
