//! The shared application state handed to every handler.

use std::sync::Arc;

use crate::{
    context::Context, http::throttle::LoginThrottle, http::user_cache::UserCache, password::Passwords,
    store::sessions::SessionCache,
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

/// What every handler can reach through [`AppState`]: the HTTP layer's own
/// parts here, and through `Deref` the core's [`Context`].
pub struct Shared {
    pub core: Context,
    pub passwords: Passwords,
    pub throttle: Arc<LoginThrottle>,
    /// Sessions read in the last second (see `SessionCache`).
    pub sessions: Arc<SessionCache>,
    /// Users read by `Auth`, kept for a second.
    pub user_cache: Arc<UserCache>,
    /// Each business's phone region, which is set when the business is made
    /// and never changes: creating a lead needs no read of it.
    pub regions: crate::cache::TtlCache<crate::domain::TenantId, String>,
    /// Recent answers of `GET /api/availability`.
    pub availability: crate::http::availability_cache::AvailabilityCache,
    /// `index.html` with the build id filled in, ready to serve.
    pub index_html: axum::body::Bytes,
    /// Voice calls in progress: shutdown gives them a grace, then ends and saves them.
    pub calls: crate::voice::active::ActiveCalls,
    /// The WhatsApp AI's debounce and per-business reply count.
    pub ai_bursts: Arc<crate::ai::whatsapp::Bursts>,
    /// Signs the CSRF tokens handed out before sign-in.
    pub anon_csrf: crate::http::csrf::anon::AnonTokens,
}

impl std::ops::Deref for Shared {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.core
    }
}
