//! Leads: one rule for every way in (the API, a call, a WhatsApp message, an
//! import) and for every status change (a person, the AI). A new lead is
//! inserted, its `created` activity is written first, then what the business
//! does with new leads follows (round-robin assignment: `assigned`, and the
//! agent is notified).

use rusqlite::Connection;
use serde_json::json;

use super::CoreResult;
use crate::{
    domain::{ActivityKind, Invalid, LeadId, LeadSource, LeadStatus, Scope, TenantId},
    store::{
        self, Actor,
        activities::Activity,
        leads::{Contact, Lead, LeadPatch, NewLead},
        notifications::Notification,
    },
};

/// A lead just made, and the timeline entries it got, in order.
pub struct Created {
    pub id: LeadId,
    pub activities: Vec<Activity>,
}

/// Creates a lead in `tenant_id`. `via` names a way in that the source does
/// not tell (e.g. `import`). A duplicate phone or WhatsApp id is the store's
/// `Duplicate`, naming the existing lead.
pub fn create(
    tx: &Connection,
    tenant_id: TenantId,
    lead: &NewLead,
    actor: Option<Actor>,
    via: Option<&str>,
) -> CoreResult<Created> {
    let id = store::leads::insert(tx, tenant_id, lead)?;
    let mut data = json!({"source": lead.source});
    if let Some(via) = via {
        data["via"] = json!(via);
    }
    let created = store::activities::add(tx, tenant_id, id, ActivityKind::Created, "", &data, actor)?;
    let mut activities = vec![created];
    activities.extend(auto_assign(tx, tenant_id, id)?);
    Ok(Created { id, activities })
}

/// The lead for a caller or a WhatsApp sender: found by phone, then by
/// WhatsApp id (filling an empty name and a missing WhatsApp id), or created
/// with `source` as [`create`] does. Returns the lead and, when it is new,
/// the activities its creation wrote.
pub fn upsert_contact(
    tx: &Connection,
    tenant_id: TenantId,
    contact: &Contact,
    source: LeadSource,
) -> CoreResult<(LeadId, Option<Vec<Activity>>)> {
    if let Some(id) = store::leads::touch_contact(tx, tenant_id, contact)? {
        return Ok((id, None));
    }
    let name = contact.name.as_deref().map(str::trim).unwrap_or("");
    let lead = NewLead {
        first_name: name,
        last_name: "",
        phone_e164: contact.phone_e164.as_deref(),
        whatsapp_id: contact.whatsapp_id.as_deref(),
        email: None,
        source,
        status: LeadStatus::New,
        notes: "",
        created_by: None,
    };
    let created = create(tx, tenant_id, &lead, None, None)?;
    Ok((created.id, Some(created.activities)))
}

/// A new lead of a business with `auto_assign = 'round_robin'` goes to the
/// next enabled agent (see `store::leads::next_round_robin`): an `assigned`
/// activity (no actor: the system) and a notification for the agent (in-app,
/// and their alert channels).
fn auto_assign(tx: &Connection, tenant_id: TenantId, id: LeadId) -> CoreResult<Option<Activity>> {
    let Some(user) = store::leads::next_round_robin(tx, tenant_id)? else {
        return Ok(None);
    };
    store::leads::set_assignee(tx, tenant_id, id, user)?;
    let data = json!({"from": null, "to": user, "auto": true});
    let assigned = store::activities::add(tx, tenant_id, id, ActivityKind::Assigned, "", &data, None)?;
    super::notify::assignee(tx, tenant_id, id, user)?;
    Ok(Some(assigned))
}

/// What a status change did: the lead after it, and its timeline entries.
pub struct StatusSet {
    pub lead: Lead,
    pub activities: Vec<Activity>,
}

/// Sets a lead's status, one rule for every caller (the API's PATCH and
/// `POST /status`, the AI's tool): a `status_change` activity when the
/// status changes, carrying `note`; the same status again changes nothing,
/// and a note given with it is kept as a note. `by_ai` marks the AI's moves.
pub fn set_status(
    tx: &Connection,
    scope: Scope,
    id: LeadId,
    status: LeadStatus,
    note: &str,
    actor: Option<Actor>,
    by_ai: bool,
) -> CoreResult<StatusSet> {
    let p = LeadPatch { status: Some(status), ..Default::default() };
    let (before, lead) = store::leads::update_scoped(tx, scope, id, &p)?;
    let mut activities = Vec::new();
    if let Some(a) = status_changed(tx, &before, status, note, actor, by_ai)? {
        activities.push(a);
    } else if !note.is_empty() {
        activities.push(store::activities::add(tx, lead.tenant_id, id, ActivityKind::Note, note, &json!({}), actor)?);
    }
    Ok(StatusSet { lead, activities })
}

/// The `status_change` entry for a lead that was `before` and is now
/// `status`, when that is a change.
pub fn status_changed(
    tx: &Connection,
    before: &Lead,
    status: LeadStatus,
    note: &str,
    actor: Option<Actor>,
    by_ai: bool,
) -> CoreResult<Option<Activity>> {
    if before.status == status {
        return Ok(None);
    }
    let mut data = json!({"from": before.status, "to": status});
    if by_ai {
        data["by_ai"] = json!(true);
    }
    Ok(Some(store::activities::add(tx, before.tenant_id, before.id, ActivityKind::StatusChange, note, &data, actor)?))
}

/// What a patch did: the lead after it, its timeline entries, and the
/// notification of a new assignee (to publish after the commit).
pub struct Patched {
    pub lead: Lead,
    pub activities: Vec<Activity>,
    pub notified: Option<Notification>,
}

/// Changes a lead as a person asked (fields already checked): an assignee
/// must be an enabled user of the lead's business, and is told unless they
/// assigned themselves; then `assigned`, `status_change` (as
/// [`set_status`] does) and `updated` (naming the fields) as they apply.
pub fn apply_patch(
    tx: &Connection,
    tenant_id: TenantId,
    id: LeadId,
    p: &LeadPatch,
    actor: Actor,
) -> CoreResult<Patched> {
    if let Some(Some(user)) = p.assignee_user_id
        && !store::users::can_be_assigned(tx, tenant_id, user)?
    {
        return Err(Invalid::new(
            "assignee_user_id",
            format!("User {user} is not an enabled user of this business."),
            "Assign the lead to someone in its business (GET /api/business/current/users).",
        )
        .into());
    }
    let (before, lead) = store::leads::update_scoped(tx, Scope::Tenant(tenant_id), id, p)?;
    let (mut activities, mut notified) = (Vec::new(), None);
    if p.assignee_user_id.is_some() && before.assignee_user_id != lead.assignee_user_id {
        if let Some(to) = lead.assignee_user_id.filter(|u| *u != actor.user_id) {
            notified = Some(super::notify::assignee(tx, tenant_id, id, to)?);
        }
        let data = json!({"from": before.assignee_user_id, "to": lead.assignee_user_id});
        activities.push(store::activities::add(tx, tenant_id, id, ActivityKind::Assigned, "", &data, Some(actor))?);
    }
    if let Some(new) = p.status {
        activities.extend(status_changed(tx, &before, new, "", Some(actor), false)?);
    }
    let changed = p.changed_fields();
    if !changed.is_empty() {
        let data = json!({"fields": changed});
        activities.push(store::activities::add(tx, tenant_id, id, ActivityKind::Updated, "", &data, Some(actor))?);
    }
    Ok(Patched { lead, activities, notified })
}
