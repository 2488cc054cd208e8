//! Sending scheduled messages and follow-up steps when due: each row is
//! claimed once (see `store::claims`) and sent through the messaging layer,
//! whose window and template rules apply at send time. The send carries an
//! idempotency key per row, so a claim taken again after a crash answers
//! with the message that went out instead of sending it twice; a send that
//! a crash cut short (its message `interrupted`) is not sent again blindly.

use serde_json::json;
use time::OffsetDateTime;

use super::webhook::backoff;
use crate::{
    context::Context,
    core::{
        CoreError, follow_ups,
        sends::{Origin, Outgoing, send_to_lead},
    },
    domain::{LeadStatus, Scope, time::format},
    messaging::SendError,
    store::{self, Actor, scheduled::Claimed, scheduled::QUEUE},
};

/// Claims and sends every due row. Public for tests and benchmarks.
pub async fn deliver_due(ctx: &Context) -> Result<(), CoreError> {
    super::drain(
        ctx,
        store::scheduled::claim_due_unscoped,
        |c: &store::scheduled::Claimed| &c.token,
        |c| deliver(ctx, c),
    )
    .await
}

/// What became of one row.
enum Outcome {
    Sent(i64),
    /// Not to be sent after all, and why.
    Skip(String),
    /// A plain reason and whether retrying can help.
    Failed(String, bool),
}

async fn deliver(ctx: &Context, c: Claimed) {
    let outcome = send(ctx, &c).await;
    let (id, attempts, token, tenant_id, lead_id, step) = (c.id, c.attempts, c.token, c.tenant_id, c.lead_id, c.step);
    let follow_up = c.kind == "follow_up";
    let result = match outcome {
        Outcome::Sent(message_id) => {
            ctx.db
                .write(move |tx| -> Result<bool, CoreError> {
                    store::scheduled::set_message(tx, id, &token, message_id)?;
                    let done = store::claims::mark_done_unscoped(tx, QUEUE, id, &token)?;
                    if done && follow_up {
                        follow_ups::schedule_step(tx, tenant_id, lead_id, step.unwrap_or(1) as usize + 1)?;
                    }
                    Ok(done)
                })
                .await
        }
        Outcome::Skip(reason) => {
            ctx.db.write(move |tx| Ok(store::scheduled::cancel_claimed(tx, id, &token, &reason)?)).await
        }
        Outcome::Failed(reason, permanent) => {
            tracing::warn!(scheduled = id, attempts, permanent, error = %reason, "scheduled message not sent");
            let retry_at = format(OffsetDateTime::now_utc() + backoff(attempts));
            ctx.db
                .write(move |tx| {
                    Ok(store::claims::mark_failed_attempt_unscoped(
                        tx, QUEUE, id, &token, &reason, &retry_at, permanent,
                    )?)
                })
                .await
        }
    };
    match result {
        Ok(true) => ctx.reminder_wake.now(),
        Ok(false) => tracing::warn!(scheduled = id, "a scheduled message's claim was lost before its outcome"),
        Err(e) => tracing::error!(scheduled = id, error = %e, "could not record a scheduled message's outcome"),
    }
}

async fn send(ctx: &Context, c: &Claimed) -> Outcome {
    let (tenant_id, lead_id) = (c.tenant_id, c.lead_id);
    let key = format!("scheduled:{}", c.id);
    let lookup = key.clone();
    let read = ctx
        .db
        .read(move |conn| -> store::StoreResult<_> {
            let lead = store::leads::get(conn, Scope::Tenant(tenant_id), lead_id)?;
            let tenant = store::tenants::get(conn, tenant_id)?;
            let opted_out = store::scheduled::opted_out(conn, lead_id)?;
            let earlier = store::messages::by_idempotency_key(conn, tenant_id, &lookup)?.map(|(m, _)| m);
            Ok((lead, tenant, opted_out, earlier))
        })
        .await;
    let (lead, tenant, opted_out, earlier) = match read {
        Ok((Some(lead), Some(tenant), o, e)) => (lead, tenant, o, e),
        Ok(_) => return Outcome::Skip("the lead is gone".into()),
        Err(e) => return Outcome::Failed(format!("the database could not be read ({e})"), false),
    };
    if let Some(m) = &earlier
        && m.status == "failed"
        && m.error_code.as_deref().is_some_and(|e| e.starts_with("interrupted"))
    {
        return Outcome::Failed(
            "the server stopped while this was being sent; it may have gone out, so it is not sent again".into(),
            true,
        );
    }
    let follow_up = c.kind == "follow_up";
    if follow_up {
        let replied = lead.last_inbound_at.as_deref().is_some_and(|t| t > c.created_at.as_str());
        if replied {
            return Outcome::Skip("the customer replied".into());
        }
        if opted_out {
            return Outcome::Skip("the customer asked for no more messages".into());
        }
        if matches!(lead.status, LeadStatus::Won | LeadStatus::Lost | LeadStatus::Archived) {
            return Outcome::Skip(format!("the lead is {}", lead.status.as_str()));
        }
    }
    let (outgoing, origin) = if follow_up {
        // Outside WhatsApp's window Twilio sends the business's approved template instead.
        let outgoing = Outgoing::TextOrTemplate {
            text: c.text.clone(),
            sid: tenant.twilio_template_sid.clone(),
            variables: json!({}),
        };
        let origin = Origin {
            actor: None,
            is_ai: false,
            audit: None,
            idempotency_key: Some(key),
            automatic: Some(follow_ups::MARK),
        };
        (outgoing, origin)
    } else {
        let actor = c.created_by.map(|user_id| Actor { user_id, impersonating: false });
        (
            Outgoing::Text(c.text.clone()),
            Origin { actor, is_ai: false, audit: None, idempotency_key: Some(key), automatic: None },
        )
    };
    match send_to_lead(ctx, &lead, outgoing, origin).await {
        Ok((m, _)) => Outcome::Sent(m.id.0),
        Err(e) => {
            let closed = |e: &SendError| matches!(e, SendError::WindowClosed { .. });
            let last =
                e.is_final() || closed(&e) || matches!(&e, SendError::Ruled { rule, .. } if closed(rule.as_ref()));
            Outcome::Failed(e.to_string(), last)
        }
    }
}
