//! WhatsApp files: inbound ones fetched in the background, voice notes
//! transcribed, staff uploads checked, and signed links for Twilio.
//!
//! Why in the background: a webhook's 2xx means the message is committed,
//! and a 16 MB download (then a transcription) would hold the provider's
//! request long enough for it to time out and retry. So the webhook records
//! the message with each file `pending` in the same transaction, answers,
//! and wakes this worker; the file row itself is the durable to-do, claimed
//! like alerts (`store::claims`), retried with backoff when a fetch fails,
//! and put back at start when a crash cut a claim short. A file over
//! FRONTDESK_MEDIA_MAX_MB, or one that never came, keeps a note instead.
//! A voice note's AI reply waits for its transcript; other files do not
//! hold the reply up (the AI sees `[image]` and the caption).

pub mod fetch;
pub mod link;
pub mod sniff;
pub mod transcribe;

use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use serde_json::json;
use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::{
    ai::whatsapp::Bursts,
    context::Context,
    domain::time::{format, now, parse_stored},
    store::{self, media::Claimed},
};
use fetch::FetchError;

/// Wakes the worker: something was queued. One process serves a data file,
/// so one worker and one wake-up for it.
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Files fetched at once.
const BATCH: i64 = 4;
/// Longest sleep when nothing is known to be due.
const MAX_IDLE: Duration = Duration::from_secs(60);

pub fn wake() {
    WAKE.notify_one();
}

/// Starts the worker; it stops at shutdown.
pub fn start(ctx: Context, bursts: Arc<Bursts>) {
    tokio::spawn(run(ctx, bursts));
}

