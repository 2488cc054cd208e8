//! Black-box tests: the real binary on a random port, spoken to over HTTP.

mod helpers;

mod acme;
mod alerts;
mod appliance;
mod assets;
mod auth;
mod connections;
mod conversations;
mod csrf;
mod events;
mod fakes;
mod front_desk;
mod hardening;
mod hardening_ai;
mod hardening_ops;
mod impersonation;
mod lead_csv;
mod leads;
mod metrics;
mod openapi;
mod outbound;
mod prompts;
mod providers;
mod reminders;
mod schemathesis;
mod search_equivalence;
mod smoke;
mod sweep;
mod tenancy;
mod ui;
mod upgrade;
mod voice;
mod wal;
mod webhooks;
