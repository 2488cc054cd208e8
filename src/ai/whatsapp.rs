//! Answering WhatsApp: one reply per burst of messages, only while the lead
//! is not paused, within the lead's hourly budget, with the context block
//! and the tools; re-checked just before anything is sent.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::json;

use super::{client, context, limits, tools};
use crate::{
    context::Context,
    core,
    core::CoreResult,
    domain::{ActivityKind, LeadId, Scope, TenantId},
    store,
};

const HISTORY: i64 = 20;
/// Rounds of tool calls before the model must answer in words.
const MAX_TOOL_ROUNDS: usize = 4;

/// The latest inbound message's ticket per lead: a reply waits out the
/// debounce and goes ahead only if no newer message took the ticket.
/// Also counts each business's replies of the last hour.
#[derive(Default)]
pub struct Bursts {
    latest: Mutex<HashMap<LeadId, u64>>,
    next: AtomicU64,
    business: limits::BusinessReplies,
}

impl Bursts {
    fn take_ticket(&self, lead: LeadId) -> u64 {
        let ticket = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        self.latest.lock().unwrap_or_else(|p| p.into_inner()).insert(lead, ticket);
        ticket
    }

    /// True (and forgets the lead) when `ticket` is still the lead's latest.
    fn is_latest(&self, lead: LeadId, ticket: u64) -> bool {
        let mut map = self.latest.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(&lead) == Some(&ticket) {
            map.remove(&lead);
            true
        } else {
            false
        }
    }
}

/// Called after an inbound message commits: answers the burst it belongs
/// to once `FRONTDESK_AI_DEBOUNCE_MS` pass without another message.
pub fn spawn_whatsapp_reply(ctx: &Context, bursts: &Arc<Bursts>, tenant_id: TenantId, lead_id: LeadId) {
    if ctx.config.settings.openai_api_key.is_none() {
        return;
    }
    let ticket = bursts.take_ticket(lead_id);
    let (ctx, bursts) = (ctx.clone(), bursts.clone());
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(ctx.config.settings.ai_debounce_ms)).await;
        if !bursts.is_latest(lead_id, ticket) {
            return;
        }
        if let Err(error) = reply(&ctx, &bursts, tenant_id, lead_id).await {
            tracing::warn!(tenant = tenant_id.0, lead = lead_id.0, %error, "AI reply failed");
            record_error(&ctx, tenant_id, lead_id, error, "").await;
        }
    });
}

async fn record_error(ctx: &Context, tenant_id: TenantId, lead_id: LeadId, error: String, reason: &'static str) {
    let result = ctx
        .db
        .write(move |tx| -> CoreResult<_> {
            let mut data = json!({"channel": "whatsapp"});
            if !reason.is_empty() {
                data["reason"] = reason.into();
            }
            Ok(store::activities::add(tx, tenant_id, lead_id, ActivityKind::AiError, &error, &data, None)?)
        })
        .await;
    match result {
        Ok(a) => ctx.events.activity(&a),
        Err(e) => tracing::error!(error = %e, "could not record an AI failure"),
    }
}

/// Whether the AI may still speak: on, not paused, and no message newer than `newest_in`.
async fn may_send(ctx: &Context, tenant_id: TenantId, lead_id: LeadId, newest_in: Option<i64>) -> bool {
    ctx.db
        .read(move |c| -> CoreResult<_> {
            Ok(store::leads::ai_may_answer(c, tenant_id, lead_id)?
                && store::messages::newest_inbound_id(c, tenant_id, lead_id)? == newest_in)
        })
        .await
        .unwrap_or(false)
}

