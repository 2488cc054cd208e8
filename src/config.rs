//! Configuration: every setting is an environment variable and a `--flag`
//! (the README lists them all), parsed and validated once at start-up.
//! Secrets are never printed: `Config` has a hand-written `Debug`.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, ValueEnum};
use reqwest::Url;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// SameSite=Lax cookies.
    Deploy,
    /// SameSite=None cookies (needs an https public URL).
    Preview,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings shared by every subcommand.
#[derive(Args, Clone)]
pub struct Settings {
    /// Listen address (port 0 picks a free port; the real one is printed).
    #[arg(long, env = "FRONTDESK_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: SocketAddr,
    /// The one data file (created on first start).
    #[arg(long, env = "FRONTDESK_DATA", default_value = "./frontdesk.db", global = true)]
    pub data: PathBuf,
    /// External URL: its scheme decides the cookies' Secure flag; Twilio signatures are computed over it.
    /// Default: https://<first of FRONTDESK_DOMAINS> when domains are set, else http://localhost:8080.
    #[arg(long, env = "FRONTDESK_PUBLIC_URL", global = true)]
    pub public_url: Option<Url>,
    /// deploy (SameSite=Lax) or preview (SameSite=None, https only). Nothing else differs.
    #[arg(long, env = "FRONTDESK_MODE", value_enum, default_value = "deploy", global = true)]
    pub mode: Mode,
    /// First start only: email of the platform admin.
    #[arg(long, env = "FRONTDESK_ADMIN_EMAIL", global = true)]
    pub admin_email: Option<String>,
    /// First start only: password of the platform admin (else a random one is printed once).
    #[arg(long, env = "FRONTDESK_ADMIN_PASSWORD", hide_env_values = true, global = true)]
    pub admin_password: Option<String>,
    /// First start only: name of business #1.
    #[arg(long, env = "FRONTDESK_BUSINESS_NAME", default_value = "My Business", global = true)]
    pub business_name: String,
    /// Twilio account SID (REST API).
    #[arg(long, env = "FRONTDESK_TWILIO_ACCOUNT_SID", global = true)]
    pub twilio_account_sid: Option<String>,
    /// Twilio auth token (REST API and webhook signatures).
    #[arg(long, env = "FRONTDESK_TWILIO_AUTH_TOKEN", hide_env_values = true, global = true)]
    pub twilio_auth_token: Option<String>,
    /// Twilio REST base URL (overridable for tests).
    #[arg(long, env = "FRONTDESK_TWILIO_API_BASE", default_value = "https://api.twilio.com", global = true)]
    pub twilio_api_base: Url,
    /// Base URL of the Baileys bridge (an Evolution API server).
    #[arg(long, env = "FRONTDESK_BAILEYS_URL", global = true)]
    pub baileys_url: Option<Url>,
    /// The bridge's apikey: sent on every call to it, expected on every webhook from it.
    #[arg(long, env = "FRONTDESK_BAILEYS_SECRET", hide_env_values = true, global = true)]
    pub baileys_secret: Option<String>,
    /// Any OpenAI-compatible API.
    #[arg(long, env = "FRONTDESK_OPENAI_BASE_URL", default_value = "https://api.openai.com/v1", global = true)]
    pub openai_base_url: Url,
    /// Without it, AI replies and the voice agent are off.
    #[arg(long, env = "FRONTDESK_OPENAI_API_KEY", hide_env_values = true, global = true)]
    pub openai_api_key: Option<String>,
    /// Chat model for WhatsApp replies.
    #[arg(long, env = "FRONTDESK_OPENAI_CHAT_MODEL", default_value = "gpt-4.1-mini", global = true)]
    pub openai_chat_model: String,
    /// Model that transcribes WhatsApp voice notes (POST {FRONTDESK_OPENAI_BASE_URL}/audio/transcriptions).
    #[arg(long, env = "FRONTDESK_OPENAI_TRANSCRIBE_MODEL", default_value = "gpt-4o-mini-transcribe", global = true)]
    pub openai_transcribe_model: String,
    /// Largest WhatsApp file (MiB) fetched, stored or sent; a larger one leaves a note on the timeline.
    #[arg(long, env = "FRONTDESK_MEDIA_MAX_MB", default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=100), global = true)]
    pub media_max_mb: u64,
    /// Automatic sends through the bridge (AI replies, alerts, reminders) per minute per instance,
    /// 1-3 s apart; a person's send never waits behind them.
    #[arg(long, env = "FRONTDESK_BRIDGE_SENDS_PER_MINUTE", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=600), global = true)]
    pub bridge_sends_per_minute: u32,
    /// WhatsApp messages this close together (ms) get one AI reply for the whole burst.
    #[arg(long, env = "FRONTDESK_AI_DEBOUNCE_MS", default_value_t = 4000, global = true)]
    pub ai_debounce_ms: u64,
    /// The voice agent's voice.
    #[arg(long, env = "FRONTDESK_OPENAI_VOICE", default_value = "marin", global = true)]
    pub openai_voice: String,
    /// Realtime WebSocket URL for the voice agent.
    #[arg(
        long,
        env = "FRONTDESK_OPENAI_REALTIME_URL",
        default_value = "wss://api.openai.com/v1/realtime?model=gpt-realtime",
        global = true
    )]
    pub openai_realtime_url: Url,
    /// Optional: due reminders are also POSTed here (JSON).
    #[arg(long, env = "FRONTDESK_REMINDER_WEBHOOK_URL", global = true)]
    pub reminder_webhook_url: Option<Url>,
    /// Signs reminder POSTs: X-Frontdesk-Signature: sha256=<hex HMAC-SHA256 of the body>.
    #[arg(long, env = "FRONTDESK_REMINDER_WEBHOOK_SECRET", hide_env_values = true, global = true)]
    pub reminder_webhook_secret: Option<String>,
    /// Log format: text for people, json for machines. RUST_LOG sets the level.
    #[arg(long, env = "FRONTDESK_LOG_FORMAT", value_enum, default_value = "text", global = true)]
    pub log_format: LogFormat,
    /// Session idle timeout in seconds (default 8 hours).
    #[arg(long, env = "FRONTDESK_SESSION_IDLE_SECS", default_value_t = 8 * 3600, global = true)]
    pub session_idle_secs: u64,
    /// Session absolute timeout in seconds (default 7 days).
    #[arg(long, env = "FRONTDESK_SESSION_MAX_SECS", default_value_t = 7 * 24 * 3600, global = true)]
    pub session_max_secs: u64,
    /// Impersonation ends by itself after this many seconds (default 2 hours).
    #[arg(long, env = "FRONTDESK_IMPERSONATION_SECS", default_value_t = 2 * 3600, global = true)]
    pub impersonation_secs: u64,
    /// Largest accepted request body, in KiB.
    #[arg(long, env = "FRONTDESK_BODY_LIMIT_KB", default_value_t = 1024, global = true)]
    pub body_limit_kb: usize,
    /// Requests running longer than this many seconds are cut off (408).
    #[arg(long, env = "FRONTDESK_REQUEST_TIMEOUT_SECS", default_value_t = 30, global = true)]
    pub request_timeout_secs: u64,
    /// full: an answered write survives power loss (one fsync per group commit); normal: a process crash only.
    #[arg(long, env = "FRONTDESK_DURABILITY", value_enum, default_value = "full", global = true)]
    pub durability: crate::db::Durability,
    /// internal: the server checkpoints the WAL (every 250 ms and at shutdown); external: it never does,
    /// so a replicator such as Litestream owns checkpoints.
    #[arg(long, env = "FRONTDESK_WAL_CHECKPOINTS", value_enum, default_value = "internal", global = true)]
    pub wal_checkpoints: crate::db::WalCheckpoints,
    /// Comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For is believed (default: none).
    #[arg(long, env = "FRONTDESK_TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: String,
    /// Test builds only: serve /api/_test/* routes that panic on purpose. Never set this in production.
    #[arg(
        long,
        env = "FRONTDESK_TEST_FAULTS",
        default_value_t = false,
        value_parser = clap::builder::BoolishValueParser::new(),
        hide = true,
        global = true
    )]
    pub test_faults: bool,
    /// A request's headers must fully arrive within this many seconds (also the idle limit between
    /// requests on a kept-alive connection), else the connection is closed.
    #[arg(long, env = "FRONTDESK_HEADER_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub header_timeout_secs: u64,
    /// Most connections open at once (WebSockets included); when full, new ones wait until one closes.
    #[arg(long, env = "FRONTDESK_MAX_CONNECTIONS", default_value_t = 1024, global = true)]
    pub max_connections: usize,
    /// At shutdown, in-flight requests and voice calls get this many seconds to finish; calls still
    /// running are then ended and saved.
    #[arg(long, env = "FRONTDESK_SHUTDOWN_GRACE_SECS", default_value_t = 20, global = true)]
    pub shutdown_grace_secs: u64,
    /// Serve Prometheus metrics at GET /metrics on this address (a second listener; off when unset).
    /// Keep it private: it is not behind sign-in.
    #[arg(long, env = "FRONTDESK_METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,
    /// Comma-separated domain names: turns on automatic HTTPS (ACME TLS-ALPN-01) for them on
    /// FRONTDESK_TLS_BIND; plain HTTP on FRONTDESK_BIND then redirects to https.
    #[arg(long, env = "FRONTDESK_DOMAINS", default_value = "", global = true)]
    pub domains: String,
    /// Contact email given to the ACME certificate authority (expiry and policy notices).
    #[arg(long, env = "FRONTDESK_ACME_EMAIL", global = true)]
    pub acme_email: Option<String>,
    /// The ACME directory URL (default: Let's Encrypt production).
    #[arg(
        long,
        env = "FRONTDESK_ACME_DIRECTORY",
        default_value = "https://acme-v02.api.letsencrypt.org/directory",
        global = true
    )]
    pub acme_directory: Url,
    /// A PEM file of CA certificates: the ACME directory's HTTPS certificate is checked against these
    /// instead of the public roots (for a private or test certificate authority).
    #[arg(long, env = "FRONTDESK_ACME_CA_ROOT", global = true)]
    pub acme_ca_root: Option<PathBuf>,
    /// HTTPS listen address when FRONTDESK_DOMAINS is set. The certificate authority validates on
    /// port 443 of each domain, so that port must reach this address.
    #[arg(long, env = "FRONTDESK_TLS_BIND", default_value = "0.0.0.0:443", global = true)]
    pub tls_bind: SocketAddr,
    #[command(flatten)]
    pub voice: crate::voice::settings::VoiceSettings,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |v: &Option<String>| if v.is_some() { "<set>" } else { "<unset>" };
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("data", &self.data)
            .field("public_url", &self.public_url.as_ref().map(Url::as_str))
            .field("domains", &self.domains)
            .field("mode", &self.mode)
            .field("twilio_auth_token", &set(&self.twilio_auth_token))
            .field("baileys_secret", &set(&self.baileys_secret))
            .field("openai_api_key", &set(&self.openai_api_key))
            .finish_non_exhaustive()
    }
}

