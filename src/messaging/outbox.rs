//! Sending to a lead with a record first: the message is written as
//! `pending` before any provider is called, then `sent` (with its activity)
//! or `failed` with a plain reason. A client's `Idempotency-Key` makes a
//! retried request return the first attempt instead of sending again; a send
//! cut short by a crash stays `failed: interrupted`, never re-sent blindly.

use serde_json::json;

use super::{Content, Recipient, Sent, unavailable};
use crate::{
    domain::ActivityKind,
    domain::Scope,
    error::ApiError,
    error::ApiResult,
    state::AppState,
    store::{self, Actor, leads::Lead, messages::Message},
};

/// Who sends, and how the send is recorded.
pub struct Origin {
    pub actor: Option<Actor>,
    pub is_ai: bool,
    /// The platform admin writing into another business (see `Auth::cross_tenant_write`).
    pub audit: Option<store::audit::Entry<'static>>,
    pub idempotency_key: Option<String>,
    /// Sent by the system itself (e.g. `missed_call_text`), recorded as such.
    pub automatic: Option<&'static str>,
}

/// What to send a lead.
#[derive(Clone, Debug)]
pub enum Outgoing {
    Text(String),
    /// The business's approved template (`twilio_template_sid`) with its variables.
    Template {
        variables: Option<serde_json::Value>,
    },
}

/// WhatsApp lets a business send free text only within this long of the
/// customer's last message (Twilio enforces it; the bridge is a phone and does not).
const WINDOW: time::Duration = time::Duration::hours(24);

fn window_open(lead: &Lead) -> bool {
    let last = lead.last_inbound_at.as_deref().and_then(crate::domain::time::parse_stored);
    last.is_some_and(|t| time::OffsetDateTime::now_utc() - t < WINDOW)
}

