//! The store's own error: what went wrong, in data terms. The HTTP layer
//! turns it into an answer in one place (`From<StoreError> for ApiError` in
//! `error.rs`); the store never writes user-facing words or status codes.

use crate::domain::LeadId;
use crate::error::constraint;

/// A UNIQUE key that refused a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    LeadPhone,
    LeadWhatsapp,
    TenantPhone,
    TenantWhatsapp,
    TenantInstance,
    UserEmail,
    CannedShortcut,
}

/// A rule of the data that refused a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A lead keeps a phone number or a WhatsApp id.
    LeadNeedsContact,
    /// The users table's email CHECK.
    EmailShape,
    /// A lead has at most `TAGS_MAX` tags.
    TooManyTags,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Not there, or not in the caller's scope (the same thing to a client).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Already exists; `existing_id` names the row when it is useful (a lead).
    #[error("duplicate {key:?}")]
    Duplicate { key: Unique, existing_id: Option<LeadId> },
    #[error("refused by rule {0:?}")]
    Conflict(Rule),
    #[error("sqlite: {0}")]
    Db(#[from] rusqlite::Error),
    /// The pool or the writer could not serve the request.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Which UNIQUE key (if any) a SQLite error is about, from the columns it names.
pub fn unique_key(err: &rusqlite::Error) -> Option<Unique> {
    let c = constraint(err)?;
    if !c.contains("UNIQUE") {
        return None;
    }
    [
        ("leads.tenant_id, leads.phone_e164", Unique::LeadPhone),
        ("leads.tenant_id, leads.whatsapp_id", Unique::LeadWhatsapp),
        ("tenants.phone_e164", Unique::TenantPhone),
        ("tenants.whatsapp_e164", Unique::TenantWhatsapp),
        ("tenants.whatsapp_instance", Unique::TenantInstance),
        ("users.email", Unique::UserEmail),
        ("canned_replies.tenant_id, canned_replies.shortcut", Unique::CannedShortcut),
    ]
    .into_iter()
    .find(|(cols, _)| c.contains(cols))
    .map(|(_, k)| k)
}

/// Whether a SQLite error is a CHECK constraint failure.
pub fn is_check(err: &rusqlite::Error) -> bool {
    constraint(err).is_some_and(|c| c.contains("CHECK"))
}
