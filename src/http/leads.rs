//! `/api/leads` and `/api/leads/{id}`: the list, creating, reading,
//! changing and deleting a lead (its timeline is `lead_timeline`).
//!
//! Scope: everyone works in their effective business; the platform admin
//! who is not impersonating sees (and can act on) the leads of every business.

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::extract::{ApiJson, ApiQuery, Auth, ManagerAuth, PageQuery, ScopedLead};
use crate::{
    core,
    domain::phone::DEFAULT_REGION,
    domain::{
        LeadSource, LeadStatus, PhoneE164, Scope, TenantId, UserId,
        text::{self, NAME_MAX, NOTE_MAX, SEARCH_MAX, TAG_MAX},
    },
    error::{ApiError, ApiResult},
    state::AppState,
    store::{
        self,
        activities::Activity,
        leads::{Assignee, Lead, LeadFilter, LeadPatch, NewLead},
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, patch, delete))
}

/// `?q=&status=&source=&needs_reply=&assignee=&tag=&open=` of the list (and of the CSV export).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListQuery {
    #[param(schema_with = super::limits::search)]
    q: Option<String>,
    #[param(schema_with = super::limits::lead_status_filter)]
    status: Option<String>,
    #[param(schema_with = super::limits::lead_source_filter)]
    source: Option<String>,
    #[param(schema_with = super::limits::flag)]
    needs_reply: Option<String>,
    #[param(schema_with = super::limits::assignee_filter)]
    assignee: Option<String>,
    #[param(schema_with = super::limits::tag)]
    tag: Option<String>,
    #[param(schema_with = super::limits::flag)]
    open: Option<String>,
}

impl ListQuery {
    /// The filter; `assignee=me` means `me`, the signed-in user.
    pub(super) fn filter(self, me: UserId) -> ApiResult<LeadFilter> {
        let search = self.q.as_deref().map(|s| text::check("q", s, SEARCH_MAX, false)).transpose()?;
        let needs_reply = match self.needs_reply.as_deref().unwrap_or("") {
            "" => None,
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            v => {
                return Err(ApiError::invalid(
                    "needs_reply",
                    format!("`needs_reply={v}` is not true or false."),
                    "Use needs_reply=true or needs_reply=false.",
                ));
            }
        };
        let assignee = match self.assignee.as_deref().unwrap_or("") {
            "" => None,
            "me" => Some(Assignee::User(me)),
            "none" => Some(Assignee::Nobody),
            v => Some(Assignee::User(v.parse().map(UserId).map_err(|_| {
                ApiError::invalid(
                    "assignee",
                    format!("`assignee={v}` is not me, none or a user id."),
                    "Use assignee=me, assignee=none or assignee=<user id>.",
                )
            })?)),
        };
        let tag = self.tag.as_deref().map(|t| text::check("tag", t, TAG_MAX, false)).transpose()?;
        let open = match self.open.as_deref().unwrap_or("") {
            "" => None,
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            v => {
                return Err(ApiError::invalid(
                    "open",
                    format!("`open={v}` is not true or false."),
                    "Use open=true (not won, lost or archived) or open=false.",
                ));
            }
        };
        Ok(LeadFilter {
            q: search.filter(|s| !s.is_empty()),
            status: self.status.filter(|s| !s.is_empty()).map(|s| LeadStatus::parse_field("status", &s)).transpose()?,
            source: self.source.filter(|s| !s.is_empty()).map(|s| LeadSource::parse_field("source", &s)).transpose()?,
            needs_reply,
            assignee,
            tag: tag.filter(|t| !t.is_empty()),
            open,
        })
    }
}

/// A page of the lead list (written by `store::leads::list_json`).
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // described, never built: the store writes the body
struct LeadPage {
    items: Vec<Lead>,
    /// How many leads match. With `total_is_lower_bound`, a number they exceed.
    total: i64,
    /// True when a search matched more leads than it counts (200, or the end
    /// of the page asked for when further): there are more than `total`; the
    /// page still holds the newest matches, and the next page exists while pages come back full.
    total_is_lower_bound: bool,
    page: i64,
    page_size: i64,
}