/// Sends to a lead; the message row and its activity commit together.
/// Used by the staff endpoint, AI replies and the missed-call text.
pub async fn send_to_lead(
    state: &AppState,
    lead: &Lead,
    outgoing: Outgoing,
    origin: Origin,
) -> Result<(Message, Sent), ApiError> {
    let (tenant_id, lead_id) = (lead.tenant_id, lead.id);
    let tenant = state
        .db
        .read(move |c| store::tenants::get(c, tenant_id))
        .await?
        .ok_or_else(|| ApiError::not_found("Business"))?;
    let Some(provider) = state.messenger.preferred(&tenant) else {
        // Nothing configured: say why, per provider; nothing was attempted or recorded.
        return Err(unavailable(&state.messenger.unconfigured_reasons(&tenant)));
    };
    let template_sid = tenant.twilio_template_sid.clone();
    let (text, content) = match &outgoing {
        Outgoing::Text(_) if provider == "twilio" && !window_open(lead) => {
            let hint = if template_sid.is_some() {
                "Send the business's approved template instead: {\"template\": true, \"variables\": {...}}."
            } else {
                "Wait for the customer to write, or set the business's twilio_template_sid (an approved \
                 WhatsApp template) and send {\"template\": true}."
            };
            return Err(ApiError::conflict(
                "whatsapp_window_closed",
                "The customer last wrote more than 24 hours ago (or never): WhatsApp allows only an approved \
                 template now.",
                hint,
            ));
        }
        Outgoing::Text(t) => (t.clone(), None),
        Outgoing::Template { variables } => {
            let Some(sid) = template_sid.as_deref() else {
                return Err(ApiError::invalid(
                    "template",
                    "This business has no approved template.",
                    "Set twilio_template_sid in the business settings (a Content SID, HX...).",
                ));
            };
            if provider != "twilio" {
                return Err(ApiError::invalid(
                    "template",
                    "Templates are sent through Twilio; this business sends through its own WhatsApp bridge.",
                    "Send text: the bridge has no 24-hour window.",
                ));
            }
            let shown = match variables {
                Some(v) => format!("[template {sid}] {v}"),
                None => format!("[template {sid}]"),
            };
            (shown, Some((sid.to_string(), variables.clone())))
        }
    };
    let text = text.as_str();
    let Origin { actor, is_ai, audit, idempotency_key, automatic } = origin;
    let body = text.to_string();
    let key = idempotency_key.clone();
    let claim = state
        .db
        .write(move |tx| -> ApiResult<_> {
            store::leads::get(tx, Scope::Tenant(tenant_id), lead_id)?.ok_or_else(|| ApiError::not_found("Lead"))?;
            if let Some(key) = key.as_deref()
                && let Some(prior) = store::messages::by_idempotency_key(tx, tenant_id, key)?
            {
                return match prior.status.as_str() {
                    "pending" => Err(ApiError::conflict(
                        "send_in_progress",
                        "A message with this Idempotency-Key is being sent right now.",
                        "Wait a moment and look at the lead's timeline.",
                    )),
                    "failed" => {
                        store::messages::retry_failed(tx, tenant_id, prior.id, &body)?;
                        Ok(Err(prior.id))
                    }
                    _ => Ok(Ok(prior)),
                };
            }
            let id = store::messages::insert_pending(
                tx,
                tenant_id,
                &store::messages::Pending {
                    lead_id,
                    provider,
                    body: &body,
                    author_user_id: actor.map(|a| a.user_id),
                    is_ai,
                    idempotency_key: key.as_deref(),
                },
            )?;
            Ok(Err(id))
        })
        .await?;
    let pending_id = match claim {
        // Already sent under this key: the first attempt's answer, nothing sent again.
        Ok(prior) => {
            let sent = Sent {
                provider: if prior.provider == "baileys" { "baileys" } else { "twilio" },
                provider_message_id: prior.provider_message_id.clone().unwrap_or_default(),
            };
            return Ok((prior, sent));
        }
        Err(id) => id,
    };
    let to = Recipient { phone_e164: lead.phone_e164.clone(), whatsapp_id: lead.whatsapp_id.clone() };
    let content = match &content {
        Some((sid, variables)) => Content::Template { sid, variables: variables.as_ref() },
        None => Content::Text(text),
    };
    let sent = match state.messenger.send(&tenant, &to, &content).await {
        Ok(sent) => sent,
        Err(e) => {
            let reason = e.message.clone();
            if let Err(db) =
                state.db.write(move |tx| store::messages::mark_failed(tx, tenant_id, pending_id, &reason)).await
            {
                tracing::error!(error = %db, message = pending_id, "could not record a failed send");
            }
            return Err(e);
        }
    };
    let (s, body) = (sent.clone(), text.to_string());
    let (message, activity): (Message, Vec<store::activities::Activity>) = state
        .db
        .write(move |tx| -> ApiResult<_> {
            if let Some(e) = audit {
                store::audit::record(tx, e)?;
            }
            let (m, echoed) =
                store::messages::mark_sent(tx, tenant_id, pending_id, s.provider, &s.provider_message_id)?;
            // A person wrote: the AI leaves this conversation to them for a while.
            let takeover = |tx: &rusqlite::Transaction| match actor {
                Some(a) if !is_ai => {
                    store::leads::pause_for_takeover(tx, tenant_id, lead_id, Some(a), "a person replied")
                }
                _ => Ok(None),
            };
            // The bridge echoed it back (fromMe) first: that echo is already on the timeline.
            if echoed {
                return Ok((m, takeover(tx)?.into_iter().collect()));
            }
            let a = store::activities::add(
                tx,
                tenant_id,
                lead_id,
                if is_ai { ActivityKind::AiReply } else { ActivityKind::MessageOut },
                &body,
                &json!({"message_id": m.id, "provider": s.provider, "provider_message_id": s.provider_message_id,
                        "automatic": automatic}),
                actor,
            )?;
            Ok((m, std::iter::once(a).chain(takeover(tx)?).collect::<Vec<_>>()))
        })
        .await?;
    for a in &activity {
        state.events.activity(a);
    }
    Ok((message, sent))
}
