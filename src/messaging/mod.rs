//! Outgoing WhatsApp: one provider trait, two implementations (the Baileys
//! bridge via the Evolution API, and Twilio REST), chosen by health
//! the bridge when configured and connected, else
//! Twilio. Health is cached briefly; a provider that fails is skipped for a
//! while (circuit breaker) and the other is tried.

mod baileys;
mod outbox;
mod twilio;

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use async_trait::async_trait;
use axum::http::StatusCode;

pub use baileys::Baileys;
pub use outbox::{Origin, send_to_lead};
pub use twilio::Twilio;

use crate::{domain::TenantId, error::ApiError, store::tenants::Tenant};

/// How long a health answer is trusted.
const HEALTH_TTL: Duration = Duration::from_secs(30);
/// How long a failing provider is skipped.
const BREAKER_OPEN: Duration = Duration::from_secs(60);

/// Whom to send to: an E.164 phone, else a WhatsApp user id.
#[derive(Clone, Debug)]
pub struct Recipient {
    pub phone_e164: Option<String>,
    pub whatsapp_id: Option<String>,
}

/// Why a provider failed: a plain reason a user may read, and the detail
/// (URLs, account ids, the provider's own words) that only goes to the log.
#[derive(Debug, Clone)]
pub struct ProviderError {
    pub plain: String,
    pub detail: String,
}

impl ProviderError {
    pub fn new(plain: impl Into<String>, detail: impl Into<String>) -> Self {
        ProviderError { plain: plain.into(), detail: detail.into() }
    }

    /// A transport failure of an HTTP call (timeout, refused, TLS...).
    pub fn transport(who: &str, e: &reqwest::Error) -> Self {
        let plain = if e.is_timeout() { format!("{who} timed out") } else { format!("{who} could not be reached") };
        ProviderError { plain, detail: format!("{who}: {e}") }
    }
}

#[async_trait]
pub trait WhatsAppProvider: Send + Sync {
    /// `baileys` or `twilio` (stored on the message).
    fn name(&self) -> &'static str;
    /// Why this provider cannot serve `tenant` at all (not configured), if so.
    fn unconfigured(&self, tenant: &Tenant) -> Option<String>;
    /// A live check; Ok when it can send now.
    async fn health(&self, tenant: &Tenant) -> Result<(), ProviderError>;
    /// Sends `text`; returns the provider's message id.
    async fn send(&self, tenant: &Tenant, to: &Recipient, text: &str) -> Result<String, ProviderError>;
}

#[derive(Default)]
struct ProviderState {
    healthy_until: Option<Instant>,
    open_until: Option<Instant>,
    last_error: Option<String>,
}

/// The providers and their health, shared by the app.
pub struct Messenger {
    providers: Vec<Box<dyn WhatsAppProvider>>,
    state: Mutex<HashMap<(&'static str, TenantId), ProviderState>>,
}

/// What a successful send used.
#[derive(Debug, Clone)]
pub struct Sent {
    pub provider: &'static str,
    pub provider_message_id: String,
}

impl Messenger {
    pub fn new(providers: Vec<Box<dyn WhatsAppProvider>>) -> Self {
        Messenger { providers, state: Mutex::default() }
    }

    fn with_state<R>(&self, key: (&'static str, TenantId), f: impl FnOnce(&mut ProviderState) -> R) -> R {
        let mut map = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(map.entry(key).or_default())
    }

    /// Opens the breaker; `error` is the plain reason shown while it is open.
    fn trip(&self, key: (&'static str, TenantId), error: &str) {
        self.with_state(key, |s| {
            s.open_until = Some(Instant::now() + BREAKER_OPEN);
            s.healthy_until = None;
            s.last_error = Some(error.to_string());
        });
    }

    /// For `/metrics`, per provider: (name, businesses whose last health
    /// check passed and is still fresh, businesses whose breaker is open).
    pub fn health_counts(&self) -> Vec<(&'static str, i64, i64)> {
        let now = Instant::now();
        let map = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.providers
            .iter()
            .map(|p| {
                let mine = map.iter().filter(|((name, _), _)| *name == p.name()).map(|(_, s)| s);
                let (mut healthy, mut open) = (0, 0);
                for s in mine {
                    healthy += i64::from(s.healthy_until.is_some_and(|t| t > now));
                    open += i64::from(s.open_until.is_some_and(|t| t > now));
                }
                (p.name(), healthy, open)
            })
            .collect()
    }

    /// Why each provider cannot serve `tenant` at all (empty when one can).
    pub fn unconfigured_reasons(&self, tenant: &Tenant) -> Vec<String> {
        self.providers.iter().filter_map(|p| p.unconfigured(tenant).map(|why| format!("{}: {why}", p.name()))).collect()
    }

    /// The provider a send to `tenant` will try first, if any is configured.
    pub fn preferred(&self, tenant: &Tenant) -> Option<&'static str> {
        self.providers.iter().find(|p| p.unconfigured(tenant).is_none()).map(|p| p.name())
    }

    /// Sends through the first usable provider, falling back to the next.
    pub async fn send(&self, tenant: &Tenant, to: &Recipient, text: &str) -> Result<Sent, ApiError> {
        let mut reasons: Vec<String> = Vec::new();
        for p in &self.providers {
            let key = (p.name(), tenant.id);
            if let Some(why) = p.unconfigured(tenant) {
                reasons.push(format!("{}: {why}", p.name()));
                continue;
            }
            let (open, healthy) = self.with_state(key, |s| {
                let now = Instant::now();
                (s.open_until.is_some_and(|t| t > now), s.healthy_until.is_some_and(|t| t > now))
            });
            if open {
                let last = self.with_state(key, |s| s.last_error.clone()).unwrap_or_default();
                reasons.push(format!("{}: skipped after a recent failure ({last})", p.name()));
                continue;
            }
            if !healthy {
                match p.health(tenant).await {
                    Ok(()) => self.with_state(key, |s| s.healthy_until = Some(Instant::now() + HEALTH_TTL)),
                    Err(e) => {
                        tracing::warn!(provider = p.name(), tenant = tenant.id.0, error = %e.detail, "WhatsApp provider unhealthy");
                        self.trip(key, &e.plain);
                        reasons.push(format!("{}: {}", p.name(), e.plain));
                        continue;
                    }
                }
            }
            match p.send(tenant, to, text).await {
                Ok(id) => return Ok(Sent { provider: p.name(), provider_message_id: id }),
                Err(e) => {
                    tracing::warn!(provider = p.name(), tenant = tenant.id.0, error = %e.detail, "WhatsApp send failed");
                    self.trip(key, &e.plain);
                    reasons.push(format!("{}: {}", p.name(), e.plain));
                }
            }
        }
        Err(unavailable(&reasons))
    }
}

/// 503: no provider could send; `reasons` are plain, one per provider.
pub fn unavailable(reasons: &[String]) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "provider_unavailable",
        format!("No WhatsApp provider could send this message ({}).", reasons.join("; ")),
        "Configure the Baileys bridge (FRONTDESK_BAILEYS_URL, FRONTDESK_BAILEYS_SECRET and the business's \
             whatsapp_instance) or Twilio (FRONTDESK_TWILIO_ACCOUNT_SID, FRONTDESK_TWILIO_AUTH_TOKEN and the \
             business's whatsapp_e164), and check that it is connected. The server log has the details under \
             this request's id.",
    )
    .with("reasons", reasons.to_vec())
}
