//! The store's own error: what went wrong, in data terms. The HTTP layer
//! turns it into an answer in one place (`From<StoreError> for ApiError` in
//! `error.rs`); the store never writes user-facing words or status codes.

use crate::domain::LeadId;
use rusqlite::ffi;

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

/// The constraint a write broke, told apart by SQLite's extended result
/// code; its identity (the UNIQUE columns, the CHECK's name from
/// `CONSTRAINT <name> CHECK` in schema.sql) is the part SQLite reports after
/// "constraint failed: ", compared whole.
#[derive(Debug, PartialEq, Eq)]
enum Violation<'a> {
    Unique(&'a str),
    Check(&'a str),
}

fn violation(err: &rusqlite::Error) -> Option<Violation<'_>> {
    let rusqlite::Error::SqliteFailure(e, Some(msg)) = err else { return None };
    let subject = msg.split_once("constraint failed: ").map(|(_, s)| s)?;
    match e.extended_code {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Some(Violation::Unique(subject)),
        ffi::SQLITE_CONSTRAINT_CHECK => Some(Violation::Check(subject)),
        _ => None,
    }
}

/// Which UNIQUE key (if any) a SQLite error is about, from the columns it names.
pub fn unique_key(err: &rusqlite::Error) -> Option<Unique> {
    let Some(Violation::Unique(columns)) = violation(err) else { return None };
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
    .find(|(cols, _)| *cols == columns)
    .map(|(_, k)| k)
}

/// Which named rule (if any) a CHECK failure is about. A CHECK without a
/// rule here is a bug upstream (input the API should have refused) and stays
/// a database error.
pub fn checked_rule(err: &rusqlite::Error) -> Option<Rule> {
    let Some(Violation::Check(name)) = violation(err) else { return None };
    match name {
        "lead_has_contact" => Some(Rule::LeadNeedsContact),
        "user_email_shape" => Some(Rule::EmailShape),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t (a TEXT UNIQUE, b TEXT CONSTRAINT b_short CHECK (length(b) < 3), c TEXT CHECK (c <> 'x'));
             INSERT INTO t (a) VALUES ('one');",
        )
        .unwrap();
        c
    }

    #[test]
    fn constraints_are_told_by_code_and_name() {
        let c = db();
        let dup = c.execute("INSERT INTO t (a) VALUES ('one')", []).unwrap_err();
        assert_eq!(violation(&dup), Some(Violation::Unique("t.a")));
        let named = c.execute("INSERT INTO t (b) VALUES ('long')", []).unwrap_err();
        assert_eq!(violation(&named), Some(Violation::Check("b_short")));
        // An unnamed CHECK is reported by its expression: never taken for a named rule.
        let unnamed = c.execute("INSERT INTO t (c) VALUES ('x')", []).unwrap_err();
        assert!(matches!(violation(&unnamed), Some(Violation::Check(e)) if e != "b_short"));
        assert_eq!(checked_rule(&unnamed), None);
        let not_null = Connection::open_in_memory().unwrap();
        not_null.execute_batch("CREATE TABLE n (v TEXT NOT NULL)").unwrap();
        let err = not_null.execute("INSERT INTO n (v) VALUES (NULL)", []).unwrap_err();
        assert_eq!(violation(&err), None);
    }
}
