//! Prometheus metrics, served on their own listener (`FRONTDESK_METRICS_BIND`,
//! never the main port). Event counts and latencies are kept in process-wide
//! series updated where things happen; gauges that are a question to the
//! database or to live state (reminders pending, calls, streams, provider
//! health) are read when Prometheus scrapes (`http::scrape`).
//!
//! The hot path is one request: a read-locked lookup of its series (route
//! template, method, status; all `&'static str` or integers, so no label
//! string is allocated) and one histogram observation.

use std::{
    collections::HashSet,
    sync::{LazyLock, PoisonError, RwLock},
    time::{Duration, Instant},
};

use axum::{
    extract::{MatchedPath, Request},
    http::Method,
    middleware::Next,
    response::Response,
};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

/// The route label of a request no route matched (UI assets, unknown paths):
/// one fixed value, so random paths cannot create series.
pub const UNMATCHED: &str = "unmatched";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WebhookLabels {
    provider: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProviderLabels {
    provider: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The series updated as things happen.
pub struct Metrics {
    requests: HistogramFamily<RequestLabels>,
    webhooks: Family<WebhookLabels, Counter>,
    /// Writes sent to the writer and not yet run in a group.
    pub writer_queue: Gauge,
    /// Writes per group transaction.
    pub writer_group: Histogram,
    /// How long each group transaction held the writer, commit included.
    pub writer_group_seconds: Histogram,
    /// How long each fsync of the WAL took (full durability only).
    pub wal_sync_seconds: Histogram,
    /// How long writes waited while the checkpointer made the WAL start over.
    pub wal_restart_seconds: Histogram,
    pub reminders_fired: Counter,
    pub ai_calls: Counter,
    pub ai_errors: Counter,
    pub ai_latency: Histogram,
    /// A voice turn: the caller's end of speech to the agent's first audio frame sent to Twilio.
    pub voice_turn_latency: Histogram,
    /// The relay's own share of it: a model audio frame in to its Twilio frame out.
    pub voice_relay_seconds: Histogram,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms .. ~8 s
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

fn fast_histogram() -> Histogram {
    // 0.05 ms .. ~0.8 s
    Histogram::new(exponential_buckets(0.00005, 2.0, 15))
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(|| Metrics {
    requests: Family::new_with_constructor(latency_histogram),
    webhooks: Family::default(),
    writer_queue: Gauge::default(),
    writer_group: Histogram::new(exponential_buckets(1.0, 2.0, 10)),
    writer_group_seconds: fast_histogram(),
    wal_sync_seconds: fast_histogram(),
    wal_restart_seconds: fast_histogram(),
    reminders_fired: Counter::default(),
    ai_calls: Counter::default(),
    ai_errors: Counter::default(),
    ai_latency: Histogram::new(exponential_buckets(0.05, 2.0, 10)),
    // 50 ms .. ~13 s
    voice_turn_latency: Histogram::new(exponential_buckets(0.05, 2.0, 9)),
    // ~10 µs .. 80 ms, with 5 ms (the relay's budget at 200 calls) a boundary
    voice_relay_seconds: Histogram::new(exponential_buckets(0.005 / 512.0, 2.0, 14)),
});

impl Metrics {
    /// One AI model call that took `took`.
    pub fn ai_call(&self, took: Duration, ok: bool) {
        self.ai_calls.inc();
        if !ok {
            self.ai_errors.inc();
        }
        self.ai_latency.observe(took.as_secs_f64());
    }
}

/// Route templates as `&'static str`. Templates come from the router only
/// (never from a raw path), so the set is as small as the route table.
fn intern(template: &str) -> &'static str {
    static SEEN: LazyLock<RwLock<HashSet<&'static str>>> = LazyLock::new(RwLock::default);
    if let Some(s) = SEEN.read().unwrap_or_else(PoisonError::into_inner).get(template) {
        return s;
    }
    let mut seen = SEEN.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(s) = seen.get(template) {
        return s;
    }
    let s: &'static str = Box::leak(template.into());
    seen.insert(s);
    s
}

fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn webhook_result(status: u16) -> &'static str {
    match status {
        200..=299 => "accepted",
        401 | 403 => "rejected",
        400..=499 => "invalid",
        _ => "failed",
    }
}

/// The outermost layer: latency by route template, method and status, and
/// webhook ingests by provider and result. `Router::layer` wraps each route,
/// so the router has already matched and `MatchedPath` is known here.
pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map_or(UNMATCHED, |m| intern(m.as_str()));
    let method = method_label(req.method());
    let res = next.run(req).await;
    let status = res.status().as_u16();
    METRICS.requests.get_or_create(&RequestLabels { route, method, status }).observe(start.elapsed().as_secs_f64());
    if let Some(provider) = route.strip_prefix("/webhook/") {
        METRICS.webhooks.get_or_create(&WebhookLabels { provider, result: webhook_result(status) }).inc();
    }
    res
}

fn gauge(v: i64) -> Gauge {
    let g = Gauge::default();
    g.set(v);
    g
}

/// The gauges read when Prometheus scrapes (by the metrics listener).
pub struct Live {
    pub reminders_pending: i64,
    pub reminders_overdue: i64,
    /// Per WhatsApp provider: businesses healthy, businesses with the breaker open.
    pub providers: Vec<(&'static str, i64, i64)>,
    pub active_calls: usize,
    pub sse_clients: usize,
}

/// The text exposition: the live series plus the gauges read now.
pub fn encode(live: &Live) -> anyhow::Result<String> {
    let (pending, overdue) = (live.reminders_pending, live.reminders_overdue);
    let m = &*METRICS;
    let mut r = Registry::with_prefix("frontdesk");
    r.register(
        "http_request_duration_seconds",
        "Request latency by route template, method and status",
        m.requests.clone(),
    );
    r.register("webhooks", "Webhook requests by provider and result", m.webhooks.clone());
    r.register("writer_queue_depth", "Writes waiting for the database writer", m.writer_queue.clone());
    r.register("writer_group_size", "Writes committed per group transaction", m.writer_group.clone());
    r.register(
        "writer_group_duration_seconds",
        "Time each group transaction held the writer, commit included",
        m.writer_group_seconds.clone(),
    );
    r.register("wal_sync_duration_seconds", "Time each fsync of the WAL took", m.wal_sync_seconds.clone());
    r.register(
        "wal_restart_duration_seconds",
        "Time writes waited while the WAL, past its size limit, was made to start over",
        m.wal_restart_seconds.clone(),
    );
    r.register("reminders_pending", "Reminders not yet delivered", gauge(pending));
    r.register("reminders_overdue", "Reminders not yet delivered whose due time has passed", gauge(overdue));
    r.register("reminders_fired", "Reminders fired", m.reminders_fired.clone());
    let healthy = Family::<ProviderLabels, Gauge>::default();
    let open = Family::<ProviderLabels, Gauge>::default();
    for &(provider, h, o) in &live.providers {
        healthy.get_or_create(&ProviderLabels { provider }).set(h);
        open.get_or_create(&ProviderLabels { provider }).set(o);
    }
    r.register("provider_healthy", "Businesses whose WhatsApp provider passed its last health check", healthy);
    r.register("provider_breaker_open", "Businesses whose WhatsApp provider breaker is open", open);
    r.register("active_calls", "Voice calls in progress", gauge(i64::try_from(live.active_calls).unwrap_or(i64::MAX)));
    r.register("sse_clients", "Open /api/events streams", gauge(i64::try_from(live.sse_clients).unwrap_or(i64::MAX)));
    r.register("ai_calls", "Calls to the AI model", m.ai_calls.clone());
    r.register("ai_errors", "Failed calls to the AI model", m.ai_errors.clone());
    r.register("ai_call_duration_seconds", "AI model call latency", m.ai_latency.clone());
    r.register(
        "voice_turn_latency_seconds",
        "Voice agent turns: the caller's end of speech to the first audio frame sent back",
        m.voice_turn_latency.clone(),
    );
    r.register(
        "voice_relay_seconds",
        "The voice relay's own time per audio frame: model frame in to Twilio frame out",
        m.voice_relay_seconds.clone(),
    );
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &r)?;
    Ok(out)
}
