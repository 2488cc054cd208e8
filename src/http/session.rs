//! The typed session: the only code that reads or writes session fields.
//! Handlers and guards see it through `extract::Auth` and the CSRF layer.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{
    domain::{TenantId, UserId, time::unix_now},
    error::ApiError,
    store::sessions::STATE_KEY,
    util::random_token,
};

/// Everything frontdesk keeps in a session, under one key.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SessionState {
    /// The synchronizer CSRF token bound to this session.
    pub csrf: Option<String>,
    pub user_id: Option<UserId>,
    /// Unix seconds of login (absolute timeout).
    #[serde(default)]
    pub login_at: i64,
    /// Unix seconds of the last time the idle expiry was pushed forward.
    #[serde(default)]
    pub seen_at: i64,
    pub impersonation: Option<Impersonation>,
}

/// An admin acting inside a business. The role is never touched.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Impersonation {
    pub tenant_id: TenantId,
    /// Unix seconds; impersonation ends by itself after the configured limit.
    pub started_at: i64,
}

/// How often a request pushes the idle expiry forward: at most once a minute
/// per session (a write), sooner only when the idle timeout itself is short.
fn touch_every(idle_secs: i64) -> i64 {
    (idle_secs / 4).clamp(0, 60)
}

#[derive(Clone)]
pub struct TypedSession(pub Session);

fn store_err(e: tower_sessions::session::Error) -> ApiError {
    ApiError::internal(format!("session store: {e}"))
}

impl TypedSession {
    pub async fn state(&self) -> Result<SessionState, ApiError> {
        Ok(self.0.get::<SessionState>(STATE_KEY).await.map_err(store_err)?.unwrap_or_default())
    }

    async fn put(&self, state: &SessionState) -> Result<(), ApiError> {
        self.0.insert(STATE_KEY, state).await.map_err(store_err)
    }

    /// The session's CSRF token, created (with the session) on first ask.
    /// Asking again returns the same token, so a second tab never breaks the first.
    pub async fn csrf_token(&self) -> Result<String, ApiError> {
        let mut state = self.state().await?;
        if let Some(t) = &state.csrf {
            return Ok(t.clone());
        }
        let token = random_token(32);
        state.csrf = Some(token.clone());
        self.put(&state).await?;
        Ok(token)
    }

    /// Replaces whatever session existed with a fresh one for `user_id`
    /// (new id, new CSRF token). Returns the new token.
    pub async fn login(&self, user_id: UserId) -> Result<String, ApiError> {
        self.0.cycle_id().await.map_err(store_err)?;
        self.0.clear().await;
        let now = unix_now();
        let token = random_token(32);
        let state = SessionState {
            csrf: Some(token.clone()),
            user_id: Some(user_id),
            login_at: now,
            seen_at: now,
            impersonation: None,
        };
        self.put(&state).await?;
        Ok(token)
    }

    /// Deletes the server-side session; the cookie is cleared on the way out.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.0.flush().await.map_err(store_err)
    }

    /// Starts or ends impersonation under a new session id. The CSRF token is kept.
    pub async fn set_impersonation(&self, imp: Option<Impersonation>) -> Result<(), ApiError> {
        let mut state = self.state().await?;
        state.impersonation = imp;
        self.0.cycle_id().await.map_err(store_err)?;
        self.put(&state).await
    }

    /// Pushes the idle expiry forward when it was last pushed a while ago.
    pub async fn touch(&self, state: &SessionState, idle_secs: i64) -> Result<(), ApiError> {
        let now = unix_now();
        if now - state.seen_at >= touch_every(idle_secs) {
            let mut s = state.clone();
            s.seen_at = now;
            self.put(&s).await?;
        }
        Ok(())
    }

    /// The session id as stored (to keep it when ending a user's other sessions).
    pub fn id(&self) -> Option<String> {
        self.0.id().map(|id| id.to_string())
    }
}
