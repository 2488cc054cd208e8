//! The HTTP API: one module per resource, each exporting `router()`, plus
//! the extractors (who is asking, for which business) and the CSRF layer.

pub mod admin;
pub mod auth;
pub mod business;
pub mod calls;
pub mod canned;
pub mod client_ip;
pub mod csrf;
pub mod events;
pub mod extract;
pub mod faults;
pub mod health;
pub mod inbox;
pub mod lead_csv;
pub mod leads;
pub mod messages;
pub mod notifications;
pub mod openapi;
pub mod prompts;
pub mod push;
pub mod reminders;
pub mod session;
pub mod throttle;

/// For PATCH bodies: tells a missing field (None) from an explicit null (Some(None)).
pub fn double_option<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    use serde::Deserialize;
    Ok(Some(Option::deserialize(d)?))
}

/// A JSON body serialised already (by the store, straight from its rows).
pub struct RawJson(pub Vec<u8>);

impl axum::response::IntoResponse for RawJson {
    fn into_response(self) -> axum::response::Response {
        ([(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"))], self.0)
            .into_response()
    }
}
