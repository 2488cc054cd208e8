//! The shared application state handed to every handler.

use std::sync::Arc;

use tokio::sync::watch;

use crate::{messaging::Messenger, store::sessions::SessionCache};

use crate::{
    config::Config, db::Db, events::Events, http::extract::UserCache, http::throttle::LoginThrottle,
    password::Passwords, scheduler::Wake, voice::ActiveCalls,
};

/// Cheap to clone: every extractor and layer takes its own copy per
/// request, so the fields live behind one `Arc` (one reference count to
/// bump instead of one per field).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What every handler can reach through [`AppState`].
pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    pub passwords: Passwords,
    pub throttle: Arc<LoginThrottle>,
    /// Sessions read in the last second (see `SessionCache`).
    pub sessions: Arc<SessionCache>,
    /// Users read by `Auth`, kept for a second.
    pub user_cache: Arc<UserCache>,
    /// Each business's phone region, which is set when the business is made
    /// and never changes: creating a lead needs no read of it.
    pub regions: crate::cache::TtlCache<crate::domain::TenantId, String>,
    /// `index.html` with the build id filled in, ready to serve.
    pub index_html: axum::body::Bytes,
    /// Live events for `/api/events`.
    pub events: Events,
    /// Wakes the reminder timer when a reminder is set or moved.
    pub reminder_wake: Wake,
    /// WhatsApp providers and their health.
    pub messenger: Arc<Messenger>,
    /// Outgoing HTTP (webhooks, providers), with timeouts.
    pub http: reqwest::Client,
    /// Signs the CSRF tokens handed out before sign-in.
    pub anon_csrf: crate::http::csrf::AnonTokens,
    /// Becomes true at shutdown; long-lived streams end on it.
    pub shutdown: watch::Receiver<bool>,
    /// The server's VAPID key pair for Web Push.
    pub vapid: crate::webpush::Vapid,
    /// Web Push's own client: public addresses only, no redirects.
    pub push: crate::webpush::PushClient,
    /// Voice calls in progress: shutdown gives them a grace, then ends and saves them.
    pub calls: ActiveCalls,
    /// The WhatsApp AI's debounce: the latest message of each lead's burst.
    pub ai_bursts: crate::ai::Bursts,
}