async fn reply(ctx: &Context, bursts: &Bursts, tenant_id: TenantId, lead_id: LeadId) -> Result<(), String> {
    let read = ctx
        .db
        .read(move |c| -> CoreResult<_> {
            Ok((
                store::tenants::get(c, tenant_id)?,
                store::prompts::get(c, tenant_id)?,
                store::leads::get(c, Scope::Tenant(tenant_id), lead_id)?,
                store::messages::recent_for_lead(c, tenant_id, lead_id, HISTORY)?,
                store::messages::ai_replies_in_last_hour(c, tenant_id, lead_id)?,
                store::messages::newest_inbound_id(c, tenant_id, lead_id)?,
                store::leads::ai_may_answer(c, tenant_id, lead_id)?,
                context::booking_block(c, tenant_id, Some(lead_id), chrono::Utc::now())?,
            ))
        })
        .await
        .map_err(|_| "the database could not be read".to_string())?;
    let (tenant, prompts, lead, history, recent_replies, newest_in, may_answer, booking) = read;
    let (Some(tenant), Some(lead)) = (tenant, lead) else { return Ok(()) };
    if !tenant.ai_auto_reply || prompts.whatsapp_prompt.trim().is_empty() || !may_answer {
        return Ok(());
    }
    if recent_replies >= i64::from(tenant.ai_max_replies_per_hour) {
        return over_budget(ctx, tenant_id, lead_id, tenant.ai_max_replies_per_hour).await;
    }
    // Counted before the model is asked: a reply that then fails still counts.
    let max = tenant.ai_max_replies_per_hour_business;
    if let limits::Admit::Refused { alert } = bursts.business.take(tenant_id, max, Instant::now()) {
        return over_business_budget(ctx, tenant_id, lead_id, max, alert).await;
    }
    let mut system = context::instructions(&prompts.whatsapp_prompt, &tenant, Some(&lead), chrono::Utc::now());
    system.push_str(&booking);
    let mut messages = vec![json!({"role": "system", "content": system})];
    for m in &history {
        let content = heard(m);
        if content.is_empty() {
            continue;
        }
        let role = if m.direction == "in" { "user" } else { "assistant" };
        messages.push(json!({"role": role, "content": content}));
    }
    let tools = tools::chat_tools();
    let mut budget = limits::ToolBudget::reply();
    let mut text = None;
    for round in 0..=MAX_TOOL_ROUNDS {
        // After the last round of tools the model must answer in words.
        let offer = (round < MAX_TOOL_ROUNDS).then_some(&tools);
        let c = client::complete(ctx, &messages, offer).await?;
        if c.tool_calls.is_empty() || offer.is_none() {
            text = c.text;
            break;
        }
        if !may_send(ctx, tenant_id, lead_id, newest_in).await {
            return Ok(());
        }
        messages.push(c.message.clone());
        let mut handed_off = false;
        for call in c.tool_calls {
            if !budget.admit(&round.to_string(), false) {
                tracing::warn!(tenant = tenant_id.0, lead = lead_id.0, tool = %call.name, "AI tool call over the budget");
                let refused = json!({"error": limits::TOO_MANY});
                messages.push(json!({"role": "tool", "tool_call_id": call.id, "content": refused.to_string()}));
                continue;
            }
            let at = tools::ToolScope { tenant_id, lead_id, channel: "whatsapp" };
            let args = call.arguments.clone();
            let name = call.name.clone();
            let done = ctx
                .db
                .write(move |tx| -> CoreResult<_> { Ok(tools::execute(tx, at, &name, &args)?) })
                .await
                .map_err(|_| "an AI action could not be saved".to_string())?;
            publish(ctx, &done);
            handed_off |= done.handed_off;
            messages.push(json!({"role": "tool", "tool_call_id": call.id, "content": done.result.to_string()}));
        }
        if handed_off {
            return Ok(());
        }
    }
    let Some(text) = text else { return Err("the AI service answered without a reply".into()) };
    // A person took over, or the customer wrote again while the model thought:
    // the newer message's own reply will answer everything.
    if !may_send(ctx, tenant_id, lead_id, newest_in).await {
        return Ok(());
    }
    let origin = core::sends::Origin { actor: None, is_ai: true, audit: None, idempotency_key: None, automatic: None };
    core::sends::send_to_lead(ctx, &lead, core::sends::Outgoing::Text(text), origin)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// What the AI reads of a message: a voice note as its transcript, other
/// files as `[image]` (etc.), then the text or caption.
pub fn heard(m: &store::messages::Message) -> String {
    let mut parts: Vec<String> = Vec::new();
    for f in m.media.as_array().into_iter().flatten() {
        let kind = f["kind"].as_str().unwrap_or("file");
        match (kind, f["transcript"].as_str().filter(|t| !t.trim().is_empty())) {
            ("audio", Some(t)) => parts.push(format!("[voice note] {}", t.trim())),
            ("audio", None) => parts.push("[voice note, not transcribed]".into()),
            (other, _) => parts.push(format!("[{other}]")),
        }
    }
    if !m.body.trim().is_empty() {
        parts.push(m.body.clone());
    }
    parts.join(" ")
}

/// Announces what a tool call did (activities, notifications, reminders to fire).
pub fn publish(ctx: &Context, done: &tools::Done) {
    for a in &done.activities {
        ctx.events.activity(a);
    }
    for n in &done.notifications {
        ctx.events.notification(n);
    }
    if done.reminders_set {
        ctx.reminder_wake.now();
    }
}

/// The lead's hourly budget is spent: pause the AI there and tell the owners.
async fn over_budget(ctx: &Context, tenant_id: TenantId, lead_id: LeadId, max: u32) -> Result<(), String> {
    let why = format!("The AI paused itself on this lead: {max} replies in the last hour. A person should take over.");
    let done = ctx
        .db
        .write(move |tx| -> CoreResult<_> {
            let hours = store::tenants::handoff_hours(tx, tenant_id)?;
            let change = store::leads::AiPause::For { hours };
            let mut done = tools::Done::default();
            done.activities.extend(store::leads::set_ai_pause(tx, tenant_id, lead_id, change, None, &why)?);
            let owners = store::users::owners(tx, tenant_id)?;
            done.notifications =
                crate::core::notify::notify_users(tx, tenant_id, &owners, "ai_budget", "AI paused", &why, lead_id)?;
            Ok(done)
        })
        .await
        .map_err(|_| "the AI's pause could not be saved".to_string())?;
    publish(ctx, &done);
    Ok(())
}

/// The business's hourly replies are spent: this message gets no AI reply
/// (its timeline says why), and the owners hear of it at most once an hour.
async fn over_business_budget(
    ctx: &Context,
    tenant_id: TenantId,
    lead_id: LeadId,
    max: u32,
    alert: bool,
) -> Result<(), String> {
    let why = format!(
        "The AI did not answer: this business's limit of {max} AI replies an hour is reached. A person should answer."
    );
    let done = ctx
        .db
        .write(move |tx| -> CoreResult<_> {
            let mut done = tools::Done::default();
            let data = json!({"channel": "whatsapp", "reason": "business_budget"});
            done.activities.push(store::activities::add(
                tx,
                tenant_id,
                lead_id,
                ActivityKind::AiError,
                &why,
                &data,
                None,
            )?);
            if alert {
                let owners = store::users::owners(tx, tenant_id)?;
                done.notifications = crate::core::notify::notify_users(
                    tx,
                    tenant_id,
                    &owners,
                    "ai_budget",
                    "AI replies paused for the hour",
                    &why,
                    lead_id,
                )?;
            }
            Ok(done)
        })
        .await
        .map_err(|_| "the AI's limit could not be recorded".to_string())?;
    publish(ctx, &done);
    Ok(())
}
