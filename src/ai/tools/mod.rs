//! What the AI may do to the CRM: one registry of tools, declared to the
//! chat model (WhatsApp) and to the realtime model (calls), executed here,
//! scoped to the conversation's lead and business, validated like the API,
//! and recorded on the timeline as `ai_action` (actor: the AI, no user).
//! A refused call becomes an error text for the model, never a failed request.

use rusqlite::Connection;
use serde_json::{Value, json};

mod actions;
mod booking;
mod specs;

pub use actions::notify;
use actions::{add_tag, callback, handoff, set_status, take_message, update_lead};
pub use specs::{END_CALL, TRANSFER, chat_tools, realtime_tools};

use crate::{
    core,
    domain::{ActivityKind, LeadId, TenantId},
    store::{self, activities::Activity, notifications::Notification},
};

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

impl From<core::CoreError> for Failure {
    fn from(e: core::CoreError) -> Self {
        match e {
            core::CoreError::Store(e) => Failure::Store(e),
            core::CoreError::Invalid(e) => Failure::Refused(e.message),
        }
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
        "find_slots" => booking::find_slots(tx, at, args),
        "book_appointment" => booking::book(tx, at, args, done),
        "reschedule_appointment" => booking::reschedule(tx, at, args, done),
        "cancel_appointment" => booking::cancel(tx, at, args, done),
        "list_my_appointments" => booking::list_mine(tx, at),
        other => Err(refuse(format!("there is no tool named {other}"))),
    };
    match step {
        Ok(v) => Ok(Ok(v)),
        Err(Failure::Refused(why)) => Ok(Err(why)),
        Err(Failure::Store(e)) => Err(e),
    }
}
