//! Delivering alerts: WhatsApp through the business's provider (the same
//! [`crate::messaging::Messenger`], but never recorded as a message to the
//! lead), and Web Push to each of the user's browsers. Claimed exactly once
//! and retried with the reminders' backoff (see `store::claims`).

use serde_json::json;
use time::OffsetDateTime;

use super::webhook::backoff;
use crate::{
    context::Context,
    core::CoreError,
    domain::time::format,
    messaging::{Content, Recipient},
    store::{self, alerts::Claimed, claims::ALERTS},
    webpush,
};

/// Claims and delivers every due alert. Public for tests and benchmarks.
pub async fn deliver_due(ctx: &Context) -> Result<(), CoreError> {
    super::drain(ctx, store::alerts::claim_due_unscoped, |c: &store::alerts::Claimed| &c.token, |c| deliver(ctx, c))
        .await
}

/// The outcome of one alert: Ok, or a plain reason and whether retrying can help.
type Outcome = Result<(), (String, bool)>;

async fn deliver(ctx: &Context, c: Claimed) {
    let outcome = match c.alert.channel.as_str() {
        store::alerts::WHATSAPP => whatsapp(ctx, &c).await,
        store::alerts::PUSH => push(ctx, &c).await,
        other => Err((format!("unknown channel {other}"), true)),
    };
    let (id, attempts, token) = (c.alert.id, c.alert.attempts, c.token);
    let result = match outcome {
        Ok(()) => ctx.db.write(move |tx| store::claims::mark_done_unscoped(tx, ALERTS, id, &token)).await,
        Err((reason, permanent)) => {
            tracing::warn!(alert = id, attempts, permanent, error = %reason, "alert not delivered");
            let retry_at = format(OffsetDateTime::now_utc() + backoff(attempts));
            ctx.db
                .write(move |tx| {
                    store::claims::mark_failed_attempt_unscoped(tx, ALERTS, id, &token, &reason, &retry_at, permanent)
                })
                .await
        }
    };
    match result {
        Ok(true) => {}
        Ok(false) => tracing::warn!(alert = id, "an alert claim was lost before its outcome was recorded"),
        Err(e) => tracing::error!(alert = id, error = %e, "could not record an alert's outcome"),
    }
}

/// The lead's name and phone, the note, and the link, to the user's phone.
async fn whatsapp(ctx: &Context, c: &Claimed) -> Outcome {
    let Some(phone) = c.phone_e164.clone() else {
        return Err(("the user has no phone number".into(), true));
    };
    let tenant_id = c.alert.tenant_id;
    let tenant = match ctx.db.read(move |conn| store::tenants::get(conn, tenant_id)).await {
        Ok(Some(t)) => t,
        Ok(None) => return Err(("the business is gone".into(), true)),
        Err(e) => return Err((format!("the database could not be read ({e})"), false)),
    };
    let a = &c.alert;
    let mut text = a.title.clone();
    if !a.body.is_empty() {
        text.push('\n');
        text.push_str(&a.body);
    }
    if a.lead_id.is_some() {
        text.push('\n');
        text.push_str(&format!("{}{}", ctx.config.public_base, a.url));
    }
    let to = Recipient { phone_e164: Some(phone), whatsapp_id: None };
    match ctx.messenger.send_automatic(&tenant, &to, &|_| Ok(Content::Text(&text))).await {
        Ok(_) => Ok(()),
        // The provider refused this recipient or message: final.
        Err(e) => {
            let permanent = e.is_final();
            Err((e.to_string(), permanent))
        }
    }
}

/// The alert to every browser the user subscribed; a subscription the push
/// service calls gone (404/410) is deleted. Done when at least one browser
/// took it, or every failure was final.
async fn push(ctx: &Context, c: &Claimed) -> Outcome {
    let user_id = c.alert.user_id;
    let subs = match ctx.db.read(move |conn| store::push::list_for_user(conn, user_id)).await {
        Ok(s) => s,
        Err(e) => return Err((format!("the database could not be read ({e})"), false)),
    };
    if subs.is_empty() {
        return Err(("the user has no push subscription".into(), true));
    }
    let a = &c.alert;
    let mut payload = json!({
        "title": a.title, "body": a.body, "url": a.url, "lead_id": a.lead_id, "kind": a.kind, "alert_id": a.id,
    })
    .to_string();
    if payload.len() > webpush::MAX_PAYLOAD {
        payload =
            json!({"title": a.title, "url": a.url, "lead_id": a.lead_id, "kind": a.kind, "alert_id": a.id}).to_string();
    }
    let subject = ctx.config.public_base.clone();
    let sends = subs.iter().map(|s| {
        let (payload, subject) = (&payload, &subject);
        async move {
            webpush::send(&ctx.push, &ctx.vapid, subject, &s.endpoint, &s.p256dh, &s.auth, payload.as_bytes()).await
        }
    });
    let outcomes = futures_util::future::join_all(sends).await;
    let (mut delivered, mut retry, mut reasons) = (0, false, Vec::new());
    for (s, o) in subs.iter().zip(outcomes) {
        match o {
            webpush::Outcome::Delivered => delivered += 1,
            webpush::Outcome::Gone => {
                let id = s.id;
                if let Err(e) = ctx.db.write(move |tx| store::push::delete_gone_unscoped(tx, id)).await {
                    tracing::error!(subscription = id, error = %e, "could not delete a gone push subscription");
                }
                reasons.push("the browser's subscription is gone (removed)".to_string());
            }
            webpush::Outcome::Failed { reason, permanent } => {
                retry |= !permanent;
                reasons.push(reason);
            }
        }
    }
    if delivered > 0 { Ok(()) } else { Err((reasons.join("; "), !retry)) }
}
