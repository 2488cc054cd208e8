//! Each tool's work, inside the caller's write transaction, checked like
//! the API's input and bounded as `ai::limits` says.

use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Done, Failure, Step, ToolScope, parse, refuse};
use crate::{
    ai::limits,
    core,
    domain::{
        ActivityKind, LeadId, LeadStatus, Scope, TenantId, UserId,
        text::{self, NAME_MAX, NOTE_MAX, TAG_MAX},
        time,
    },
    store::{self, leads::LeadPatch, notifications::Notification},
};

/// Reminders the AI sets are at most this far ahead.
const MAX_DAYS_AHEAD: i64 = 90;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallbackArgs {
    due_at: String,
    note: String,
}

pub(super) fn callback(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: CallbackArgs = parse(args)?;
    let due = time::parse_field("due_at", &a.due_at)?;
    let now = ::time::OffsetDateTime::now_utc();
    if due <= now || due > now + ::time::Duration::days(MAX_DAYS_AHEAD) {
        return Err(refuse(format!("due_at must be in the future and within {MAX_DAYS_AHEAD} days")));
    }
    let note = text::check("note", &a.note, NOTE_MAX, true)?;
    if store::reminders::pending_by_ai(tx, at.tenant_id, at.lead_id)? >= limits::PENDING_AI_REMINDERS {
        return Err(refuse(format!(
            "this lead already has {} call-backs waiting; tell the customer the staff will be in touch",
            limits::PENDING_AI_REMINDERS
        )));
    }
    let people = store::users::people_for_lead(tx, at.tenant_id, at.lead_id)?;
    if people.is_empty() {
        return Err(refuse("this business has no one to call back (no assignee and no owner)"));
    }
    let due = time::format(due);
    for user in &people {
        let new = store::reminders::NewReminder { due_at: &due, note: &note, call: false };
        let r = store::reminders::insert(tx, at.tenant_id, at.lead_id, *user, None, &new)?;
        done.activities.push(store::activities::add(
            tx,
            at.tenant_id,
            at.lead_id,
            ActivityKind::ReminderSet,
            &note,
            &json!({"reminder_id": r.id, "due_at": r.due_at, "assignee_user_id": user, "by_ai": true}),
            None,
        )?);
    }
    done.reminders_set = true;
    Ok((format!("call back at {due}: {note}"), json!({"ok": true, "due_at": due, "for_users": people.len()})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageArgs {
    message: String,
    callback_at: Option<String>,
}

/// A note on the lead; with a time, a callback reminder too.
pub(super) fn take_message(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: MessageArgs = parse(args)?;
    let message = text::required("message", &a.message, NOTE_MAX, true)?;
    if let Some(due) = &a.callback_at {
        // The reminder is checked first, so a bad time leaves no half-taken message.
        callback(tx, at, &json!({"due_at": due, "note": message}), done)?;
    }
    done.activities.push(store::activities::add(
        tx,
        at.tenant_id,
        at.lead_id,
        ActivityKind::Note,
        &message,
        &json!({"by_ai": true, "channel": at.channel}),
        None,
    )?);
    Ok((format!("took a message: {message}"), json!({"ok": true, "callback_set": a.callback_at.is_some()})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusArgs {
    status: String,
}

pub(super) fn set_status(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: StatusArgs = parse(args)?;
    let Some(status) = LeadStatus::parse(&a.status) else {
        return Err(refuse(format!("status `{}` is not allowed; use contacted or qualified", a.status)));
    };
    let lead =
        store::leads::get(tx, Scope::Tenant(at.tenant_id), at.lead_id)?.ok_or(store::StoreError::NotFound("lead"))?;
    limits::status_move(lead.status, status).map_err(Failure::Refused)?;
    let set = core::leads::set_status(tx, Scope::Tenant(at.tenant_id), at.lead_id, status, "", None, true)?;
    done.activities.extend(set.activities);
    let before = lead;
    Ok((format!("status {} → {}", before.status.as_str(), status.as_str()), json!({"ok": true, "status": status})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateArgs {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
}

pub(super) fn update_lead(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: UpdateArgs = parse(args)?;
    let first = a.first_name.as_deref().map(|s| text::required("first_name", s, NAME_MAX, false)).transpose()?;
    let last = a.last_name.as_deref().map(|s| text::required("last_name", s, NAME_MAX, false)).transpose()?;
    let email = text::email("email", a.email.as_deref())?;
    let lead =
        store::leads::get(tx, Scope::Tenant(at.tenant_id), at.lead_id)?.ok_or(store::StoreError::NotFound("lead"))?;
    let mut p = LeadPatch::default();
    let (mut filled, mut kept) = (Vec::new(), Vec::new());
    for (field, new, empty) in [
        ("first_name", &first, lead.first_name.is_empty()),
        ("last_name", &last, lead.last_name.is_empty()),
        ("email", &email, lead.email.as_deref().unwrap_or("").is_empty()),
    ] {
        match (new, empty) {
            (Some(_), true) => filled.push(field),
            (Some(_), false) => kept.push(field),
            (None, _) => {}
        }
    }
    if filled.contains(&"first_name") {
        p.first_name = first;
    }
    if filled.contains(&"last_name") {
        p.last_name = last;
    }
    if filled.contains(&"email") {
        p.email = Some(email);
    }
    if !filled.is_empty() {
        store::leads::update_scoped(tx, Scope::Tenant(at.tenant_id), at.lead_id, &p)?;
        done.activities.push(store::activities::add(
            tx,
            at.tenant_id,
            at.lead_id,
            ActivityKind::Updated,
            "",
            &json!({"fields": filled, "by_ai": true}),
            None,
        )?);
    }
    let summary =
        if filled.is_empty() { "nothing to fill".to_string() } else { format!("filled {}", filled.join(", ")) };
    Ok((summary, json!({"ok": true, "filled": filled, "kept_existing": kept})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TagArgs {
    tag: String,
}

pub(super) fn add_tag(tx: &Connection, at: ToolScope, args: &Value) -> Step {
    let a: TagArgs = parse(args)?;
    let tag = text::required("tag", &a.tag, TAG_MAX, false)?;
    match store::leads::add_tag(tx, at.tenant_id, at.lead_id, &tag) {
        Ok(added) => Ok((format!("tag {tag}"), json!({"ok": true, "added": added}))),
        Err(store::StoreError::Conflict(_)) => Err(refuse("the lead already has the most tags allowed")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HandoffArgs {
    reason: String,
}

pub(super) fn handoff(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: HandoffArgs = parse(args)?;
    let reason = text::check("reason", &a.reason, NOTE_MAX, true)?;
    let hours = store::tenants::handoff_hours(tx, at.tenant_id)?;
    let change = store::leads::AiPause::For { hours };
    done.activities.extend(store::leads::set_ai_pause(tx, at.tenant_id, at.lead_id, change, None, &reason)?);
    done.notifications = notify(tx, at.tenant_id, at.lead_id, "ai_handoff", &reason)?;
    done.handed_off = true;
    Ok((format!("handed to a person: {reason}"), json!({"ok": true, "paused_hours": hours})))
}

/// Tells the lead's people (its assignee, else the owners) about it, in the app and on their phones.
pub fn notify(
    tx: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    kind: &str,
    body: &str,
) -> Result<Vec<Notification>, core::CoreError> {
    let people: Vec<UserId> = store::users::people_for_lead(tx, tenant_id, lead_id)?;
    let lead = store::leads::get(tx, Scope::Tenant(tenant_id), lead_id)?;
    let title = lead
        .map(|l| {
            let name = format!("{} {}", l.first_name, l.last_name).trim().to_string();
            if name.is_empty() { l.phone_e164.or(l.whatsapp_id).unwrap_or_default() } else { name }
        })
        .unwrap_or_default();
    core::notify::notify_users(tx, tenant_id, &people, kind, &title, body, lead_id)
}
