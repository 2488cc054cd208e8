//! The reminder scheduler: fires due reminders exactly once.
//!
//! Two parts: a precise timer task that sleeps until the next due reminder
//! (or until a handler wakes it because a reminder was set or moved), so a
//! reminder fires within moments of its due time and nothing runs while
//! nothing is due; and a tokio-cron-scheduler sweep every 15 s that rescues
//! claims abandoned by a crash and wakes the timer as a safety net.
//! Reminders that fell due while the process was down fire at the first run.
//! The same timer delivers alerts (`alerts`): both queues share the claim
//! code in `store::claims`, and one set of in-flight claim tokens.

mod alerts;
mod appointments;
mod callbacks;
pub mod fault;
mod scheduled;
mod webhook;

pub use alerts::deliver_due as deliver_alerts;
pub use appointments::deliver_due as deliver_appointment_reminders;
pub use scheduled::deliver_due as deliver_scheduled_messages;

use std::time::Duration;

use serde_json::json;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::{
    context::Context,
    core::CoreError,
    domain::ActivityKind,
    domain::Scope,
    domain::time::{format, now, parse_stored},
    store::{self, reminders::Claimed},
};

/// Longest sleep between checks even when nothing is known to be due.
const MAX_IDLE: Duration = Duration::from_secs(60);
const BATCH: i64 = 200;

pub use crate::context::Wake;

/// Marks a claim as being delivered by this process until dropped.
struct Delivering {
    wake: Wake,
    token: String,
}

impl Delivering {
    fn new(wake: &Wake, token: &str) -> Self {
        wake.in_flight().insert(token.to_string());
        Delivering { wake: wake.clone(), token: token.to_string() }
    }
}

impl Drop for Delivering {
    fn drop(&mut self) {
        self.wake.in_flight().remove(&self.token);
    }
}

/// Claims what is due from one queue in batches of [`BATCH`] and delivers
/// each batch at once, until a batch comes back short. Each claim is marked
/// in flight from before its network call until its outcome is committed.
async fn drain<C, F>(
    ctx: &Context,
    claim: fn(&rusqlite::Connection, &str, i64) -> store::StoreResult<Vec<C>>,
    token: fn(&C) -> &str,
    deliver: impl Fn(C) -> F,
) -> Result<(), CoreError>
where
    C: Send + 'static,
    F: std::future::Future<Output = ()>,
{
    loop {
        let now_s = now();
        let claimed = ctx.db.write(move |tx| claim(tx, &now_s, BATCH)).await?;
        let n = claimed.len() as i64;
        let runs = claimed.into_iter().map(|c| {
            let delivering = Delivering::new(&ctx.reminder_wake, token(&c));
            let run = deliver(c);
            async move {
                run.await;
                drop(delivering);
            }
        });
        futures_util::future::join_all(runs).await;
        if n < BATCH {
            return Ok(());
        }
    }
}

/// Starts the timer task and the cron sweep. Both stop at shutdown.
pub async fn start(ctx: Context) -> anyhow::Result<JobScheduler> {
    let sched = JobScheduler::new().await?;
    let sweep_state = ctx.clone();
    sched
        .add(Job::new_async("*/15 * * * * *", move |_id, _l| {
            let ctx = sweep_state.clone();
            Box::pin(async move {
                let cutoff =
                    format(OffsetDateTime::now_utc() - time::Duration::seconds(store::reminders::STALE_CLAIM_SECS));
                let live = ctx.reminder_wake.in_flight().clone();
                let rescue = move |tx: &rusqlite::Transaction| -> store::StoreResult<usize> {
                    Ok(store::claims::rescue_stale_unscoped(tx, store::claims::REMINDERS, &cutoff, &live)?
                        + store::claims::rescue_stale_unscoped(tx, store::claims::ALERTS, &cutoff, &live)?
                        + store::claims::rescue_stale_unscoped(
                            tx,
                            store::claims::APPOINTMENT_REMINDERS,
                            &cutoff,
                            &live,
                        )?
                        + store::claims::rescue_stale_unscoped(tx, store::claims::SCHEDULED_MESSAGES, &cutoff, &live)?)
                };
                match ctx.db.write(rescue).await {
                    Ok(n) if n > 0 => tracing::warn!(rescued = n, "reminder and alert claims left by a crash put back"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "reminder sweep failed"),
                }
                ctx.reminder_wake.now();
            })
        })?)
        .await?;
    sched.start().await?;
    tokio::spawn(wake_on_notifications(ctx.clone()));
    tokio::spawn(timer_loop(ctx));
    Ok(sched)
}

/// A notification may have queued alerts (`store::notifications::insert`):
/// whoever publishes `notification.created` (or an auto-assigned
/// `lead.created`) after committing wakes the timer, so alerts go out at once
/// without every caller knowing about them. (The 15 s sweep wakes it anyway.)
async fn wake_on_notifications(ctx: Context) {
    let mut events = ctx.events.subscribe();
    let mut shutdown = ctx.shutdown.clone();
    loop {
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(e) if e.kind == "notification.created" || e.kind == "leads.imported" => ctx.reminder_wake.now(),
                // A new lead with an assignee was auto-assigned (see `store::leads::insert`);
                // one announced without its body may have been.
                Ok(e) if e.kind == "lead.created"
                    && (e.data.get("lead").is_none() || !e.data["lead"]["assignee_user_id"].is_null()) =>
                {
                    ctx.reminder_wake.now()
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => ctx.reminder_wake.now(),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            },
            _ = shutdown.changed() => return,
        }
    }
}

