//! The HTTP API: one module per resource, each exporting `router()`, plus
//! the extractors (who is asking, for which business) and the CSRF layer.

pub mod admin;
pub mod answers;
pub mod appointments;
pub mod auth;
pub mod availability_cache;
pub mod bodies;
pub mod business;
pub mod business_fields;
pub mod business_schemas;
pub mod calls;
pub mod canned;
pub mod client_ip;
pub mod csrf;
pub mod dashboard;
pub mod events;
pub mod extract;
pub mod faults;
pub mod health;
pub mod ics;
pub mod inbox;
pub mod layers;
pub mod lead_csv;
pub mod lead_merge;
pub mod lead_timeline;
pub mod leads;
pub mod limits;
pub mod media;
pub mod messages;
pub mod multipart;
pub mod notifications;
pub mod openapi;
pub mod prompts;
pub mod push;
pub mod reminders;
pub mod scheduled;
pub mod schedules;
pub mod scrape;
pub mod services;
pub mod session;
pub mod throttle;
pub mod user_cache;
pub mod user_view;
pub mod whatsapp_link;

/// For PATCH bodies: tells a missing field (None) from an explicit null (Some(None)).
pub fn double_option<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    use serde::Deserialize;
    Ok(Some(Option::deserialize(d)?))
}

/// An optional whole number that JSON may also spell `3.0`: to JSON (and
/// the API's schema) `3.0` is the integer 3, which serde alone refuses.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error;
    whole::optional(d)?
        .map(|v| {
            u32::try_from(v).map_err(|_| {
                D::Error::custom(format!("invalid value: {v}, expected a whole number from 0 to {}", u32::MAX))
            })
        })
        .transpose()
}

/// Whole numbers as JSON may spell them (`30.0` is the integer 30): a
/// required one, an optional one, and one a PATCH may clear with null.
pub mod whole {
    use serde::{Deserialize, Deserializer};

    struct W(i64);

    impl<'de> Deserialize<'de> for W {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_i64(crate::domain::tenancy::Whole).map(W)
        }
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        W::deserialize(d).map(|w| w.0)
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
    }

    pub fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        Ok(Some(Option::<W>::deserialize(d)?.map(|w| w.0)))
    }
}

/// A JSON body serialised already (by the store, straight from its rows).
pub struct RawJson(pub axum::body::Bytes);

impl axum::response::IntoResponse for RawJson {
    fn into_response(self) -> axum::response::Response {
        ([(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"))], self.0)
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Hours {
        #[serde(default, deserialize_with = "super::whole_number")]
        hours: Option<u32>,
    }

    fn hours(json: &str) -> Result<Option<u32>, serde_json::Error> {
        serde_json::from_str::<Hours>(json).map(|h| h.hours)
    }

    #[test]
    fn whole_numbers_may_be_spelled_as_floats() {
        assert_eq!(hours(r#"{"hours": 194}"#).unwrap(), Some(194));
        assert_eq!(hours(r#"{"hours": 194.0}"#).unwrap(), Some(194));
        assert_eq!(hours(r#"{"hours": null}"#).unwrap(), None);
        assert_eq!(hours("{}").unwrap(), None);
        for bad in ["1.5", "-1", "4294967296", "\"3\""] {
            assert!(hours(&format!(r#"{{"hours": {bad}}}"#)).is_err(), "{bad}");
        }
    }
}
