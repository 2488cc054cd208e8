//! Sending to a lead with a record first: the message is written as
//! `pending` before any provider is called, then `sent` (with its activity)
//! or `failed` with a plain reason. A client's `Idempotency-Key` makes a
//! retried request return the first attempt instead of sending again; a send
//! cut short by a crash stays `failed: interrupted`, never re-sent blindly.

use serde_json::json;

use crate::messaging::{Content, MediaFile, Recipient, SendError, SendResult, Sent};
use crate::{
    context::Context,
    domain::MessageId,
    domain::{ActivityKind, Invalid, LeadId, Scope, TenantId, UserId},
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
    /// Free text where it may go (the bridge, or Twilio inside the window),
    /// else the approved template `sid` with its variables (an appointment reminder).
    TextOrTemplate {
        text: String,
        sid: Option<String>,
        variables: serde_json::Value,
    },
    /// A file a person sends (already stored), with its caption.
    Media(MediaFile),
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
    ctx: &Context,
    lead: &Lead,
    outgoing: Outgoing,
    origin: Origin,
) -> SendResult<(Message, Sent)> {
    let (tenant_id, lead_id) = (lead.tenant_id, lead.id);
    let tenant =
        ctx.db.read(move |c| store::tenants::get(c, tenant_id)).await?.ok_or(SendError::NotFound("Business"))?;
    let template_sid = tenant.twilio_template_sid.clone();
    let window = window_open(lead);
    let fallback = match &outgoing {
        Outgoing::TextOrTemplate { sid: Some(sid), variables, .. } => Some((sid.clone(), variables.clone())),
        _ => None,
    };
    let (text, template) = match &outgoing {
        Outgoing::Text(t) | Outgoing::TextOrTemplate { text: t, .. } => (t.clone(), None),
        Outgoing::Media(file) => (file.caption.clone(), None),
        Outgoing::Template { variables } => {
            let Some(sid) = template_sid.as_deref() else {
                return Err(SendError::Invalid(Invalid::new(
                    "template",
                    "This business has no approved template.",
                    "Set twilio_template_sid in the business settings (a Content SID, HX...).",
                )));
            };
            let shown = match variables {
                Some(v) => format!("[template {sid}] {v}"),
                None => format!("[template {sid}]"),
            };
            (shown, Some((sid.to_string(), variables.clone())))
        }
    };
    // What each provider may send, asked of the one about to send (fallback included).
    let media = match &outgoing {
        Outgoing::Media(file) => Some(file),
        _ => None,
    };
    let rule = |provider: &'static str| -> SendResult<Content<'_>> {
        if let Some(file) = media {
            // A file is free content: Twilio sends it only inside the window.
            return match provider {
                "twilio" if !window => Err(SendError::WindowClosed { has_template: template_sid.is_some() }),
                _ => Ok(Content::Media(file)),
            };
        }
        match (&template, provider) {
            (Some((sid, variables)), "twilio") => Ok(Content::Template { sid, variables: variables.as_ref() }),
            (Some(_), _) => Err(SendError::Invalid(Invalid::new(
                "template",
                "Templates are sent through Twilio, which cannot send this now.",
                "Send text instead: the WhatsApp bridge has no 24-hour window.",
            ))),
            (None, "twilio") if !window => match &fallback {
                Some((sid, variables)) => Ok(Content::Template { sid, variables: Some(variables) }),
                None => Err(SendError::WindowClosed { has_template: template_sid.is_some() }),
            },
            (None, _) => Ok(Content::Text(&text)),
        }
    };
    let Origin { actor, is_ai, audit, idempotency_key, automatic } = origin;
    let author = actor.map(|a| a.user_id);
    // A retry of a send that went out answers as the first time, whatever
    // the providers' health now.
    if let Some(key) = idempotency_key.clone() {
        let body = text.clone();
        let earlier = ctx.db.read(move |c| earlier_send(c, tenant_id, &key, lead_id, author, &body)).await?;
        if let Some(Earlier::Sent(prior)) = earlier {
            return Ok(replayed(*prior));
        }
    }
    // Chosen by health before anything is recorded: a send no provider may
    // make is refused here, with nothing pending.
    let provider = ctx.messenger.pick(&tenant, &rule).await?;
    let body = text.clone();
    let claim = ctx
        .db
        .write(move |tx| -> SendResult<_> {
            store::leads::get(tx, Scope::Tenant(tenant_id), lead_id)?.ok_or(SendError::NotFound("Lead"))?;
            let key = idempotency_key.as_deref();
            match key.map(|k| earlier_send(tx, tenant_id, k, lead_id, author, &body)).transpose()?.flatten() {
                Some(Earlier::Sent(prior)) => return Ok(Ok(*prior)),
                Some(Earlier::Failed(id)) => {
                    store::messages::retry_failed(tx, tenant_id, id)?;
                    return Ok(Err(id));
                }
                None => {}
            }
            let pending = store::messages::Pending {
                lead_id,
                provider,
                body: &body,
                author_user_id: author,
                is_ai,
                idempotency_key: key,
            };
            Ok(Err(store::messages::insert_pending(tx, tenant_id, &pending)?))
        })
        .await?;
    let pending_id = match claim {
        Ok(prior) => return Ok(replayed(prior)),
        Err(id) => id,
    };
    let to = Recipient { phone_e164: lead.phone_e164.clone(), whatsapp_id: lead.whatsapp_id.clone() };
    // What the system sends by itself is paced on the bridge; a person's send goes first.
    let sending = if actor.is_none() {
        ctx.messenger.send_automatic(&tenant, &to, &rule).await
    } else {
        ctx.messenger.send(&tenant, &to, &rule).await
    };
    let sent = match sending {
        Ok(sent) => sent,
        Err(e) => {
            let reason = e.to_string();
            if let Err(db) =
                ctx.db.write(move |tx| store::messages::mark_failed(tx, tenant_id, pending_id, &reason)).await
            {
                tracing::error!(error = %db, message = %pending_id, "could not record a failed send");
            }
            return Err(e);
        }
    };
    let (s, body) = (sent.clone(), text);
    let file_id = media.map(|f| f.id);
    let (message, activity): (Message, Vec<store::activities::Activity>) = ctx
        .db
        .write(move |tx| -> SendResult<_> {
            crate::core::audit::cross_tenant(tx, audit)?;
            let (m, echoed) =
                store::messages::mark_sent(tx, tenant_id, pending_id, s.provider, &s.provider_message_id)?;
            // Our message went out: the lead's follow-up sequence starts again from it.
            crate::core::follow_ups::after_send(tx, tenant_id, lead_id, automatic)?;
            // The file joins its message (and an echo's timeline entry, if the bridge was first).
            let files = match file_id {
                Some(id) => {
                    store::media::link(tx, tenant_id, id, m.id)?;
                    store::media::refresh(tx, tenant_id, lead_id, m.id)?
                }
                None => serde_json::Value::Array(Vec::new()),
            };
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
                        "automatic": automatic, "media": files}),
                actor,
            )?;
            Ok((m, std::iter::once(a).chain(takeover(tx)?).collect::<Vec<_>>()))
        })
        .await?;
    for a in &activity {
        ctx.events.activity(a);
    }
    Ok((message, sent))
}

