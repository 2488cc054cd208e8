//! The Baileys bridge's webhook, in the Evolution API's format.

use axum::{Json, extract::State};
use serde_json::{Value, json};

use super::{
    BridgeEvent,
    ingest::{InboundFile, Lookup, ingest_inbound},
};
use crate::{
    domain::ActivityKind,
    domain::PhoneE164,
    domain::Scope,
    domain::phone::DEFAULT_REGION,
    domain::text,
    error::ApiError,
    error::ApiResult,
    state::AppState,
    store::{self, leads::Contact},
};

/// `972521234567@s.whatsapp.net` -> `+972521234567`.
fn phone_of_jid(jid: &str) -> Option<String> {
    let (user, server) = jid.split_once('@')?;
    if server != "s.whatsapp.net" && server != "c.us" {
        return None;
    }
    let digits = user.split(':').next().unwrap_or(user);
    PhoneE164::parse(&format!("+{digits}"), DEFAULT_REGION).ok().map(PhoneE164::into_string)
}

/// The text of a message, whatever kind it is.
fn text_of(message: &Value) -> String {
    for path in [
        &["conversation"][..],
        &["extendedTextMessage", "text"],
        &["imageMessage", "caption"],
        &["videoMessage", "caption"],
        &["documentMessage", "caption"],
    ] {
        let mut v = message;
        for k in path {
            v = &v[*k];
        }
        if let Some(s) = v.as_str() {
            return s.to_string();
        }
    }
    String::new()
}

fn media_of(message: &Value) -> Value {
    let mut out = Vec::new();
    for kind in ["imageMessage", "videoMessage", "audioMessage", "documentMessage", "stickerMessage"] {
        let m = &message[kind];
        if m.is_object() {
            out.push(json!({"kind": kind, "url": m["url"], "content_type": m["mimetype"]}));
        }
    }
    Value::Array(out)
}

/// The files of an inbound message, each fetched later by the message's key.
fn files_of(data: &Value) -> Vec<InboundFile> {
    let message = &data["message"];
    let source = json!({"key": data["key"], "message": message}).to_string();
    let kinds = [
        ("imageMessage", "image"),
        ("videoMessage", "video"),
        ("audioMessage", "audio"),
        ("documentMessage", "document"),
        ("documentWithCaptionMessage", "document"),
        ("stickerMessage", "sticker"),
    ];
    kinds
        .iter()
        .filter(|(field, _)| message[*field].is_object())
        .map(|(field, kind)| {
            let inner = &message[*field];
            let inner = if inner["message"].is_object() { &inner["message"]["documentMessage"] } else { inner };
            InboundFile {
                kind,
                content_type: inner["mimetype"].as_str().unwrap_or("application/octet-stream").to_string(),
                source: source.clone(),
            }
        })
        .collect()
}

fn missing(field: &str, hint: &str) -> ApiError {
    ApiError::invalid(field, format!("The webhook lacks `{field}`."), hint)
}

pub async fn webhook(State(state): State<AppState>, BridgeEvent(body): BridgeEvent) -> Result<Json<Value>, ApiError> {
    let Some(event) = body["event"].as_str().filter(|e| !e.is_empty()) else {
        return Err(missing("event", "Every Evolution API event names itself in `event`."));
    };
    if event == "messages.update" || event == "MESSAGES_UPDATE" {
        return delivery_update(&state, &body["data"]).await.map(Json);
    }
    if matches!(event, "connection.update" | "CONNECTION_UPDATE" | "qrcode.updated" | "QRCODE_UPDATED") {
        return link_update(&state, event, &body).await.map(Json);
    }
    if event != "messages.upsert" && event != "MESSAGES_UPSERT" {
        return Ok(Json(json!({"ok": true, "ignored": event})));
    }
    let Some(instance) = body["instance"].as_str().filter(|i| !i.is_empty()).map(str::to_string) else {
        return Err(missing("instance", "The instance name routes the message to its business."));
    };
    let data = &body["data"];
    if !data.is_object() || !data["key"].is_object() {
        return Err(missing("data.key", "A messages.upsert event carries data.key with remoteJid and id."));
    }
    let key = &data["key"];
    let Some(id) = key["id"].as_str().filter(|s| !s.is_empty()).map(str::to_string) else {
        return Err(ApiError::invalid(
            "data.key.id",
            "The message has no key.id.",
            "Send the Evolution API event unchanged.",
        ));
    };
    let remote = key["remoteJid"].as_str().unwrap_or_default();
    if remote.ends_with("@g.us") || remote == "status@broadcast" {
        return Ok(Json(json!({"ok": true, "ignored": "group or status message"})));
    }
    // A @lid jid hides the number; remoteJidAlt carries it when WhatsApp shares it.
    let (phone, whatsapp_id) = if remote.ends_with("@lid") {
        (key["remoteJidAlt"].as_str().and_then(phone_of_jid), Some(remote.to_string()))
    } else {
        (phone_of_jid(remote), None)
    };
    let contact = Contact {
        phone_e164: phone,
        whatsapp_id,
        name: if key["fromMe"].as_bool() == Some(true) {
            None
        } else {
            data["pushName"].as_str().map(text::clean_name)
        },
    };
    if contact.phone_e164.is_none() && contact.whatsapp_id.is_none() {
        return Err(ApiError::invalid(
            "data.key.remoteJid",
            format!("`{remote}` is not a WhatsApp contact."),
            "Send person-to-person messages.",
        ));
    }
    let text = text_of(&data["message"]);
    let media = media_of(&data["message"]);
    if key["fromMe"].as_bool() == Some(true) {
        return record_outbound(&state, instance, id, contact, text, media).await.map(Json);
    }
    ingest_inbound(&state, Lookup::Instance(instance), "baileys", id, contact, text, files_of(data)).await.map(Json)
}