async fn timer_loop(ctx: Context) {
    let mut shutdown: watch::Receiver<bool> = ctx.shutdown.clone();
    loop {
        if *shutdown.borrow() {
            return;
        }
        // Each run is its own task: a panic in it ends that run, not the timer.
        let run = {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                fault::maybe_panic();
                fire_due(&ctx).await?;
                appointments::deliver_due(&ctx).await?;
                scheduled::deliver_due(&ctx).await?;
                alerts::deliver_due(&ctx).await
            })
        };
        let wait = match run.await {
            Ok(Ok(())) => until_next_due(&ctx).await,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "firing reminders failed; retrying shortly");
                Duration::from_secs(1)
            }
            Err(e) => {
                tracing::error!(error = %e, "a reminder run panicked; retrying shortly");
                Duration::from_secs(1)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = ctx.reminder_wake.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn until_next_due(ctx: &Context) -> Duration {
    let next = ctx
        .db
        .read(|c| -> store::StoreResult<Option<String>> {
            let r = store::claims::next_due_unscoped(c, store::claims::REMINDERS)?;
            let a = store::claims::next_due_unscoped(c, store::claims::ALERTS)?;
            let b = store::claims::next_due_unscoped(c, store::claims::APPOINTMENT_REMINDERS)?;
            let s = store::claims::next_due_unscoped(c, store::claims::SCHEDULED_MESSAGES)?;
            Ok([r, a, b, s].into_iter().flatten().min())
        })
        .await
        .ok()
        .flatten();
    match next.as_deref().and_then(parse_stored) {
        Some(at) => {
            let d = at - OffsetDateTime::now_utc();
            if d.is_negative() { Duration::ZERO } else { Duration::try_from(d).unwrap_or(MAX_IDLE).min(MAX_IDLE) }
        }
        None => MAX_IDLE,
    }
}

/// Claims and delivers everything due now. Public for tests and benchmarks.
pub async fn fire_due(ctx: &Context) -> Result<(), CoreError> {
    loop {
        let webhook_on = ctx.config.settings.reminder_webhook_url.is_some();
        let local = ctx.clone();
        let claimed = ctx.db.write(move |tx| claim_and_deliver_locally(tx, &local, webhook_on)).await?;
        let n = claimed.len() as i64;
        crate::metrics::METRICS.reminders_fired.inc_by(claimed.iter().filter(|(c, _, _)| c.first).count() as u64);
        for (c, notification, activity) in &claimed {
            let r = &c.reminder;
            if let Some(activity) = activity {
                ctx.events.activity(activity);
            }
            if let Some(n) = notification {
                ctx.events.publish_to_user(r.tenant_id, n.user_id, "notification.created", json!({"notification": n}));
            }
            if c.first {
                ctx.events.publish(
                    r.tenant_id,
                    "reminder.fired",
                    json!({"reminder_id": r.id, "lead_id": r.lead_id, "reminder": r}),
                );
            }
        }
        // Calls and webhooks go out after the commit; their claims are finished when they have.
        let deliveries =
            claimed.into_iter().filter(|(c, _, _)| webhook_on || c.reminder.call).map(|(c, _, _)| async move {
                // Registered before the network call and kept until the outcome is committed.
                let _delivering = Delivering::new(&ctx.reminder_wake, &c.token);
                if c.reminder.call {
                    callbacks::place(ctx, &c, !webhook_on).await;
                }
                if webhook_on {
                    webhook::deliver(ctx, c).await
                }
            });
        futures_util::future::join_all(deliveries).await;
        if n < BATCH {
            return Ok(());
        }
    }
}

type Fired = (Claimed, Option<store::notifications::Notification>, Option<store::activities::Activity>);

/// In one transaction: claim due reminders, and for first-time fires write
/// the notification and the activity. Without a webhook that is the whole
/// delivery, so the reminder is `fired` before the transaction commits.
fn claim_and_deliver_locally(
    tx: &rusqlite::Transaction,
    ctx: &Context,
    webhook_on: bool,
) -> Result<Vec<Fired>, CoreError> {
    let now_s = now();
    let claimed = store::reminders::claim_due_unscoped(tx, &now_s, BATCH)?;
    let mut out = Vec::with_capacity(claimed.len());
    for mut c in claimed {
        if c.first && c.reminder.call {
            match callbacks::decide(tx, ctx, &c)? {
                callbacks::Decision::Place => {}
                callbacks::Decision::Deferred => continue,
                callbacks::Decision::Impossible => c.reminder.call = false,
            }
        }
        let r = &c.reminder;
        let (mut notification, mut activity) = (None, None);
        if c.first {
            let lead = store::leads::get(tx, Scope::Tenant(r.tenant_id), r.lead_id)?;
            let name = lead
                .as_ref()
                .map(|l| format!("{} {}", l.first_name, l.last_name).trim().to_string())
                .unwrap_or_default();
            activity = Some(store::activities::add(
                tx,
                r.tenant_id,
                r.lead_id,
                ActivityKind::ReminderFired,
                &r.note,
                &json!({"reminder_id": r.id, "due_at": r.due_at}),
                None,
            )?);
            if let Some(user_id) = r.assignee_user_id.or(r.created_by) {
                notification = Some(crate::core::notify::notify(
                    tx,
                    r.tenant_id,
                    &store::notifications::NewNotification {
                        user_id,
                        kind: "reminder",
                        title: &name,
                        body: &r.note,
                        lead_id: Some(r.lead_id),
                        reminder_id: Some(r.id),
                    },
                )?);
            }
            store::reminders::mark_fired_at_unscoped(tx, r.id, &now_s)?;
        }
        // A call's claim is finished once the call is placed.
        if !webhook_on && !r.call {
            store::reminders::mark_done_unscoped(tx, r.id, &c.token)?;
        }
        out.push((c, notification, activity));
    }
    Ok(out)
}
