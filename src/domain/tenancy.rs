//! Tenancy in data terms: the ids of businesses, leads, users and what
//! belongs to them as distinct types (two adjacent ids can no longer be
//! swapped), and the
//! [`Scope`] every query of tenant data is filtered by. The web layer
//! computes the scope (`http::extract::Auth`); the store only obeys it.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

/// Reads a whole number as JSON may write it: `7`, or `7.0` (the same
/// integer to JSON Schema), never `7.5`.
pub struct Whole;

impl serde::de::Visitor<'_> for Whole {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("{v} is too large")))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
        // 2^63 as f64; every whole float below it fits an i64.
        if v.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&v) {
            Ok(v as i64)
        } else {
            Err(E::custom(format!("invalid value: {v}, expected a whole number")))
        }
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
        v.parse().map_err(|_| E::custom(format!("invalid value: {v:?}, expected a whole number")))
    }
}

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        // A JSON integer may be spelled `7.0`; a path or query gives text.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_i64(Whole).map($name)
            }
        }

        // In the OpenAPI document: a plain integer.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                i64::schema()
            }
        }
        impl utoipa::ToSchema for $name {}

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A business.
    TenantId
);
id_type!(
    /// A lead (always inside one business).
    LeadId
);
id_type!(
    /// A user (with a home business).
    UserId
);
id_type!(
    /// A service a business books.
    ServiceId
);
id_type!(
    /// An appointment (a lead's booking of a service with a staff member).
    AppointmentId
);
id_type!(
    /// A reminder on a lead.
    ReminderId
);
id_type!(
    /// A WhatsApp message, in or out.
    MessageId
);
id_type!(
    /// A phone call.
    CallId
);
id_type!(
    /// A user's in-app notification.
    NotificationId
);
id_type!(
    /// A business's canned reply.
    CannedReplyId
);

/// Where tenant data may be read from: one business, or (the platform admin,
/// not impersonating) all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Tenant(TenantId),
}

impl Scope {
    /// The business to filter by, or None for all (bind as `?N IS NULL OR tenant_id = ?N`).
    pub fn filter(self) -> Option<TenantId> {
        match self {
            Scope::All => None,
            Scope::Tenant(t) => Some(t),
        }
    }
}
