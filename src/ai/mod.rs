//! The AI front desk. On WhatsApp, after an inbound message commits, a
//! background task waits out the burst, then asks an OpenAI-compatible chat
//! completions API for a reply, with the business's `whatsapp_prompt` plus a
//! generated context block, the lead's recent messages, and tools that act
//! on the CRM. Failures land on the lead's timeline as `ai_error`, never
//! silently.

pub mod client;
pub mod context;
pub mod limits;
pub mod tools;
pub mod whatsapp;

pub use whatsapp::{Bursts, publish as publish_tool_effects, spawn_whatsapp_reply};
