//! Tenancy in data terms: the ids of businesses, leads, users and what
//! belongs to them as distinct types (two adjacent ids can no longer be
//! swapped), and the
//! [`Scope`] every query of tenant data is filtered by. The web layer
//! computes the scope (`http::extract::Auth`); the store only obeys it.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

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
