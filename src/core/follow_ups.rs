//! Follow-up sequences: when the customer has not answered our last
//! message, the business's next step (`follow_ups`: up to three
//! `{after_hours, text}`) is sent once, `after_hours` after our last
//! message. Each step is a row of `scheduled_messages` the scheduler sends;
//! a message of ours (a person's, the AI's, a scheduled send) starts the
//! sequence again from step 1. Any reply, an opt-out word (`הסר`, `stop`)
//! or a won, lost or archived status ends it (triggers in schema.sql cancel
//! the pending step, and the scheduler checks again before sending).

use serde_json::{Value, json};

use super::CoreResult;
use crate::{
    domain::{Invalid, LeadId, LeadStatus, TenantId, text},
    store::{self, scheduled::NewScheduled},
};

pub const MAX_STEPS: usize = 3;
const MIN_HOURS: f64 = 0.001;
const MAX_HOURS: f64 = 720.0;

/// One step as the business set it.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub after_hours: f64,
    pub text: String,
}

/// Checks a `follow_ups` value from a request: an array of at most three
/// `{after_hours, text}`; null or `[]` turns follow-ups off. Answers the
/// value to store.
pub fn parse(v: &Value) -> Result<Value, Invalid> {
    let hint =
        "Send up to 3 steps like [{\"after_hours\": 24, \"text\": \"Still interested?\"}]; [] turns follow-ups off.";
    let steps = match v {
        Value::Null => return Ok(json!([])),
        Value::Array(a) => a,
        _ => return Err(Invalid::new("follow_ups", "`follow_ups` is not a list of steps.", hint)),
    };
    if steps.len() > MAX_STEPS {
        return Err(Invalid::new("follow_ups", format!("{} steps; at most {MAX_STEPS}.", steps.len()), hint));
    }
    let mut out = Vec::with_capacity(steps.len());
    for (i, s) in steps.iter().enumerate() {
        let field = |name: &str| format!("follow_ups[{i}].{name}");
        let Some(obj) = s.as_object() else {
            return Err(Invalid::new(&format!("follow_ups[{i}]"), "A step is not an object.", hint));
        };
        if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "after_hours" | "text")) {
            return Err(Invalid::new(
                &format!("follow_ups[{i}]"),
                format!("A step has no field `{k}`."),
                "A step has after_hours and text only.",
            ));
        }
        let hours = obj.get("after_hours").and_then(Value::as_f64);
        let Some(hours) = hours.filter(|h| h.is_finite() && (MIN_HOURS..=MAX_HOURS).contains(h)) else {
            return Err(Invalid::new(
                &field("after_hours"),
                "`after_hours` is not a number of hours from 0.001 to 720.",
                "Send hours as a number, fractions allowed: 0.5 is half an hour, 48 two days.",
            ));
        };
        let Some(t) = obj.get("text").and_then(Value::as_str) else {
            return Err(Invalid::new(&field("text"), "A step has no text.", "Send the message to send, as text."));
        };
        let t = text::required(&field("text"), t, text::MESSAGE_MAX, true)?;
        out.push(json!({"after_hours": hours, "text": t}));
    }
    Ok(Value::Array(out))
}

/// The stored steps (already checked when written).
fn steps(stored: &[Value]) -> Vec<Step> {
    stored
        .iter()
        .filter_map(|s| {
            Some(Step { after_hours: s.get("after_hours")?.as_f64()?, text: s.get("text")?.as_str()?.to_string() })
        })
        .collect()
}

fn at_after(hours: f64) -> String {
    let ms = (hours * 3_600_000.0).round() as i64;
    crate::domain::time::format(time::OffsetDateTime::now_utc() + time::Duration::milliseconds(ms))
}

/// Step `step` (1-based) of the lead's sequence, `after_hours` from now,
/// when the business has that step and the lead may get it.
pub fn schedule_step(conn: &rusqlite::Connection, tenant_id: TenantId, lead_id: LeadId, step: usize) -> CoreResult<()> {
    let all = steps(&store::scheduled::follow_up_steps(conn, tenant_id)?);
    let Some(s) = all.get(step.wrapping_sub(1)) else { return Ok(()) };
    if store::scheduled::opted_out(conn, lead_id)? {
        return Ok(());
    }
    let status: Option<LeadStatus> = conn
        .prepare_cached("SELECT status FROM leads WHERE id = ?1 AND tenant_id = ?2")?
        .query_row(rusqlite::params![lead_id, tenant_id], |r| r.get(0))
        .ok();
    if !matches!(status, Some(LeadStatus::New | LeadStatus::Contacted | LeadStatus::Qualified)) {
        return Ok(());
    }
    let at = at_after(s.after_hours);
    store::scheduled::insert(
        conn,
        tenant_id,
        &NewScheduled {
            lead_id,
            kind: "follow_up",
            step: Some(step as i64),
            text: &s.text,
            send_at: &at,
            created_by: None,
        },
    )?;
    Ok(())
}

/// A message of ours went out to the lead: its sequence starts again. The
/// system's own texts (`automatic`) leave it as it is; a follow-up step
/// schedules the next step itself.
pub fn after_send(
    conn: &rusqlite::Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    automatic: Option<&str>,
) -> CoreResult<()> {
    if automatic.is_some() {
        return Ok(());
    }
    store::scheduled::cancel_follow_ups(conn, tenant_id, lead_id, "a newer message was sent")?;
    schedule_step(conn, tenant_id, lead_id, 1)
}

/// The marker of a follow-up step's message on the timeline (`data.automatic`).
pub const MARK: &str = "follow_up";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_checked() {
        let ok = parse(&json!([{"after_hours": 0.001, "text": "a"}, {"after_hours": 720, "text": "b"}])).unwrap();
        assert_eq!(ok[1]["after_hours"], 720.0);
        assert_eq!(parse(&Value::Null).unwrap(), json!([]));
        for (bad, field) in [
            (json!({"after_hours": 1}), "follow_ups"),
            (json!([{"after_hours": 0.0, "text": "a"}]), "follow_ups[0].after_hours"),
            (json!([{"after_hours": 721, "text": "a"}]), "follow_ups[0].after_hours"),
            (json!([{"after_hours": "2", "text": "a"}]), "follow_ups[0].after_hours"),
            (json!([{"after_hours": 2, "text": " "}]), "follow_ups[0].text"),
            (json!([{"after_hours": 2}]), "follow_ups[0].text"),
            (json!([{"after_hours": 2, "text": "a", "x": 1}]), "follow_ups[0]"),
            (json!([1, 2, 3, 4]), "follow_ups"),
        ] {
            assert_eq!(parse(&bad).unwrap_err().field, field, "{bad}");
        }
    }
}
