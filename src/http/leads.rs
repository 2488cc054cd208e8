//! `/api/leads*`: leads, their status, notes and timeline.
//!
//! Scope: everyone works in their effective business; the platform admin
//! who is not impersonating sees (and can act on) the leads of every business.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiJson, ApiPath, ApiQuery, Auth, ManagerAuth, PageQuery, Scope};
use crate::{
    domain::{
        LeadSource, LeadStatus, PhoneE164,
        text::{self, NAME_MAX, NOTE_MAX, SEARCH_MAX},
    },
    error::{ApiError, ApiResult},
    state::AppState,
    store::{
        self, Page, PageRequest,
        activities::Activity,
        leads::{Lead, LeadFilter, LeadPatch, NewLead},
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/leads", get(list).post(create))
        .route("/api/leads/{id}", get(get_one).patch(patch).delete(delete))
        .route("/api/leads/{id}/status", post(set_status))
        .route("/api/leads/{id}/activities", get(activities).post(add_note))
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    source: Option<String>,
    page: Option<i64>,
    page_size: Option<i64>,
}

fn parse_status(field: &str, s: &str) -> Result<LeadStatus, ApiError> {
    LeadStatus::parse(s).ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("`{s}` is not a lead status."),
            format!("Use one of: {}.", LeadStatus::ALL.join(", ")),
        )
    })
}

