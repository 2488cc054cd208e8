//! Reminders that ask for a call: the AI calls the lead back.
//!
//! In the claim's transaction a first fire decides: the business is closed
//! -> deferred to its next opening; it placed its hourly number of calls
//! already -> deferred until the oldest of them is an hour old; otherwise
//! the call's row is written (the intent) and the reminder fires as usual.
//! After the commit the call is placed (`POST Calls.json` with answering
//! machine detection) and its CallSid recorded, and only then is the claim
//! finished. A claim left by a crash is taken again: a call whose row has no
//! CallSid yet is placed then, one that has is not placed again.
//! The outcome (person, machine, no answer, busy, failed) comes back through
//! the Twilio webhooks and lands on the reminder and the lead's timeline.

use serde_json::json;
use time::OffsetDateTime;

use crate::{
    context::Context,
    core::{CoreError, CoreResult},
    domain::{ActivityKind, Scope, time::format, time::parse_stored},
    store::{self, calls::Call, reminders::Claimed, reminders::Reminder},
    util::random_token,
    voice::rest,
};

/// What the claim's transaction decided about a call reminder's first fire.
pub(super) enum Decision {
    /// The call's row is written; place it after the commit.
    Place,
    /// Not now: the reminder waits (already put back).
    Deferred,
    /// It cannot be placed at all (no number to call or to call from): it fires as a plain reminder.
    Impossible,
}

/// In the claim's transaction: place, defer or give up (see the module's doc).
pub(super) fn decide(tx: &rusqlite::Transaction, ctx: &Context, c: &Claimed) -> CoreResult<Decision> {
    let r = &c.reminder;
    let Some(tenant) = store::tenants::get(tx, r.tenant_id)? else { return Ok(Decision::Impossible) };
    let lead = store::leads::get(tx, Scope::Tenant(r.tenant_id), r.lead_id)?;
    let (Some(to), Some(from)) = (lead.as_ref().and_then(|l| l.phone_e164.clone()), tenant.phone_e164.clone()) else {
        store::reminders::set_call_outcome(tx, r.tenant_id, r.id, "failed")?;
        return Ok(Decision::Impossible);
    };
    let now = chrono::Utc::now();
    let open = tenant.schedule().state_at(now);
    if !open.open_now {
        let next = open.next_open_at.unwrap_or(now + chrono::Duration::days(1));
        let until = format(OffsetDateTime::from_unix_timestamp(next.timestamp()).unwrap_or(OffsetDateTime::now_utc()));
        store::reminders::defer_unscoped(tx, r.id, &c.token, &until)?;
        return Ok(Decision::Deferred);
    }
    let hour_ago = format(OffsetDateTime::now_utc() - time::Duration::HOUR);
    let (placed, oldest) = store::calls::outbound_since(tx, r.tenant_id, &hour_ago)?;
    if placed >= i64::from(ctx.config.settings.voice.outbound_calls_per_hour) {
        let oldest = oldest.as_deref().and_then(parse_stored).unwrap_or_else(OffsetDateTime::now_utc);
        store::reminders::defer_unscoped(tx, r.id, &c.token, &format(oldest + time::Duration::HOUR))?;
        return Ok(Decision::Deferred);
    }
    let name =
        lead.as_ref().map(|l| format!("{} {}", l.first_name, l.last_name).trim().to_string()).unwrap_or_default();
    let context = agent_context(&name, &r.note);
    store::calls::insert_outbound(
        tx,
        r.tenant_id,
        &store::calls::NewOutbound {
            lead_id: r.lead_id,
            reminder_id: r.id,
            stream_token: &random_token(24),
            from_e164: &from,
            to_e164: &to,
            agent_context: &context,
        },
    )?;
    Ok(Decision::Place)
}

/// What the AI is told on a callback: who it calls and why.
fn agent_context(name: &str, note: &str) -> String {
    let who = if name.is_empty() { "the customer".to_string() } else { name.to_string() };
    let note: String = note.chars().take(500).collect();
    format!(
        "This is an outbound call: you are calling {who} back, as the business promised. The reason, from the \
         reminder: {note}\nGreet them, say which business you are calling from and why, and help them."
    )
}

/// After the commit: places the reminder's call unless it already was, then
/// (when `finish`) finishes the claim.
pub(super) async fn place(ctx: &Context, c: &Claimed, finish: bool) {
    let r = c.reminder.clone();
    let (tenant_id, reminder_id) = (r.tenant_id, r.id);
    let intent = ctx.db.read(move |conn| store::calls::latest_for_reminder(conn, tenant_id, reminder_id)).await;
    match intent {
        Ok(Some(call)) if call.call_sid.is_none() && call.status == "ringing" => {
            let placed = dial(ctx, &call).await;
            if let Err(e) = record(ctx, &r, &call, placed).await {
                tracing::error!(error = %e, reminder = %r.id, "could not record a callback");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, reminder = %r.id, "could not read a callback"),
    }
    if finish {
        let (id, token) = (r.id, c.token.clone());
        if let Err(e) = ctx.db.write(move |tx| store::reminders::mark_done_unscoped(tx, id, &token)).await {
            tracing::error!(error = %e, reminder = %id, "could not finish a callback reminder");
        }
    }
}

/// `POST Calls.json`: the AI answers when the lead picks up; a machine is told apart.
async fn dial(ctx: &Context, call: &Call) -> Result<String, String> {
    let urls = &ctx.config.voice_urls;
    let id = call.id;
    rest::create_call(
        ctx,
        &[
            ("To", call.to_e164.clone().unwrap_or_default()),
            ("From", call.from_e164.clone().unwrap_or_default()),
            ("Url", format!("{}?call={id}", urls.outbound_answer)),
            ("MachineDetection", "DetectMessageEnd".into()),
            ("AsyncAmd", "true".into()),
            ("AsyncAmdStatusCallback", format!("{}?call={id}", urls.amd)),
            ("AsyncAmdStatusCallbackMethod", "POST".into()),
            ("StatusCallback", ctx.config.status_callback_url.clone()),
        ],
    )
    .await
}

/// The CallSid, or the failure on the call, the reminder and the lead's timeline.
async fn record(ctx: &Context, r: &Reminder, call: &Call, placed: Result<String, String>) -> CoreResult<()> {
    let (tenant_id, call_id, lead_id, reminder_id) = (r.tenant_id, call.id, r.lead_id, r.id);
    let act = ctx
        .db
        .write(move |tx| -> Result<_, CoreError> {
            match placed {
                Ok(sid) => {
                    store::calls::set_sid(tx, tenant_id, call_id, &sid)?;
                    Ok(None)
                }
                Err(e) => {
                    tracing::warn!(error = %e, call = %call_id, "a callback could not be placed");
                    store::calls::finish(tx, tenant_id, call_id, "failed", None, None)?;
                    store::reminders::set_call_outcome(tx, tenant_id, reminder_id, "failed")?;
                    Ok(Some(store::activities::add(
                        tx,
                        tenant_id,
                        lead_id,
                        ActivityKind::Call,
                        "Callback could not be placed",
                        &json!({"call_id": call_id, "direction": "outbound", "reminder_id": reminder_id,
                                "outcome": "failed", "error": e}),
                        None,
                    )?))
                }
            }
        })
        .await?;
    if let Some(act) = act {
        ctx.events.activity(&act);
    }
    Ok(())
}