async fn run(ctx: Context, bursts: Arc<Bursts>) {
    // Nothing is being fetched yet: any claim is one a stop cut short.
    let all = format(OffsetDateTime::now_utc() + time::Duration::seconds(1));
    match ctx.db.write(move |tx| store::media::rescue_stale_unscoped(tx, &all, &Default::default())).await {
        Ok(n) if n > 0 => tracing::warn!(files = n, "file fetches cut short by the last stop are queued again"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not requeue interrupted file fetches"),
    }
    let mut shutdown = ctx.shutdown.clone();
    loop {
        if *shutdown.borrow() {
            return;
        }
        let run = {
            let (ctx, bursts) = (ctx.clone(), bursts.clone());
            tokio::spawn(async move { deliver_due(&ctx, &bursts).await })
        };
        if let Err(e) = run.await {
            tracing::error!(error = %e, "a file fetch run panicked");
        }
        let wait = until_next_due(&ctx).await;
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = WAKE.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn until_next_due(ctx: &Context) -> Duration {
    let next = ctx.db.read(store::media::next_due_unscoped).await.ok().flatten();
    match next.as_deref().and_then(parse_stored) {
        Some(at) => {
            let d = at - OffsetDateTime::now_utc();
            if d.is_negative() { Duration::ZERO } else { Duration::try_from(d).unwrap_or(MAX_IDLE).min(MAX_IDLE) }
        }
        None => MAX_IDLE,
    }
}

/// Claims and fetches what is due, a few at a time, until nothing is.
pub async fn deliver_due(ctx: &Context, bursts: &Arc<Bursts>) {
    loop {
        let at = now();
        let claimed = match ctx.db.write(move |tx| store::media::claim_due_unscoped(tx, &at, BATCH)).await {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "could not claim files to fetch");
                return;
            }
        };
        if claimed.is_empty() {
            return;
        }
        futures_util::future::join_all(claimed.into_iter().map(|c| deliver(ctx, bursts, c))).await;
    }
}

/// What became of one file.
enum Outcome {
    Stored { bytes: Vec<u8>, content_type: String },
    TooLarge(Option<i64>),
    Retry(String),
    Failed(String),
}

async fn fetch_one(ctx: &Context, c: &Claimed) -> Outcome {
    let max = ctx.config.settings.media_max_bytes();
    let fetched = if c.provider == "twilio" {
        fetch::twilio(ctx, &c.source, max).await
    } else {
        let message: serde_json::Value = serde_json::from_str(&c.source).unwrap_or_default();
        if let Some(size) = fetch::declared_size(&message["message"]).filter(|s| *s > max as i64) {
            return Outcome::TooLarge(Some(size));
        }
        let tenant_id = c.tenant_id;
        let instance = match ctx.db.read(move |conn| store::tenants::get(conn, tenant_id)).await {
            Ok(Some(t)) => t.whatsapp_instance.unwrap_or_default(),
            Ok(None) => return Outcome::Failed("the business is gone".into()),
            Err(e) => return Outcome::Retry(format!("the database could not be read ({e})")),
        };
        fetch::bridge(ctx, &instance, &message, max).await
    };
    match fetched {
        Ok(f) => {
            let content_type = f.content_type.filter(|t| !t.is_empty()).unwrap_or_else(|| c.content_type.clone());
            Outcome::Stored { bytes: f.bytes, content_type }
        }
        Err(FetchError::TooLarge(size)) => Outcome::TooLarge(size),
        Err(FetchError::Failed { reason, permanent: true }) => Outcome::Failed(reason),
        Err(FetchError::Failed { reason, permanent: false }) => Outcome::Retry(reason),
    }
}

async fn deliver(ctx: &Context, bursts: &Arc<Bursts>, c: Claimed) {
    let outcome = fetch_one(ctx, &c).await;
    let (id, token) = (c.id, c.token.clone());
    let mut audio = None;
    let recorded = match outcome {
        Outcome::Stored { bytes, content_type } => {
            let ct = content_type.clone();
            let stored = ctx
                .db
                .write(move |tx| {
                    store::media::store_fetched_unscoped(tx, id, &token, &ct, &bytes).map(|ok| (ok, bytes))
                })
                .await;
            stored.map(|(ok, bytes)| {
                if ok && c.kind == "audio" {
                    audio = Some((bytes, content_type));
                }
                ok
            })
        }
        Outcome::TooLarge(size) => {
            tracing::info!(file = id, ?size, "an inbound file is over the size limit; a note is kept");
            ctx.db.write(move |tx| store::media::mark_too_large_unscoped(tx, id, &token, size)).await
        }
        Outcome::Retry(reason) => record_failure(ctx, &c, reason, false).await,
        Outcome::Failed(reason) => record_failure(ctx, &c, reason, true).await,
    };
    match recorded {
        Ok(true) => {}
        Ok(false) => return tracing::warn!(file = id, "a file's claim was lost before its outcome was recorded"),
        Err(e) => return tracing::error!(file = id, error = %e, "could not record a file's outcome"),
    }
    if let Some((bytes, content_type)) = audio {
        hear(ctx, &c, &bytes, &content_type).await;
    }
    finish(ctx, bursts, &c).await;
}

async fn record_failure(ctx: &Context, c: &Claimed, reason: String, permanent: bool) -> store::StoreResult<bool> {
    tracing::warn!(file = c.id, %reason, permanent, "an inbound file could not be fetched");
    let (id, token) = (c.id, c.token.clone());
    ctx.db
        .write(move |tx| -> store::StoreResult<bool> {
            let attempts: i64 = tx.query_row("SELECT attempts FROM media WHERE id = ?1", [id], |r| r.get(0))?;
            let retry = OffsetDateTime::now_utc() + time::Duration::seconds(2_i64.pow(attempts.clamp(1, 10) as u32));
            store::media::mark_failed_attempt_unscoped(tx, id, &token, &reason, &format(retry), permanent)
        })
        .await
}

/// Transcribes a voice note in the business's language and keeps the text on the file.
async fn hear(ctx: &Context, c: &Claimed, bytes: &[u8], content_type: &str) {
    if ctx.config.settings.openai_api_key.is_none() {
        return;
    }
    let tenant_id = c.tenant_id;
    let language = ctx
        .db
        .read(move |conn| store::tenants::ai_language(conn, tenant_id))
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| "he".into());
    match transcribe::transcribe(ctx, bytes, content_type, &language).await {
        Ok(text) => {
            let id = c.id;
            if let Err(e) = ctx.db.write(move |tx| store::media::set_transcript(tx, tenant_id, id, &text)).await {
                tracing::error!(file = id, error = %e, "could not keep a transcript");
            }
        }
        Err(e) => tracing::warn!(file = c.id, error = %e, "a voice note could not be transcribed"),
    }
}

/// The message and its timeline entry show the file as it is now; once a
/// voice note's message has every file settled, the AI answers it.
async fn finish(ctx: &Context, bursts: &Arc<Bursts>, c: &Claimed) {
    let Some(message_id) = c.message_id else { return };
    let (tenant_id, lead_id) = (c.tenant_id, c.lead_id);
    let settled = ctx
        .db
        .write(move |tx| -> store::StoreResult<_> {
            store::media::refresh(tx, tenant_id, lead_id, message_id)?;
            Ok(store::media::unfinished_of_message(tx, message_id)? == 0)
        })
        .await;
    let settled = match settled {
        Ok(s) => s,
        Err(e) => return tracing::error!(error = %e, "could not update a message's files"),
    };
    ctx.events.publish(tenant_id, "media.updated", json!({"lead_id": lead_id, "message_id": message_id}));
    // A file that will be tried again is still pending: not settled yet.
    if settled && c.kind == "audio" {
        crate::ai::spawn_whatsapp_reply(ctx, bursts, tenant_id, lead_id);
    }
}