fn parse_source(field: &str, s: &str) -> Result<LeadSource, ApiError> {
    LeadSource::parse(s).ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("`{s}` is not a lead source."),
            format!("Use one of: {}.", LeadSource::ALL.join(", ")),
        )
    })
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Lead>>> {
    let search = q.q.as_deref().map(|s| text::check("q", s, SEARCH_MAX, false)).transpose()?;
    let filter = LeadFilter {
        q: search.filter(|s| !s.is_empty()),
        status: q
            .status
            .filter(|s| !s.is_empty())
            .map(|s| parse_status("status", &s).map(|v| v.as_str().to_string()))
            .transpose()?,
        source: q
            .source
            .filter(|s| !s.is_empty())
            .map(|s| parse_source("source", &s).map(|v| v.as_str().to_string()))
            .transpose()?,
    };
    let page = PageRequest::new(q.page, q.page_size, 25);
    let scope = auth.list_scope();
    Ok(Json(state.db.read(move |c| store::leads::list(c, scope, &filter, page)).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    first_name: String,
    #[serde(default)]
    last_name: String,
    phone_e164: String,
    email: Option<String>,
    source: Option<String>,
    status: Option<String>,
    #[serde(default)]
    notes: String,
    tenant_id: Option<i64>,
}

fn check_name(field: &str, s: &str, required: bool) -> Result<String, ApiError> {
    Ok(if required { text::required(field, s, NAME_MAX, false)? } else { text::check(field, s, NAME_MAX, false)? })
}

fn check_email(s: Option<&str>) -> Result<Option<String>, ApiError> {
    Ok(text::email("email", s)?)
}

fn phone(tenant_region: &str, s: &str) -> Result<String, ApiError> {
    PhoneE164::parse(s, tenant_region).map(PhoneE164::into_string).map_err(|e| {
        ApiError::invalid(
            "phone_e164",
            format!("The phone number is not valid: {e}."),
            "Use +972521234567 or 052-123-4567.",
        )
    })
}

/// The business a new lead goes to (section 6): the effective business; an
/// admin who is not impersonating may name another with `tenant_id`.
fn target_tenant(auth: &Auth, requested: Option<i64>) -> Result<i64, ApiError> {
    match requested {
        None => Ok(auth.tenant_id()),
        Some(t) if t == auth.tenant_id() => Ok(t),
        Some(t) if auth.list_scope() == Scope::All => Ok(t),
        Some(_) => Err(ApiError::forbidden(
            "Leads are created in the business you are working in; tenant_id cannot name another.",
        )),
    }
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Lead>)> {
    let tenant_id = target_tenant(&auth, body.tenant_id)?;
    let first_name = check_name("first_name", &body.first_name, true)?;
    let last_name = check_name("last_name", &body.last_name, false)?;
    let email = check_email(body.email.as_deref())?;
    let source = parse_source("source", body.source.as_deref().unwrap_or("manual"))?;
    let status = parse_status("status", body.status.as_deref().unwrap_or("new"))?;
    let notes = text::check("notes", &body.notes, NOTE_MAX, true)?;
    // Parsing happens here, in the request, never inside the single writer.
    let region = state
        .db
        .read(move |c| store::tenants::region(c, tenant_id))
        .await?
        .ok_or_else(|| ApiError::invalid("tenant_id", "No such business.", "Name an existing business id."))?;
    let phone = phone(&region, &body.phone_e164)?;
    let actor = auth.actor();
    let cross = auth.cross_tenant_write(tenant_id, "POST /api/leads".to_string());
    let (lead, activity) = state
        .db
        .write(move |tx| {
            if let Some(e) = cross {
                store::audit::record(tx, e)?;
            }
            let id = store::leads::insert(
                tx,
                &NewLead {
                    tenant_id,
                    first_name: &first_name,
                    last_name: &last_name,
                    phone_e164: Some(&phone),
                    whatsapp_id: None,
                    email: email.as_deref(),
                    source: source.as_str(),
                    status: status.as_str(),
                    notes: &notes,
                    created_by: Some(actor.user_id),
                },
            )?;
            let activity = store::activities::add(
                tx,
                tenant_id,
                id,
                "created",
                "",
                &json!({"source": source.as_str()}),
                Some(actor),
            )?;
            let lead = store::leads::get(tx, Scope::Tenant(tenant_id), id)?
                .ok_or_else(|| ApiError::internal("lead vanished"))?;
            Ok((lead, activity))
        })
        .await?;
    state.events.publish(lead.tenant_id, "lead.created", json!({"lead_id": lead.id, "lead": lead}));
    state.events.activity(&activity);
    Ok((StatusCode::CREATED, Json(lead)))
}

/// The lead if it is in the caller's scope; else 404 (whether missing or another business's).
pub(crate) async fn load(state: &AppState, auth: &Auth, id: i64) -> ApiResult<Lead> {
    let scope = auth.list_scope();
    let lead = state.db.read(move |c| store::leads::get(c, scope, id)).await?;
    lead.ok_or_else(|| {
        tracing::debug!(lead = id, ?scope, "lead not found in scope");
        ApiError::not_found("Lead")
    })
}

async fn get_one(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Lead>> {
    load(&state, &auth, id).await.map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    phone_e164: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    email: Option<Option<String>>,
    source: Option<String>,
    status: Option<String>,
    notes: Option<String>,
}

async fn patch(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<Lead>> {
    let lead = load(&state, &auth, id).await?;
    let region = {
        let t = lead.tenant_id;
        state
            .db
            .read(move |c| store::tenants::get(c, t))
            .await?
            .map(|t| t.default_region)
            .unwrap_or_else(|| "IL".into())
    };
    let p = LeadPatch {
        first_name: body.first_name.as_deref().map(|s| check_name("first_name", s, true)).transpose()?,
        last_name: body.last_name.as_deref().map(|s| check_name("last_name", s, false)).transpose()?,
        phone_e164: match &body.phone_e164 {
            None => None,
            Some(None) => Some(None),
            Some(Some(s)) => Some(Some(phone(&region, s)?)),
        },
        email: match &body.email {
            None => None,
            Some(e) => Some(check_email(e.as_deref())?),
        },
        source: body
            .source
            .as_deref()
            .map(|s| parse_source("source", s).map(|v| v.as_str().to_string()))
            .transpose()?,
        status: body
            .status
            .as_deref()
            .map(|s| parse_status("status", s).map(|v| v.as_str().to_string()))
            .transpose()?,
        notes: body.notes.as_deref().map(|n| text::check("notes", n, NOTE_MAX, true)).transpose()?,
    };
    let mut changed: Vec<&str> = Vec::new();
    for (name, set) in [
        ("first_name", p.first_name.is_some()),
        ("last_name", p.last_name.is_some()),
        ("phone_e164", p.phone_e164.is_some()),
        ("email", p.email.is_some()),
        ("source", p.source.is_some()),
        ("notes", p.notes.is_some()),
    ] {
        if set {
            changed.push(name);
        }
    }
    let actor = auth.actor();
    let (tenant_id, old_status) = (lead.tenant_id, lead.status.clone());
    let cross = auth.cross_tenant_write(tenant_id, format!("PATCH /api/leads/{id}"));
    let (lead, acts) = state
        .db
        .write(move |tx| {
            if let Some(e) = cross {
                store::audit::record(tx, e)?;
            }
            store::leads::update(tx, tenant_id, id, &p)?;
            let mut acts = Vec::new();
            if let Some(new) = p.status.as_deref().filter(|s| *s != old_status) {
                acts.push(store::activities::add(
                    tx,
                    tenant_id,
                    id,
                    "status_change",
                    "",
                    &json!({"from": old_status, "to": new}),
                    Some(actor),
                )?);
            }
            if !changed.is_empty() {
                acts.push(store::activities::add(
                    tx,
                    tenant_id,
                    id,
                    "updated",
                    "",
                    &json!({"fields": changed}),
                    Some(actor),
                )?);
            }
            let lead =
                store::leads::get(tx, Scope::Tenant(tenant_id), id)?.ok_or_else(|| ApiError::not_found("Lead"))?;
            Ok((lead, acts))
        })
        .await?;
    publish_update(&state, &lead, acts);
    Ok(Json(lead))
}

fn publish_update(state: &AppState, lead: &Lead, acts: Vec<Activity>) {
    state.events.publish(lead.tenant_id, "lead.updated", json!({"lead_id": lead.id, "lead": lead}));
    for a in acts {
        state.events.activity(&a);
    }
}

/// Deleting is for owners and the admin; agents archive instead.
async fn delete(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let lead = load(&state, &auth, id).await?;
    let entry = auth.audit("lead.deleted", format!("lead:{id}"), json!({"phone_e164": lead.phone_e164}));
    let tenant_id = lead.tenant_id;
    state
        .db
        .write(move |tx| {
            if !store::leads::delete(tx, tenant_id, id)? {
                return Err(ApiError::not_found("Lead"));
            }
            let mut entry = entry;
            entry.tenant_id = Some(tenant_id);
            store::audit::record(tx, entry)
        })
        .await?;
    state.events.publish(tenant_id, "lead.updated", json!({"lead_id": id, "deleted": true}));
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
    note: Option<String>,
}

async fn set_status(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<Json<Lead>> {
    let status = parse_status("status", &body.status)?;
    let lead = load(&state, &auth, id).await?;
    let actor = auth.actor();
    let (tenant_id, old) = (lead.tenant_id, lead.status.clone());
    let note = text::check("note", body.note.as_deref().unwrap_or_default(), NOTE_MAX, true)?;
    let cross = auth.cross_tenant_write(tenant_id, format!("POST /api/leads/{id}/status"));
    let (lead, act) = state
        .db
        .write(move |tx| {
            if let Some(e) = cross {
                store::audit::record(tx, e)?;
            }
            let p = LeadPatch { status: Some(status.as_str().to_string()), ..Default::default() };
            store::leads::update(tx, tenant_id, id, &p)?;
            let act = store::activities::add(
                tx,
                tenant_id,
                id,
                "status_change",
                &note,
                &json!({"from": old, "to": status.as_str()}),
                Some(actor),
            )?;
            let lead =
                store::leads::get(tx, Scope::Tenant(tenant_id), id)?.ok_or_else(|| ApiError::not_found("Lead"))?;
            Ok((lead, act))
        })
        .await?;
    publish_update(&state, &lead, vec![act]);
    Ok(Json(lead))
}

async fn activities(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Activity>>> {
    load(&state, &auth, id).await?;
    let page = q.request(100);
    Ok(Json(state.db.read(move |c| store::activities::list_for_lead(c, id, page)).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    body: String,
}

async fn add_note(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoteBody>,
) -> ApiResult<(StatusCode, Json<Activity>)> {
    let text = text::required("body", &body.body, NOTE_MAX, true)?;
    let lead = load(&state, &auth, id).await?;
    let actor = auth.actor();
    let tenant_id = lead.tenant_id;
    let cross = auth.cross_tenant_write(tenant_id, format!("POST /api/leads/{id}/activities"));
    let act = state
        .db
        .write(move |tx| {
            if let Some(e) = cross {
                store::audit::record(tx, e)?;
            }
            store::activities::add(tx, tenant_id, id, "note", &text, &Value::Null, Some(actor))
        })
        .await?;
    state.events.activity(&act);
    Ok((StatusCode::CREATED, Json(act)))
}