#[utoipa::path(
    get,
    path = "/api/leads",
    tag = "leads",
    params(ListQuery, PageQuery),
    responses((status = 200, description = "OK", body = LeadPage)),
    security(("session" = [])),
)]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> ApiResult<super::RawJson> {
    let filter = q.filter(auth.user.id)?;
    let page = paging.request(25);
    let scope = auth.list_scope();
    Ok(super::RawJson(state.db.read(move |c| store::leads::list_json(c, scope, &filter, page)).await?.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewLead)]
struct CreateBody {
    #[schema(schema_with = super::limits::name_required)]
    first_name: String,
    #[serde(default)]
    #[schema(schema_with = super::limits::name)]
    last_name: String,
    #[schema(schema_with = super::limits::phone)]
    phone_e164: String,
    #[schema(schema_with = super::limits::email_or_empty)]
    email: Option<String>,
    #[schema(schema_with = super::limits::lead_source_or_null)]
    source: Option<String>,
    #[schema(schema_with = super::limits::lead_status_or_null)]
    status: Option<String>,
    #[serde(default)]
    #[schema(schema_with = super::limits::note)]
    notes: String,
    tenant_id: Option<TenantId>,
}

fn check_email(s: Option<&str>) -> Result<Option<String>, ApiError> {
    Ok(text::email("email", s)?)
}

/// The business a new lead goes to: the effective business; an
/// admin who is not impersonating may name another with `tenant_id`.
fn target_tenant(auth: &Auth, requested: Option<TenantId>) -> Result<TenantId, ApiError> {
    match requested {
        None => Ok(auth.tenant_id()),
        Some(t) if t == auth.tenant_id() => Ok(t),
        Some(t) if auth.list_scope() == Scope::All => Ok(t),
        Some(_) => Err(ApiError::forbidden(
            "Leads are created in the business you are working in; tenant_id cannot name another.",
        )),
    }
}

/// The region a business reads local numbers in, from the cache when it
/// can be (it never changes after the business is made).
pub(super) async fn region_of(state: &AppState, tenant_id: TenantId) -> ApiResult<Option<String>> {
    if let Some(r) = state.regions.get(&tenant_id) {
        return Ok(Some(r));
    }
    let region = state.db.read(move |c| store::tenants::region(c, tenant_id)).await?;
    if let Some(r) = &region {
        state.regions.put(tenant_id, r.clone());
    }
    Ok(region)
}

#[utoipa::path(
    post,
    path = "/api/leads",
    tag = "leads",
    request_body = CreateBody,
    responses((status = 201, description = "Created", body = Lead)),
    security(("session" = [], "csrf" = [])),
)]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Lead>)> {
    let tenant_id = target_tenant(&auth, body.tenant_id)?;
    let first_name = text::required("first_name", &body.first_name, NAME_MAX, false)?;
    let last_name = text::check("last_name", &body.last_name, NAME_MAX, false)?;
    let email = check_email(body.email.as_deref())?;
    let source = LeadSource::parse_field("source", body.source.as_deref().unwrap_or("manual"))?;
    let status = LeadStatus::parse_field("status", body.status.as_deref().unwrap_or("new"))?;
    let notes = text::check("notes", &body.notes, NOTE_MAX, true)?;
    // Parsing happens here, in the request, never inside the single writer.
    let region = region_of(&state, tenant_id)
        .await?
        .ok_or_else(|| ApiError::invalid("tenant_id", "No such business.", "Name an existing business id."))?;
    let phone = PhoneE164::parse_field("phone_e164", &body.phone_e164, &region)?.into_string();
    let actor = auth.actor();
    let cross = auth.cross_tenant_write(tenant_id);
    let (lead, activities) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            core::audit::cross_tenant(tx, cross)?;
            let lead = NewLead {
                first_name: &first_name,
                last_name: &last_name,
                phone_e164: Some(&phone),
                whatsapp_id: None,
                email: email.as_deref(),
                source,
                status,
                notes: &notes,
                created_by: Some(actor.user_id),
            };
            let created = core::leads::create(tx, tenant_id, &lead, Some(actor), None)?;
            let lead = store::leads::get(tx, Scope::Tenant(tenant_id), created.id)?
                .ok_or_else(|| ApiError::internal("lead vanished"))?;
            Ok((lead, created.activities))
        })
        .await?;
    state.events.publish(lead.tenant_id, "lead.created", json!({"lead_id": lead.id, "lead": lead}));
    for a in &activities {
        state.events.activity(a);
    }
    Ok((StatusCode::CREATED, Json(lead)))
}

#[utoipa::path(
    get,
    path = "/api/leads/{id}",
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    responses((status = 200, description = "OK", body = Lead)),
    security(("session" = [])),
)]
async fn get_one(ScopedLead { lead, .. }: ScopedLead) -> Json<Lead> {
    Json(lead)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LeadPatch)]
