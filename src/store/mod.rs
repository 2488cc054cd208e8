//! All SQL lives here, one file per resource. Functions take a connection (or
//! transaction) and, for tenant data, the `Scope` or `TenantId` they are
//! confined to as the next argument: a query can't forget its scope because
//! the scope is an argument. The few that deliberately are not confined are
//! named `*_unscoped`, and their doc says why that is safe.

pub mod acme;
pub mod activities;
pub mod alerts;
pub mod appointments;
pub mod audit;
pub mod calls;
pub mod canned;
pub mod claims;
pub mod dashboard;
pub mod error;
pub mod ics;
pub mod keys;
pub mod lead_csv;
pub mod leads;
pub mod media;
pub mod merge;
pub mod messages;
pub mod notifications;
pub mod prompts;
pub mod push;
pub mod reminders;
pub mod scheduled;
pub mod schedules;
pub mod services;
pub mod sessions;
pub mod tenants;
pub mod users;
pub mod whatsapp_links;

use serde::Serialize;

use crate::domain::UserId;

pub use error::{StoreError, StoreResult};

/// "Now" in SQL, in the format every stored timestamp has (the column defaults
/// in schema.sql spell the same). `now_sql!("'-1 hour'")` or `now_sql!("?3")`
/// adds a modifier. A macro, not a const, so `concat!` can splice it into a
/// static SQL literal.
macro_rules! now_sql {
    () => {
        $crate::store::now_sql!(@ "")
    };
    ($modifier:literal) => {
        $crate::store::now_sql!(@ concat!(", ", $modifier))
    };
    (@ $tail:expr) => {
        concat!("strftime('%Y-%m-%dT%H:%M:%fZ', 'now'", $tail, ")")
    };
}
pub(crate) use now_sql;

/// Who made a change: the real signed-in user, and whether they were
/// impersonating (activities and audit rows record both).
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub user_id: UserId,
    pub impersonating: bool,
}

/// A page of a list answer: `{items, total, page, page_size}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// Page number and size from a query string, clamped to sane bounds.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub page: i64,
    pub page_size: i64,
}

impl PageRequest {
    pub fn new(page: Option<i64>, page_size: Option<i64>, default_size: i64) -> PageRequest {
        PageRequest { page: page.unwrap_or(1).max(1), page_size: page_size.unwrap_or(default_size).clamp(1, 200) }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.page_size)
    }

    pub fn wrap<T>(self, items: Vec<T>, total: i64) -> Page<T> {
        Page { items, total, page: self.page, page_size: self.page_size }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_sql_spells_the_stored_format() {
        assert_eq!(now_sql!(), "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
        assert_eq!(now_sql!("'-1 hour'"), "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour')");
    }
}