/// Validated, derived configuration the server runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub settings: Settings,
    /// FRONTDESK_PUBLIC_URL, or its default (see [`Settings::public_url`]).
    pub public_url: Url,
    /// FRONTDESK_DOMAINS, checked and lowercased: automatic HTTPS is on when not empty.
    pub domains: Vec<String>,
    /// Cookies carry `Secure` (and the session cookie the `__Host-` prefix).
    pub secure_cookies: bool,
    /// `scheme://host[:port]` of the public URL, for Origin checks.
    pub public_origin: String,
    pub session_idle: Duration,
    pub session_max: Duration,
    pub impersonation_limit: Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The public URL without a trailing slash: Twilio signs webhooks over
    /// this + path + query, and links we hand out start with it.
    pub public_base: String,
    /// Where Twilio reports message and call status (`{public_base}/webhook/twilio/status`).
    pub status_callback_url: String,
    /// Where Twilio reports how ringing the business's person went (`.../webhook/twilio/dial-result`).
    pub dial_result_url: String,
    /// Where Twilio sends a finished voicemail recording (`.../webhook/twilio/recording`).
    pub recording_callback_url: String,
    /// The voice agent's other callbacks (transfers, callbacks).
    pub voice_urls: crate::voice::settings::VoiceUrls,
    /// `wss://HOST[:PORT]/ws/twilio/media`: always wss, since Twilio opens
    /// nothing else; the host is the public URL's. Also the URL Twilio signs
    /// the upgrade request over.
    pub stream_url: String,
}

