//! The optional outgoing reminder webhook: a JSON POST signed with
//! `X-Frontdesk-Signature: sha256=<hex HMAC-SHA256 of the body>`, retried
//! with capped exponential backoff.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use time::OffsetDateTime;

use crate::{
    context::Context,
    domain::Scope,
    domain::time::format,
    store::{self, reminders::Claimed},
};

/// Backoff before attempt n+1: 2^n seconds, capped at 5 minutes.
pub(super) fn backoff(attempts: i64) -> time::Duration {
    time::Duration::seconds(1i64 << attempts.clamp(1, 9)).min(time::Duration::minutes(5))
}

pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub async fn deliver(ctx: &Context, claimed: Claimed) {
    let Some(url) = ctx.config.settings.reminder_webhook_url.clone() else { return };
    let token = claimed.token;
    let r = claimed.reminder;
    let (tenant_id, lead_id) = (r.tenant_id, r.lead_id);
    // The same for every retry of one firing, so the receiver can drop repeats.
    let delivery_id = format!("reminder-{}-{}", r.id, r.due_at);
    let lead = ctx.db.read(move |c| store::leads::get(c, Scope::Tenant(tenant_id), lead_id)).await.ok().flatten();
    let body = json!({"event": "reminder.fired", "tenant_id": r.tenant_id, "reminder": r, "lead": lead}).to_string();
    let mut req =
        ctx.http.post(url).header("Content-Type", "application/json").header("X-Frontdesk-Delivery", delivery_id);
    if let Some(secret) = &ctx.config.settings.reminder_webhook_secret {
        req = req.header("X-Frontdesk-Signature", signature(secret, body.as_bytes()));
    }
    // `last_error` is shown to staff: a plain reason; the detail goes to the log.
    let outcome = match req.body(body).send().await {
        Ok(res) if res.status().is_success() => Ok(()),
        Ok(res) => Err(format!("the reminder webhook answered HTTP {}", res.status().as_u16())),
        Err(e) => {
            tracing::warn!(reminder = %r.id, error = %e, "reminder webhook unreachable");
            Err(if e.is_timeout() {
                "the reminder webhook timed out"
            } else {
                "the reminder webhook could not be reached"
            }
            .to_string())
        }
    };
    let id = r.id;
    let attempts = r.attempts;
    let result = match outcome {
        Ok(()) => ctx.db.write(move |tx| store::reminders::mark_done_unscoped(tx, id, &token)).await,
        Err(err) => {
            tracing::warn!(reminder = %id, attempts, error = %err, "reminder webhook failed");
            let retry_at = format(OffsetDateTime::now_utc() + backoff(attempts));
            ctx.db
                .write(move |tx| store::reminders::mark_failed_attempt_unscoped(tx, id, &token, &err, &retry_at))
                .await
        }
    };
    match result {
        Ok(true) => {}
        Ok(false) => tracing::warn!(reminder = %id, "a reminder claim was lost before its outcome was recorded"),
        Err(e) => tracing::error!(reminder = %id, error = %e, "could not record the webhook outcome"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), time::Duration::seconds(2));
        assert_eq!(backoff(2), time::Duration::seconds(4));
        assert_eq!(backoff(20), time::Duration::minutes(5));
    }

    #[test]
    fn signature_is_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
