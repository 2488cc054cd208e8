//! What the AI may do to the CRM: one registry of tools, declared to the
//! chat model (WhatsApp) and to the realtime model (calls), executed here,
//! scoped to the conversation's lead and business, validated like the API,
//! and recorded on the timeline as `ai_action` (actor: the AI, no user).
//! A refused call becomes an error text for the model, never a failed request.

use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::limits;
use crate::{
    core,
    domain::{
        ActivityKind, LeadId, LeadStatus, Scope, TenantId, UserId,
        text::{self, NAME_MAX, NOTE_MAX, TAG_MAX},
        time,
    },
    store::{self, activities::Activity, leads::LeadPatch, notifications::Notification},
};

/// Reminders the AI sets are at most this far ahead.
const MAX_DAYS_AHEAD: i64 = 90;

struct Spec {
    name: &'static str,
    description: &'static str,
    parameters: fn() -> Value,
    /// Only on a phone call (the voice transport executes the call-control ones).
    voice_only: bool,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "create_callback_reminder",
        description: "Schedule a call back to this customer by the staff, e.g. when they ask to be called at a time.",
        parameters: || {
            json!({"type": "object", "properties": {
                "due_at": {"type": "string", "description": "RFC 3339 time with offset, in the future, within 90 days"},
                "note": {"type": "string", "description": "What the call is about"}
            }, "required": ["due_at", "note"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "set_lead_status",
        description: "Mark the lead as contacted, or as qualified when they are a real prospect.",
        parameters: || {
            json!({"type": "object", "properties": {
                "status": {"type": "string", "enum": ["contacted", "qualified"]}
            }, "required": ["status"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "update_lead",
        description: "Record the customer's name or email when they tell you. Only fills fields that are empty.",
        parameters: || {
            json!({"type": "object", "properties": {
                "first_name": {"type": "string"}, "last_name": {"type": "string"}, "email": {"type": "string"}
            }, "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "add_tag",
        description: "Tag the lead with a short label (e.g. the service they want).",
        parameters: || {
            json!({"type": "object", "properties": {"tag": {"type": "string", "maxLength": 40}},
                   "required": ["tag"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "handoff_to_human",
        description: "Hand the conversation to a person (the customer asks for one, is upset, or you cannot help). \
                      After this you send nothing more.",
        parameters: || {
            json!({"type": "object", "properties": {"reason": {"type": "string"}},
                   "required": ["reason"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "take_message",
        description: "Take a message for the staff, with a time to call back when the caller gives one.",
        parameters: || {
            json!({"type": "object", "properties": {
                "message": {"type": "string"},
                "callback_at": {"type": "string", "description": "RFC 3339 time with offset, optional"}
            }, "required": ["message"], "additionalProperties": false})
        },
        voice_only: true,
    },
    Spec {
        name: TRANSFER,
        description: "Transfer the call to a person at the business (the caller asks for one, or you cannot help).",
        parameters: || {
            json!({"type": "object", "properties": {"reason": {"type": "string"}},
                   "required": ["reason"], "additionalProperties": false})
        },
        voice_only: true,
    },
    Spec {
        name: END_CALL,
        description: "End the call after saying goodbye, when the conversation is over.",
        parameters: || json!({"type": "object", "properties": {}, "additionalProperties": false}),
        voice_only: true,
    },
];

/// Call control: declared here with the others, carried out by the voice agent.
pub const TRANSFER: &str = "transfer_to_human";
pub const END_CALL: &str = "end_call";

/// The tools in chat completions' format.
pub fn chat_tools() -> Value {
    Value::from(
        SPECS
            .iter()
            .filter(|s| !s.voice_only)
            .map(|s| {
                json!({"type": "function", "function": {
                    "name": s.name, "description": s.description, "parameters": (s.parameters)()
                }})
            })
            .collect::<Vec<_>>(),
    )
}

/// The tools in the realtime session's format (`session.update`). A call
/// has a person to transfer to instead of a chat handoff.
pub fn realtime_tools() -> Vec<Value> {
    SPECS
        .iter()
        .filter(|s| s.name != "handoff_to_human")
        .map(|s| json!({"type": "function", "name": s.name, "description": s.description, "parameters": (s.parameters)()}))
        .collect()
}

/// Where a tool runs: the conversation's lead in its business.
#[derive(Clone, Copy, Debug)]
pub struct ToolScope {
    pub tenant_id: TenantId,
    pub lead_id: LeadId,
    /// `whatsapp` or `call`, recorded with each action.
    pub channel: &'static str,
}

/// What a tool call did, for the caller to publish after the commit.
#[derive(Debug, Default)]
pub struct Done {
    /// For the model: the result, or `{"error": ...}` when refused.
    pub result: Value,
    pub activities: Vec<Activity>,
    pub notifications: Vec<Notification>,
    /// The AI handed the lead to a person: it says nothing more.
    pub handed_off: bool,
    pub reminders_set: bool,
}

/// Runs one tool call inside the caller's write transaction. Refusals are
/// results (`{"error": ...}`) recorded like actions; only a database failure is an `Err`.
pub fn execute(tx: &Connection, at: ToolScope, name: &str, arguments: &str) -> Result<Done, store::StoreError> {
    let mut done = Done::default();
    let args: Value = serde_json::from_str(arguments).unwrap_or(Value::Null);
    let outcome = run(tx, at, name, &args, &mut done)?;
    let (activity, result) = record(tx, at, name, &args, outcome)?;
    done.activities.push(activity);
    done.result = result;
    Ok(done)
}

/// The `ai_action` entry of one tool call, and the result for the model.
pub fn record(
    tx: &Connection,
    at: ToolScope,
    name: &str,
    args: &Value,
    outcome: Result<(String, Value), String>,
) -> Result<(Activity, Value), store::StoreError> {
    let (body, result) = match outcome {
        Ok((summary, result)) => (summary, result),
        Err(refusal) => (format!("refused {name}: {refusal}"), json!({"error": refusal})),
    };
    let activity = store::activities::add(
        tx,
        at.tenant_id,
        at.lead_id,
        ActivityKind::AiAction,
        &body,
        &json!({"tool": name, "arguments": args, "result": result, "channel": at.channel}),
        None,
    )?;
    Ok((activity, result))
}

/// Why a tool call did not happen: refused (the model is told why) or the database failed.
enum Failure {
    Refused(String),
    Store(store::StoreError),
}

impl From<store::StoreError> for Failure {
    fn from(e: store::StoreError) -> Self {
        Failure::Store(e)
    }
}

impl From<crate::domain::Invalid> for Failure {
    fn from(e: crate::domain::Invalid) -> Self {
        Failure::Refused(e.message)
    }
}

fn refuse(why: impl Into<String>) -> Failure {
    Failure::Refused(why.into())
}

/// What a tool did (a line for the timeline, the result for the model), or why not.
type Step = Result<(String, Value), Failure>;

fn parse<T: serde::de::DeserializeOwned>(args: &Value) -> Result<T, Failure> {
    serde_json::from_value(args.clone()).map_err(|e| refuse(format!("invalid arguments: {e}")))
}

fn run(
    tx: &Connection,
    at: ToolScope,
    name: &str,
    args: &Value,
    done: &mut Done,
) -> Result<Result<(String, Value), String>, store::StoreError> {
    let step = match name {
        "create_callback_reminder" => callback(tx, at, args, done),
        "set_lead_status" => set_status(tx, at, args, done),
        "update_lead" => update_lead(tx, at, args, done),
        "add_tag" => add_tag(tx, at, args),
        "handoff_to_human" => handoff(tx, at, args, done),
        "take_message" => take_message(tx, at, args, done),
        other => Err(refuse(format!("there is no tool named {other}"))),
    };
    match step {
        Ok(v) => Ok(Ok(v)),
        Err(Failure::Refused(why)) => Ok(Err(why)),
        Err(Failure::Store(e)) => Err(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallbackArgs {
    due_at: String,
    note: String,
}

fn callback(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
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
        let r = store::reminders::insert(tx, at.tenant_id, at.lead_id, *user, None, &due, &note)?;
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
fn take_message(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
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

fn set_status(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
    let a: StatusArgs = parse(args)?;
    let Some(status) = LeadStatus::parse(&a.status) else {
        return Err(refuse(format!("status `{}` is not allowed; use contacted or qualified", a.status)));
    };
    let lead =
        store::leads::get(tx, Scope::Tenant(at.tenant_id), at.lead_id)?.ok_or(store::StoreError::NotFound("lead"))?;
    limits::status_move(lead.status, status).map_err(Failure::Refused)?;
    let set =
        core::leads::set_status(tx, Scope::Tenant(at.tenant_id), at.lead_id, status, "", None, true).map_err(|e| {
            match e {
                core::CoreError::Store(e) => Failure::from(e),
            }
        })?;
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

fn update_lead(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
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

fn add_tag(tx: &Connection, at: ToolScope, args: &Value) -> Step {
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

fn handoff(tx: &Connection, at: ToolScope, args: &Value, done: &mut Done) -> Step {
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
) -> Result<Vec<Notification>, store::StoreError> {
    let people: Vec<UserId> = store::users::people_for_lead(tx, tenant_id, lead_id)?;
    let lead = store::leads::get(tx, Scope::Tenant(tenant_id), lead_id)?;
    let title = lead
        .map(|l| {
            let name = format!("{} {}", l.first_name, l.last_name).trim().to_string();
            if name.is_empty() { l.phone_e164.or(l.whatsapp_id).unwrap_or_default() } else { name }
        })
        .unwrap_or_default();
    store::notifications::insert_for_users(tx, tenant_id, &people, kind, &title, body, lead_id)
}
