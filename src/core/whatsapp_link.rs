//! A business's WhatsApp link through the bridge changing state (the
//! bridge's `connection.update` and `qrcode.updated` events, or our own
//! asking): kept, shown live in Settings, and when a link that was open
//! closes, the owners are told on their alert channels.

use serde_json::json;

use super::CoreResult;
use crate::{
    context::Context,
    domain::TenantId,
    store::{
        self,
        notifications::NewNotification,
        whatsapp_links::{Change, Link},
    },
};

/// Applies a change, announces it, and alerts the owners when the link dropped.
pub async fn apply(
    ctx: &Context,
    tenant_id: TenantId,
    state: Option<&str>,
    qr: Option<String>,
    pairing_code: Option<String>,
) -> CoreResult<Link> {
    let state = state.map(str::to_string);
    let (link, notified) = ctx
        .db
        .write(move |tx| -> CoreResult<_> {
            let change = Change { state: state.as_deref(), qr: qr.as_deref(), pairing_code: pairing_code.as_deref() };
            let (before, link) = store::whatsapp_links::update(tx, tenant_id, &change)?;
            let mut notified = Vec::new();
            if before == "open" && link.state == "close" {
                for user_id in store::users::owners(tx, tenant_id)? {
                    let n = NewNotification {
                        user_id,
                        kind: "whatsapp_down",
                        title: "",
                        body: "",
                        lead_id: None,
                        reminder_id: None,
                    };
                    notified.push(super::notify::notify(tx, tenant_id, &n)?);
                }
            }
            Ok((link, notified))
        })
        .await?;
    ctx.events.publish(tenant_id, "whatsapp.status", json!({"status": link}));
    for n in &notified {
        ctx.events.publish_to_user(tenant_id, n.user_id, "notification.created", json!({"notification": n}));
    }
    Ok(link)
}
