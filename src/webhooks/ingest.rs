//! Inbound WhatsApp messages from either provider: one transaction that
//! upserts the lead, the message and its activity, idempotent on the
//! provider's message id; then events and the AI reply.

use serde_json::{Value, json};

use crate::{
    ai, core,
    domain::Scope,
    domain::{ActivityKind, LeadSource},
    error::ApiError,
    error::ApiResult,
    state::AppState,
    store::{self, leads::Contact},
};

/// A file that came with a message, to fetch after the webhook is answered.
pub struct InboundFile {
    /// `image`, `audio`, `video`, `document` or `sticker`.
    pub kind: &'static str,
    pub content_type: String,
    /// Where to fetch it: Twilio's media URL, or the bridge message as JSON.
    pub source: String,
}

/// How the business of an inbound message is found.
pub enum Lookup {
    WhatsAppNumber(String),
    Instance(String),
}

/// Upserts the lead, the message and its activity in one transaction,
/// idempotent on the provider's message id; then events and the AI reply.
pub async fn ingest_inbound(
    state: &AppState,
    lookup: Lookup,
    provider: &'static str,
    external_id: String,
    contact: Contact,
    body: String,
    files: Vec<InboundFile>,
) -> Result<Value, ApiError> {
    let has_files = !files.is_empty();
    // A voice note is answered once it is transcribed (by the file worker).
    let voice_note = files.iter().any(|f| f.kind == "audio");
    let result = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let tenant_id = match &lookup {
                Lookup::WhatsAppNumber(n) => store::tenants::id_by_whatsapp_unscoped(tx, n)?,
                Lookup::Instance(i) => store::tenants::id_by_instance_unscoped(tx, i)?,
            };
            let Some(tenant_id) = tenant_id else {
                return Err(ApiError::not_found("Business for this number or instance"));
            };
            // The message's own unique provider id is the delivery record (one
            // index written per message instead of two).
            if store::messages::exists(tx, tenant_id, provider, &external_id)? {
                return Ok((tenant_id, None));
            }
            let (lead_id, creation) = core::leads::upsert_contact(tx, tenant_id, &contact, LeadSource::Whatsapp)?;
            let created = creation.is_some();
            let mut acts = creation.unwrap_or_default();
            let m = store::messages::insert(
                tx,
                tenant_id,
                &store::messages::NewMessage {
                    lead_id,
                    direction: "in",
                    provider,
                    provider_message_id: Some(&external_id),
                    body: &body,
                    media: &Value::Array(Vec::new()),
                    status: "received",
                    author_user_id: None,
                    is_ai: false,
                },
            )?;
            for f in &files {
                let file = store::media::NewFile {
                    message_id: m.id,
                    provider,
                    kind: f.kind,
                    content_type: &f.content_type,
                    source: &f.source,
                };
                store::media::insert_pending(tx, tenant_id, lead_id, &file)?;
            }
            let media = if has_files { store::media::descriptors(tx, m.id)? } else { Value::Array(Vec::new()) };
            if has_files {
                store::media::refresh(tx, tenant_id, lead_id, m.id)?;
            }
            acts.push(store::activities::add_after_message(
                tx,
                tenant_id,
                lead_id,
                ActivityKind::MessageIn,
                &body,
                &json!({"message_id": m.id, "provider": provider, "media": media}),
            )?);
            let lead = store::leads::get(tx, Scope::Tenant(tenant_id), lead_id)?;
            // `1`/`2` answering an appointment reminder: handled here, not by the AI.
            let answered = core::appointments::reply::apply(tx, tenant_id, lead_id, &body, chrono::Utc::now())?;
            Ok((tenant_id, Some((lead_id, created, acts, lead, answered))))
        })
        .await?;
    let (tenant_id, fresh) = result;
    let Some((lead_id, created, acts, lead, answered)) = fresh else {
        return Ok(json!({"ok": true, "duplicate": true}));
    };
    state.events.publish(
        tenant_id,
        if created { "lead.created" } else { "lead.updated" },
        json!({"lead_id": lead_id, "lead": lead}),
    );
    for a in acts {
        state.events.activity(&a);
    }
    if has_files {
        crate::media::wake();
    }
    match answered {
        Some(changed) => changed.iter().for_each(|c| core::appointments::announce(state, c)),
        None if voice_note => {}
        None => ai::spawn_whatsapp_reply(state, &state.ai_bursts, tenant_id, lead_id),
    }
    Ok(json!({"ok": true, "lead_id": lead_id}))
}
