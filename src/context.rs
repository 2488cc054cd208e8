//! What the core and the background work (the scheduler, sends, the AI,
//! the voice tools) may reach: the database, the live events, the
//! messengers, the scheduler's wake-up, the configuration and the outgoing
//! clients. The adapters' own parts (sessions, caches, throttles, CSRF keys,
//! the calls in progress, the AI's debounce) stay in `AppState`, which holds
//! one of these and derefs to it. Built only of lower modules: nothing it
//! holds imports it.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};

use tokio::sync::{Notify, watch};

use crate::{config::Config, db::Db, events::Events, messaging::Messenger};

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
    /// Becomes true at shutdown; long-lived work ends on it.
    pub shutdown: watch::Receiver<bool>,
}

/// Wakes the scheduler's timer (a reminder was created or moved), and knows
/// which claims this process is still delivering.
#[derive(Clone, Default)]
pub struct Wake {
    notify: Arc<Notify>,
    /// Claim tokens whose delivery is under way here: never "stale", however long it takes.
    in_flight: Arc<Mutex<HashSet<String>>>,
}

impl Wake {
    pub fn now(&self) {
        self.notify.notify_one();
    }

    /// Resolves at the next [`Wake::now`].
    pub async fn notified(&self) {
        self.notify.notified().await
    }

    pub fn in_flight(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner())
    }
}