/// The business's WhatsApp link changed: its state, or a new QR / pairing code.
async fn link_update(state: &AppState, event: &str, body: &Value) -> Result<Value, ApiError> {
    let Some(instance) = body["instance"].as_str().filter(|i| !i.is_empty()).map(str::to_string) else {
        return Ok(json!({"ok": true, "ignored": event}));
    };
    let data = &body["data"];
    let (link_state, codes) = if event.starts_with('q') || event.starts_with('Q') {
        let codes = crate::messaging::bridge_admin::codes_of(&data["qrcode"]);
        (None, Some(codes))
    } else {
        match data["state"].as_str() {
            Some(s) => (Some(crate::messaging::bridge_admin::normal_state(s)), None),
            None => return Ok(json!({"ok": true, "ignored": event})),
        }
    };
    let found = state.db.read(move |c| store::tenants::id_by_instance_unscoped(c, &instance)).await?;
    let Some(tenant_id) = found else { return Err(ApiError::not_found("Business for this instance")) };
    let (qr, code) = codes.map_or((None, None), |c| (c.qr, c.pairing_code));
    let link = crate::core::whatsapp_link::apply(state, tenant_id, link_state, qr, code).await?;
    Ok(json!({"ok": true, "state": link.state}))
}

/// The bridge's delivery receipts: `data.keyId` (or `data.key.id`) and
/// `data.status` as WhatsApp's ack name or number (also `data.update.status`).
async fn delivery_update(state: &AppState, data: &Value) -> Result<Value, ApiError> {
    let data = if let Some(first) = data.as_array().and_then(|a| a.first()) { first } else { data };
    let Some(id) = data["keyId"].as_str().or(data["key"]["id"].as_str()).filter(|s| !s.is_empty()) else {
        return Err(missing("data.keyId", "A messages.update event names the message in data.keyId."));
    };
    let raw = if data["status"].is_null() { &data["update"]["status"] } else { &data["status"] };
    let status = match (raw.as_str(), raw.as_i64()) {
        (Some("PENDING"), _) | (_, Some(1)) => "queued",
        (Some("SERVER_ACK"), _) | (_, Some(2)) => "sent",
        (Some("DELIVERY_ACK"), _) | (_, Some(3)) => "delivered",
        (Some("READ" | "PLAYED"), _) | (_, Some(4 | 5)) => "read",
        (Some("ERROR"), _) | (_, Some(0)) => "failed",
        _ => return Ok(json!({"ok": true, "ignored": raw})),
    };
    // Receipts of messages we never recorded (sent from the phone before we knew the lead) are fine.
    match super::delivery_report(state, "baileys", id.to_string(), status, None).await {
        Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => Ok(json!({"ok": true, "recorded": false})),
        other => other,
    }
}

/// A message the business sent from the phone itself: recorded on an
/// existing lead as outbound; never creates a lead.
async fn record_outbound(
    state: &AppState,
    instance: String,
    id: String,
    contact: Contact,
    text: String,
    media: Value,
) -> Result<Value, ApiError> {
    let outcome = state
        .db
        .write(move |tx| -> ApiResult<_> {
            let Some(tenant_id) = store::tenants::id_by_instance_unscoped(tx, &instance)? else {
                return Err(ApiError::not_found("Business for this instance"));
            };
            let Some(lead_id) = store::leads::find_contact(tx, tenant_id, &contact)? else { return Ok(None) };
            if !store::messages::first_delivery(tx, tenant_id, "baileys", &id)? {
                return Ok(None);
            }
            // Our own sends come back as fromMe too; the unique key on messages keeps them single.
            if store::messages::exists(tx, tenant_id, "baileys", &id)? {
                return Ok(None);
            }
            let m = store::messages::insert(
                tx,
                tenant_id,
                &store::messages::NewMessage {
                    lead_id,
                    direction: "out",
                    provider: "baileys",
                    provider_message_id: Some(&id),
                    body: &text,
                    media: &media,
                    status: "sent",
                    author_user_id: None,
                    is_ai: false,
                },
            )?;
            let act = store::activities::add_after_message(
                tx,
                tenant_id,
                lead_id,
                ActivityKind::MessageOut,
                &text,
                &json!({"message_id": m.id, "provider": "baileys", "from_phone": true}),
            )?;
            // Someone answered from the business's phone: the AI steps back. (Our own
            // send echoed before it was marked sent is still pending under the same text.)
            let ours = store::messages::pending_out_with_body(tx, tenant_id, lead_id, &text)?;
            let paused = if ours {
                None
            } else {
                store::leads::pause_for_takeover(tx, tenant_id, lead_id, None, "replied from the phone")?
            };
            let lead = store::leads::get(tx, Scope::Tenant(tenant_id), lead_id)?;
            Ok(Some((tenant_id, lead_id, lead, std::iter::once(act).chain(paused).collect::<Vec<_>>())))
        })
        .await?;
    if let Some((tenant_id, lead_id, lead, acts)) = outcome {
        for a in &acts {
            state.events.activity(a);
        }
        state.events.publish(tenant_id, "lead.updated", json!({"lead_id": lead_id, "lead": lead}));
        return Ok(json!({"ok": true, "lead_id": lead_id}));
    }
    Ok(json!({"ok": true, "recorded": false}))
}
