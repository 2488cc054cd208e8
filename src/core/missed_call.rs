//! After a call nobody answered: the owners hear of it (once per caller per
//! ten minutes, see [`store::alerts::MISSED_CALL_COALESCE`]), and the caller
//! gets the business's `missed_call_text` on WhatsApp, at most once a day per
//! lead.

use super::sends::{Origin, Outgoing, send_to_lead};
use crate::{
    context::Context,
    domain::{LeadId, Scope, TenantId},
    store,
};

/// What the text's activity is marked with (and looked up by).
pub const MARK: &str = "missed_call_text";

pub fn spawn_follow_up(ctx: &Context, tenant_id: TenantId, lead_id: LeadId) {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        if let Err(e) = follow_up(&ctx, tenant_id, lead_id).await {
            tracing::warn!(tenant = tenant_id.0, lead = lead_id.0, error = %e, "missed-call follow-up failed");
        }
    });
}

async fn follow_up(ctx: &Context, tenant_id: TenantId, lead_id: LeadId) -> Result<(), crate::messaging::SendError> {
    let (lead, text, notes) = ctx
        .db
        .write(move |tx| -> crate::messaging::SendResult<_> {
            let tenant = store::tenants::get(tx, tenant_id)?;
            let lead = store::leads::get(tx, Scope::Tenant(tenant_id), lead_id)?;
            let who = lead.as_ref().and_then(|l| l.phone_e164.clone()).unwrap_or_default();
            // Inside the one writer, so calls arriving together cannot both pass the check.
            let mut owners = Vec::new();
            for owner in store::users::owners(tx, tenant_id)? {
                if !store::alerts::missed_call_notified_recently(tx, tenant_id, owner, &who, lead_id)? {
                    owners.push(owner);
                }
            }
            let notes =
                crate::core::notify::notify_users(tx, tenant_id, &owners, "missed_call", &who, "Missed call", lead_id)?;
            let text = tenant.and_then(|t| t.missed_call_text).filter(|t| !t.trim().is_empty());
            let text = match text {
                Some(t) if !store::activities::automatic_within_a_day(tx, tenant_id, lead_id, MARK)? => Some(t),
                _ => None,
            };
            Ok((lead, text, notes))
        })
        .await?;
    for n in &notes {
        ctx.events.notification(n);
    }
    let (Some(lead), Some(text)) = (lead, text) else { return Ok(()) };
    let day = crate::domain::time::now()[..10].to_string();
    let origin = Origin {
        actor: None,
        is_ai: false,
        audit: None,
        // Two calls in a row must not both text: the key makes the second a no-op.
        idempotency_key: Some(format!("{MARK}:{}:{day}", lead.id.0)),
        automatic: Some(MARK),
    };
    send_to_lead(ctx, &lead, Outgoing::Text(text), origin).await?;
    Ok(())
}