/// A start-up refusal: printed as-is, and the process exits non-zero.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

/// `10.0.0.1, 192.168.0.0/16, ::1` -> networks (a bare address is a /32 or /128).
fn parse_proxies(list: &str) -> Result<Vec<ipnet::IpNet>, Refusal> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>().or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from)).map_err(|_| {
                Refusal(format!(
                    "FRONTDESK_TRUSTED_PROXIES: `{s}` is not an IP address or CIDR range (e.g. 10.0.0.1 or 10.0.0.0/8)."
                ))
            })
        })
        .collect()
}

impl Settings {
    /// FRONTDESK_MEDIA_MAX_MB in bytes.
    pub fn media_max_bytes(&self) -> usize {
        usize::try_from(self.media_max_mb).unwrap_or(16).saturating_mul(1024 * 1024)
    }

    /// How the data file is opened, from these settings.
    pub fn db_options(&self) -> crate::db::DbOptions {
        crate::db::DbOptions {
            durability: self.durability,
            checkpoints: self.wal_checkpoints,
            ..crate::db::DbOptions::default()
        }
    }
}

/// `a.example.com, B.example.com` -> names fit for a certificate (TLS-ALPN-01 cannot prove wildcards).
fn parse_domains(list: &str) -> Result<Vec<String>, Refusal> {
    let mut out: Vec<String> = Vec::new();
    for d in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let d = d.to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if d.len() > 253 || !d.split('.').all(label_ok) || d.parse::<std::net::IpAddr>().is_ok() {
            return Err(Refusal(format!(
                "FRONTDESK_DOMAINS: `{d}` is not a domain name (e.g. crm.example.com; no scheme, port or wildcard)."
            )));
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

impl Config {
    pub fn from_settings(mut settings: Settings) -> Result<Self, Refusal> {
        // Once, here: the lock, the WAL the syncer fsyncs and the backups all derive from it.
        settings.data = crate::db::path::canonical(&settings.data);
        let domains = parse_domains(&settings.domains)?;
        let default_url = match domains.first() {
            Some(d) => format!("https://{d}"),
            None => "http://localhost:8080".to_string(),
        };
        let public_url = match settings.public_url.take() {
            Some(u) => u,
            None => Url::parse(&default_url).map_err(|e| Refusal(format!("FRONTDESK_DOMAINS: {e}")))?,
        };
        settings.public_url = Some(public_url.clone());
        let scheme = public_url.scheme();
        if scheme != "http" && scheme != "https" {
            return Err(Refusal(format!("FRONTDESK_PUBLIC_URL must be an http(s) URL, got `{public_url}`")));
        }
        let secure_cookies = scheme == "https";
        if settings.mode == Mode::Preview && !secure_cookies {
            return Err(Refusal(format!(
                "refusing to start: FRONTDESK_MODE=preview sends SameSite=None cookies, which browsers only \
                 accept with Secure, and Secure cookies need https. FRONTDESK_PUBLIC_URL is `{}`. \
                 Set FRONTDESK_PUBLIC_URL to the https address people use, or use FRONTDESK_MODE=deploy.",
                public_url
            )));
        }
        let public_origin = public_url.origin().ascii_serialization();
        let trusted_proxies = parse_proxies(&settings.trusted_proxies)?;
        let host = public_url.host_str().unwrap_or("localhost");
        let stream_url = match public_url.port() {
            Some(p) => format!("wss://{host}:{p}/ws/twilio/media"),
            None => format!("wss://{host}/ws/twilio/media"),
        };
        let public_base = public_url.as_str().trim_end_matches('/').to_string();
        Ok(Config {
            public_url,
            domains,
            status_callback_url: format!("{public_base}/webhook/twilio/status"),
            dial_result_url: format!("{public_base}/webhook/twilio/dial-result"),
            recording_callback_url: format!("{public_base}/webhook/twilio/recording"),
            voice_urls: crate::voice::settings::VoiceUrls::new(&public_base),
            public_base,
            stream_url,
            trusted_proxies,
            secure_cookies,
            public_origin,
            session_idle: Duration::from_secs(settings.session_idle_secs.max(1)),
            session_max: Duration::from_secs(settings.session_max_secs.max(1)),
            impersonation_limit: Duration::from_secs(settings.impersonation_secs.max(1)),
            settings,
        })
    }

    /// The session cookie's name: `__Host-` prefixed whenever it is Secure.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies { "__Host-frontdesk_session" } else { "frontdesk_session" }
    }
}