/// What an earlier send under the same Idempotency-Key means for this one.
enum Earlier {
    /// It went out: its answer is this request's answer, nothing is sent again.
    Sent(Box<Message>),
    /// It failed: this request tries that row again.
    Failed(MessageId),
}

/// A key names one author's send of one text to one lead: the same key
/// with another lead, author or text is another request, never this one's
/// answer (422); one still being sent is 409.
fn earlier_send(
    conn: &rusqlite::Connection,
    tenant_id: TenantId,
    key: &str,
    lead_id: LeadId,
    author: Option<UserId>,
    body: &str,
) -> SendResult<Option<Earlier>> {
    let Some((prior, prior_author)) = store::messages::by_idempotency_key(conn, tenant_id, key)? else {
        return Ok(None);
    };
    if prior.lead_id != lead_id || prior_author != author || prior.body != body {
        return Err(SendError::KeyReused);
    }
    match prior.status.as_str() {
        "pending" => Err(SendError::InProgress),
        "failed" => Ok(Some(Earlier::Failed(prior.id))),
        _ => Ok(Some(Earlier::Sent(Box::new(prior)))),
    }
}

/// The answer of a send that already went out.
fn replayed(prior: Message) -> (Message, Sent) {
    let sent = Sent {
        provider: if prior.provider == "baileys" { "baileys" } else { "twilio" },
        provider_message_id: prior.provider_message_id.clone().unwrap_or_default(),
    };
    (prior, sent)
}

/// A core rule refusing inside a send's transaction refuses the send.
impl From<crate::core::CoreError> for SendError {
    fn from(e: crate::core::CoreError) -> Self {
        match e {
            crate::core::CoreError::Store(e) => SendError::Store(e),
            crate::core::CoreError::Invalid(e) => SendError::Invalid(e),
        }
    }
}
