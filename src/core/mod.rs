//! What the business does, apart from how a request arrives. The HTTP
//! handlers, the webhooks, the AI tools, CSV import and the scheduler are
//! adapters around it: they parse and check their input, open a write, and
//! call the core, which owns the rules (what a new lead records, in which
//! order, and what follows). The store below it holds SQL only.
//!
//! Functions here run inside the caller's write transaction and return
//! [`CoreError`]; the HTTP layer maps it to an answer in one place
//! (`From<CoreError> for ApiError`).

pub mod appointments;
pub mod audit;
pub mod follow_ups;
pub mod import;
pub mod leads;
pub mod missed_call;
pub mod notify;
pub mod sends;
pub mod whatsapp_link;

use crate::store::StoreError;

impl From<crate::domain::Invalid> for CoreError {
    fn from(e: crate::domain::Invalid) -> Self {
        CoreError::Invalid(e)
    }
}

/// Why the core did not do something.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The data refused it, or could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A value the request gave breaks a rule only the data can tell (an
    /// assignee who is not of the business).
    #[error("{}: {}", .0.field, .0.message)]
    Invalid(crate::domain::Invalid),
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        CoreError::Store(e.into())
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
