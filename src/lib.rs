//! frontdesk: a self-hosted CRM and AI front desk in one binary and one SQLite file.
//!
//! Map of the crate:
//! - [`acme`]: automatic HTTPS (ACME TLS-ALPN-01), certificates kept in the data file.
//! - [`config`]: settings from env and flags, validated once.
//! - [`db`]: the SQLite pool, PRAGMAs, migrations from `schema.sql`, blocking helpers, and the verified copy behind `frontdesk backup` and before an upgrade (`db::backup`).
//! - [`error`]: `ApiError`, the one error type, and where every other error becomes one.
//! - [`domain`]: parsed values: roles, statuses, phone numbers, timestamps.
//! - [`core`]: what the business does (a lead created and what follows, sends), called by every adapter.
//! - [`context`]: `Context`, what the core and the background work reach (database, events, messengers).
//! - [`store`]: all SQL, one file per resource, scoped by tenant.
//! - [`http`]: routes per resource, extractors (`Auth`, guards), the CSRF layer.
//! - [`assets`]: the embedded UI and SPA fallback.
//! - [`app`]: the app factory (layers in order) and `serve`.
//! - [`server`]: the accept loop: header timeout, connection cap, graceful shutdown.
//! - [`webhooks`]: Twilio and Baileys in: signatures checked, idempotent ingest.
//! - [`messaging`]: WhatsApp out through one provider trait, chosen by health; Twilio's request signature.
//! - [`voice`]: the Twilio Media Streams <-> realtime model bridge.
//! - [`ai`]: the AI front desk: WhatsApp replies, the one tool registry, its bounds.
//! - [`webpush`]: Web Push (RFC 8291/8292) and where a push may go.
//! - [`events`]: the live event bus behind `/api/events`.
//! - [`metrics`]: Prometheus series (served by `http::scrape` on their own listener).
//! - [`scheduler`]: fires due reminders exactly once.
//! - [`bootstrap`], [`cli`]: first start; `user`, `backup` and `restore` commands.
//! - [`cache`]: the short-lived user and session caches' map.
//! - [`restore`]: `frontdesk restore`, which swaps a verified copy in while no server runs.
//! - [`state`]: `AppState`, what every handler can reach (the HTTP layer's parts, and the `Context`).
//! - [`media`]: WhatsApp files: fetched in the background, voice notes transcribed, signed links for Twilio.
//! - [`memory`]: when freed memory goes back to the OS (the allocator's settings).
//! - [`util`]: random tokens and constant-time comparison.

pub mod acme;
pub mod ai;
pub mod app;
pub mod assets;
pub mod bootstrap;
pub mod cache;
pub mod cli;
pub mod config;
pub mod context;
pub mod core;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod http;
pub mod media;
pub mod memory;
pub mod messaging;
pub mod metrics;
pub mod password;
pub mod restore;
pub mod scheduler;
pub mod server;
pub mod state;
pub mod store;
pub mod util;
pub mod voice;
pub mod webhooks;
pub mod webpush;

/// Version plus git hash (or build time), baked in by build.rs.
pub const BUILD_ID: &str = env!("FRONTDESK_BUILD_ID");
