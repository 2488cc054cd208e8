//! Reminding customers of their appointments: each reminder is claimed once
//! (see `store::claims`) when `booking_reminder_hours` before the start
//! arrives (or at once for a booking made later than that), and sent through
//! the messaging layer: free text through the bridge or inside WhatsApp's
//! window, else the business's `twilio_booking_template_sid` with the
//! customer's name, the service, and the local date and time. The send
//! carries an idempotency key per appointment and start time, so a claim
//! taken again after a crash never sends the same reminder twice.

use serde_json::json;
use time::OffsetDateTime;

use super::webhook::backoff;
use crate::{
    context::Context,
    core::{
        CoreError,
        appointments::words,
        sends::{Origin, Outgoing, send_to_lead},
    },
    domain::{AppointmentStatus, Scope, time::format, time::now},
    messaging::SendError,
    store::{self, appointments::ClaimedReminder, appointments::REMINDERS},
};

/// Marks the reminder on the message's timeline entry.
const MARK: &str = "appointment_reminder";

/// Claims and sends every due customer reminder. Public for tests and benchmarks.
pub async fn deliver_due(ctx: &Context) -> Result<(), CoreError> {
    super::drain(
        ctx,
        store::appointments::claim_due_unscoped,
        |c: &store::appointments::ClaimedReminder| &c.token,
        |c| deliver(ctx, c),
    )
    .await
}

/// Ok, or a plain reason and whether retrying can help.
type Outcome = Result<(), (String, bool)>;

async fn deliver(ctx: &Context, c: ClaimedReminder) {
    let outcome = send(ctx, &c).await;
    let (id, attempts, token) = (c.id, c.attempts, c.token);
    let result = match outcome {
        Ok(()) => ctx.db.write(move |tx| store::claims::mark_done_unscoped(tx, REMINDERS, id, &token)).await,
        Err((reason, permanent)) => {
            tracing::warn!(reminder = id, attempts, permanent, error = %reason, "appointment reminder not sent");
            let retry_at = format(OffsetDateTime::now_utc() + backoff(attempts));
            ctx.db
                .write(move |tx| {
                    store::claims::mark_failed_attempt_unscoped(
                        tx, REMINDERS, id, &token, &reason, &retry_at, permanent,
                    )
                })
                .await
        }
    };
    match result {
        Ok(true) => {}
        Ok(false) => tracing::warn!(reminder = id, "an appointment reminder's claim was lost before its outcome"),
        Err(e) => tracing::error!(reminder = id, error = %e, "could not record an appointment reminder's outcome"),
    }
}

async fn send(ctx: &Context, c: &ClaimedReminder) -> Outcome {
    let (tenant_id, appointment_id) = (c.tenant_id, c.appointment_id);
    let read = ctx
        .db
        .read(move |conn| -> store::StoreResult<_> {
            let Some(a) = store::appointments::get(conn, tenant_id, appointment_id)? else { return Ok(None) };
            let lead = store::leads::get(conn, Scope::Tenant(tenant_id), a.lead_id)?;
            Ok(Some((a, lead, store::tenants::get(conn, tenant_id)?)))
        })
        .await
        .map_err(|e| (format!("the database could not be read ({e})"), false))?;
    // Gone, cancelled, done, or already begun: nothing to remind of.
    let Some((a, Some(lead), Some(tenant))) = read else { return Ok(()) };
    let live = matches!(a.status, AppointmentStatus::Booked | AppointmentStatus::Confirmed);
    if !live || a.starts_at <= now() {
        return Ok(());
    }
    let tz = tenant.schedule().tz;
    let (date, _, time) = words::local(&a.starts_at, tz);
    let name = format!("{} {}", lead.first_name, lead.last_name).trim().to_string();
    let text = words::reminder(tenant.ai_language != "en", &lead.first_name, &a.service_name, &date, &time);
    let variables = json!({"1": name, "2": a.service_name, "3": date, "4": time});
    let outgoing = Outgoing::TextOrTemplate { text, sid: tenant.twilio_booking_template_sid.clone(), variables };
    let origin = Origin {
        actor: None,
        is_ai: false,
        audit: None,
        idempotency_key: Some(format!("{MARK}:{}:{}", a.id, a.starts_at)),
        automatic: Some(MARK),
    };
    match send_to_lead(ctx, &lead, outgoing, origin).await {
        Ok(_) => Ok(()),
        // Refused, or only Twilio with its window closed and no template: trying again changes nothing.
        Err(e) => {
            let closed = |e: &SendError| matches!(e, SendError::WindowClosed { .. });
            let last =
                e.is_final() || closed(&e) || matches!(&e, SendError::Ruled { rule, .. } if closed(rule.as_ref()));
            Err((e.to_string(), last))
        }
    }
}
