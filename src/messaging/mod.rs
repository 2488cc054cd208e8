//! Outgoing WhatsApp: one provider trait, two implementations (the Baileys
//! bridge via the Evolution API, and Twilio REST), chosen by health before
//! the send: the bridge when configured and connected, else Twilio. Health
//! is cached briefly; a provider that fails is skipped for a while (circuit
//! breaker) and the next is tried. What a provider may send (Twilio's
//! 24-hour window, templates) is a [`Rule`] asked of the provider that is
//! about to send, fallback included.

mod baileys;
pub mod bridge_admin;
mod error;
mod pacing;
mod twilio;
pub mod twilio_signature;

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use async_trait::async_trait;

pub use baileys::Baileys;
pub use error::{SendError, SendResult};
pub use twilio::Twilio;

use crate::{domain::TenantId, store::tenants::Tenant};

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

/// What goes out: free text, or the business's approved template (Twilio only).
#[derive(Clone, Debug)]
pub enum Content<'a> {
    Text(&'a str),
    Template {
        sid: &'a str,
        variables: Option<&'a serde_json::Value>,
    },
    /// A file with its caption.
    Media(&'a MediaFile),
}

/// A file to send: its bytes (held once, shared), what it is, its caption,
/// and the signed link Twilio fetches it from.
#[derive(Clone, Debug)]
pub struct MediaFile {
    pub id: i64,
    pub bytes: axum::body::Bytes,
    pub content_type: &'static str,
    pub file_name: Option<String>,
    pub caption: String,
    pub link: String,
}

/// Why a provider failed: a plain reason a user may read, and the detail
/// (URLs, account ids, the provider's own words) that only goes to the log.
#[derive(Debug, Clone)]
pub struct ProviderError {
    pub plain: String,
    pub detail: String,
    /// The provider refused this recipient or this message (a 400/422 about
    /// the number, the window, the template), not the service: the message
    /// fails, the provider stays in use.
    pub recipient: bool,
    /// The provider's own error code, when it gave one (Twilio's `code`).
    pub code: Option<String>,
}

impl ProviderError {
    pub fn new(plain: impl Into<String>, detail: impl Into<String>) -> Self {
        ProviderError { plain: plain.into(), detail: detail.into(), recipient: false, code: None }
    }

    /// A transport failure of an HTTP call (timeout, refused, TLS...).
    pub fn transport(who: &str, e: &reqwest::Error) -> Self {
        let plain = if e.is_timeout() { format!("{who} timed out") } else { format!("{who} could not be reached") };
        ProviderError::new(plain, format!("{who}: {e}"))
    }

    /// An HTTP error answer: 400 and 422 concern this message or recipient;
    /// anything else (401/403 credentials, 404 account, 429, 5xx) the service.
    pub fn answered(status: reqwest::StatusCode, plain: String, detail: String, code: Option<String>) -> Self {
        let recipient = matches!(status.as_u16(), 400 | 422);
        ProviderError { plain, detail, recipient, code }
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
    /// Sends `content`; returns the provider's message id.
    async fn send(&self, tenant: &Tenant, to: &Recipient, content: &Content<'_>) -> Result<String, ProviderError>;
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
    pacer: pacing::Pacer,
}

/// What a successful send used.
#[derive(Debug, Clone)]
pub struct Sent {
    pub provider: &'static str,
    pub provider_message_id: String,
}

impl Messenger {
    pub fn new(providers: Vec<Box<dyn WhatsAppProvider>>) -> Self {
        Messenger { providers, state: Mutex::default(), pacer: pacing::Pacer::new(20) }
    }

    /// At most `per_minute` automatic sends a minute per bridge instance (see [`pacing`]).
    pub fn paced(mut self, per_minute: u32) -> Self {
        self.pacer = pacing::Pacer::new(per_minute);
        self
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

    /// Whether `p` can take a message for `tenant` now, and what it would
    /// send: configured, its breaker closed, allowed by `rule`, healthy.
    /// Records why not in `skipped`.
    async fn ready<'a>(
        &self,
        p: &dyn WhatsAppProvider,
        tenant: &Tenant,
        rule: &Rule<'a>,
        skipped: &mut Skipped,
    ) -> Option<Content<'a>> {
        let key = (p.name(), tenant.id);
        if let Some(why) = p.unconfigured(tenant) {
            skipped.reasons.push(format!("{}: {why}", p.name()));
            return None;
        }
        let (open, healthy, last) = self.with_state(key, |s| {
            let now = Instant::now();
            (s.open_until.is_some_and(|t| t > now), s.healthy_until.is_some_and(|t| t > now), s.last_error.clone())
        });
        if open {
            skipped.reasons.push(format!(
                "{}: skipped after a recent failure ({})",
                p.name(),
                last.unwrap_or_default()
            ));
            return None;
        }
        let content = match rule(p.name()) {
            Ok(c) => c,
            Err(e) => {
                skipped.reasons.push(format!("{}: {}", p.name(), e));
                skipped.rule.get_or_insert(e);
                return None;
            }
        };
        if !healthy {
            match p.health(tenant).await {
                Ok(()) => self.with_state(key, |s| s.healthy_until = Some(Instant::now() + HEALTH_TTL)),
                Err(e) => {
                    tracing::warn!(provider = p.name(), tenant = tenant.id.0, error = %e.detail, "WhatsApp provider unhealthy");
                    self.trip(key, &e.plain);
                    skipped.reasons.push(format!("{}: {}", p.name(), e.plain));
                    skipped.failed = true;
                    return None;
                }
            }
        }
        Some(content)
    }

    /// The provider a send will go through now (checked by health and by
    /// `rule`), or the error the send would end with. Nothing is sent.
    pub async fn pick(&self, tenant: &Tenant, rule: &Rule<'_>) -> Result<&'static str, SendError> {
        let mut skipped = Skipped::default();
        for p in &self.providers {
            if self.ready(p.as_ref(), tenant, rule, &mut skipped).await.is_some() {
                return Ok(p.name());
            }
        }
        Err(skipped.into_error())
    }

    /// Sends through the first ready provider, falling back to the next
    /// (which `rule` is asked again). A refusal about the recipient fails
    /// this message only: no fallback, no breaker (the next message to
    /// someone else goes out as usual).
    pub async fn send(&self, tenant: &Tenant, to: &Recipient, rule: &Rule<'_>) -> Result<Sent, SendError> {
        self.send_as(tenant, to, rule, false).await
    }

    /// [`Messenger::send`] for what the system sends by itself (AI replies,
    /// alerts, reminders): through the bridge it waits its paced turn.
    pub async fn send_automatic(&self, tenant: &Tenant, to: &Recipient, rule: &Rule<'_>) -> Result<Sent, SendError> {
        self.send_as(tenant, to, rule, true).await
    }

    async fn send_as(
        &self,
        tenant: &Tenant,
        to: &Recipient,
        rule: &Rule<'_>,
        automatic: bool,
    ) -> Result<Sent, SendError> {
        let mut skipped = Skipped::default();
        for p in &self.providers {
            let Some(content) = self.ready(p.as_ref(), tenant, rule, &mut skipped).await else {
                continue;
            };
            let lane = tenant.whatsapp_instance.as_deref().filter(|_| p.name() == "baileys");
            let _turn = match lane {
                Some(instance) if automatic => Some(self.pacer.turn(instance).await),
                Some(instance) => {
                    self.pacer.note(instance);
                    None
                }
                None => None,
            };
            match p.send(tenant, to, &content).await {
                Ok(id) => return Ok(Sent { provider: p.name(), provider_message_id: id }),
                Err(e) if e.recipient => {
                    tracing::info!(provider = p.name(), tenant = tenant.id.0, error = %e.detail, "WhatsApp message refused");
                    return Err(SendError::Refused { provider: p.name(), plain: e.plain, code: e.code });
                }
                Err(e) => {
                    tracing::warn!(provider = p.name(), tenant = tenant.id.0, error = %e.detail, "WhatsApp send failed");
                    self.trip((p.name(), tenant.id), &e.plain);
                    skipped.reasons.push(format!("{}: {}", p.name(), e.plain));
                    skipped.failed = true;
                }
            }
        }
        Err(skipped.into_error())
    }
}

/// What a provider (by name) may send for one message, or why it may not
/// (e.g. Twilio outside the 24-hour window): asked of each provider in turn.
pub type Rule<'a> = dyn Fn(&'static str) -> Result<Content<'a>, SendError> + Send + Sync + 'a;

/// Why no provider took a message: each provider's plain reason, the first
/// refusal by the rule, and whether a provider failed (down, or skipped
/// after a failure). The rule's refusal is the answer only when no provider
/// failed (it says what the user can do, e.g. send the template instead);
/// otherwise it is 503 with every reason, the rule's among them.
#[derive(Default)]
struct Skipped {
    reasons: Vec<String>,
    rule: Option<SendError>,
    failed: bool,
}

impl Skipped {
    fn into_error(self) -> SendError {
        match self.rule {
            Some(rule) if !self.failed => SendError::Ruled { rule: Box::new(rule), reasons: self.reasons },
            _ => SendError::Unavailable(self.reasons),
        }
    }
}
