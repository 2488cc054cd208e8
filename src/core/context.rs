//! What the core and the background work (the scheduler, the outbox, the
//! AI, the voice tools) may reach: the database, the live events, the
//! messengers, the clock's wake-ups, the configuration and the outgoing
//! clients. The HTTP layer's own parts (sessions, caches, throttles, CSRF
//! keys) stay in `AppState`, which holds one of these and derefs to it.

use std::sync::Arc;

use tokio::sync::watch;

use crate::{config::Config, db::Db, events::Events, messaging::Messenger, scheduler::Wake, voice::ActiveCalls};

/// Cheap to clone (one reference count), like the state it lives in.
#[derive(Clone)]
pub struct Context(Arc<Parts>);

impl Context {
    pub fn new(parts: Parts) -> Context {
        Context(Arc::new(parts))
    }
}

impl std::ops::Deref for Context {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

pub struct Parts {
    pub db: Db,
    pub config: Arc<Config>,
    /// Live events for the browsers (`/api/events`).
    pub events: Events,
    /// Wakes the reminder timer when a reminder is set or moved.
    pub reminder_wake: Wake,
    /// WhatsApp providers and their health.
    pub messenger: Arc<Messenger>,
    /// Outgoing HTTP (webhooks, providers), with timeouts.
    pub http: reqwest::Client,
    /// The server's VAPID key pair for Web Push.
    pub vapid: crate::webpush::Vapid,
    /// Web Push's own client: public addresses only, no redirects.
    pub push: crate::webpush::PushClient,
    /// Voice calls in progress: shutdown gives them a grace, then ends and saves them.
    pub calls: ActiveCalls,
    /// The WhatsApp AI's debounce: the latest message of each lead's burst.
    pub ai_bursts: crate::ai::Bursts,
    /// Becomes true at shutdown; long-lived work ends on it.
    pub shutdown: watch::Receiver<bool>,
}