struct PatchBody {
    #[schema(schema_with = super::limits::name_required_patch)]
    first_name: Option<String>,
    #[schema(schema_with = super::limits::name_patch)]
    last_name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::lead_phone_patch)]
    phone_e164: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::email_or_empty)]
    email: Option<Option<String>>,
    #[schema(schema_with = super::limits::lead_source_or_null)]
    source: Option<String>,
    #[schema(schema_with = super::limits::lead_status_or_null)]
    status: Option<String>,
    #[schema(schema_with = super::limits::note_patch)]
    notes: Option<String>,
    #[schema(schema_with = super::limits::tags_patch)]
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    assignee_user_id: Option<Option<UserId>>,
}

#[utoipa::path(
    patch,
    path = "/api/leads/{id}",
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    request_body = PatchBody,
    responses((status = 200, description = "OK", body = Lead)),
    security(("session" = [], "csrf" = [])),
)]
async fn patch(
    State(state): State<AppState>,
    ScopedLead { auth, lead }: ScopedLead,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<Lead>> {
    let id = lead.id;
    // Validated here, in the request (a new phone needs the region, which is cached).
    let region = match body.phone_e164 {
        Some(Some(_)) => region_of(&state, lead.tenant_id).await?.unwrap_or_else(|| DEFAULT_REGION.into()),
        _ => String::new(),
    };
    let p = LeadPatch {
        first_name: body.first_name.as_deref().map(|s| text::required("first_name", s, NAME_MAX, false)).transpose()?,
        last_name: body.last_name.as_deref().map(|s| text::check("last_name", s, NAME_MAX, false)).transpose()?,
        phone_e164: match &body.phone_e164 {
            None => None,
            Some(None) => Some(None),
            Some(Some(s)) => Some(Some(PhoneE164::parse_field("phone_e164", s, &region)?.into_string())),
        },
        email: match &body.email {
            None => None,
            Some(e) => Some(check_email(e.as_deref())?),
        },
        source: body.source.as_deref().map(|s| LeadSource::parse_field("source", s)).transpose()?,
        status: body.status.as_deref().map(|s| LeadStatus::parse_field("status", s)).transpose()?,
        notes: body.notes.as_deref().map(|n| text::check("notes", n, NOTE_MAX, true)).transpose()?,
        tags: body.tags.as_deref().map(text::tags).transpose()?,
        assignee_user_id: body.assignee_user_id,
    };
    let actor = auth.actor();
    let tenant_id = lead.tenant_id;
    let cross = auth.cross_tenant_write(tenant_id);
    let patched = state
        .db
        .write(move |tx| -> ApiResult<_> {
            core::audit::cross_tenant(tx, cross)?;
            Ok(core::leads::apply_patch(tx, tenant_id, id, &p, actor)?)
        })
        .await?;
    let core::leads::Patched { lead, activities: acts, notified } = patched;
    publish_update(&state, &lead, acts);
    if let Some(n) = notified {
        state.events.notification(&n);
    }
    Ok(Json(lead))
}

/// After a lead changed: the lead to every stream of its business, then its new timeline entries.
pub(super) fn publish_update(state: &AppState, lead: &Lead, acts: Vec<Activity>) {
    state.events.publish(lead.tenant_id, "lead.updated", json!({"lead_id": lead.id, "lead": lead}));
    for a in acts {
        state.events.activity(&a);
    }
}

/// Deleting is for owners and the admin; agents archive instead.
#[utoipa::path(
    delete,
    path = "/api/leads/{id}",
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    responses((status = 204, description = "Done")),
    security(("session" = [], "csrf" = [])),
)]
async fn delete(
    State(state): State<AppState>,
    ManagerAuth(_): ManagerAuth,
    ScopedLead { auth, lead }: ScopedLead,
) -> ApiResult<StatusCode> {
    let id = lead.id;
    let entry = auth.audit("lead.deleted", format!("lead:{id}"), json!({"phone_e164": lead.phone_e164}));
    let tenant_id = lead.tenant_id;
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            if !store::leads::delete(tx, Scope::Tenant(tenant_id), id)? {
                return Err(ApiError::not_found("Lead"));
            }
            let mut entry = entry;
            entry.tenant_id = Some(tenant_id);
            Ok(store::audit::record(tx, entry)?)
        })
        .await?;
    state.events.publish(tenant_id, "lead.updated", json!({"lead_id": id, "deleted": true}));
    Ok(StatusCode::NO_CONTENT)
}
