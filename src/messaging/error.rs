//! Why a message was not sent, in messaging terms. The HTTP layer turns it
//! into an answer in one place (`From<SendError> for ApiError`); the
//! scheduler and the AI record its text.

use crate::{domain::Invalid, store::StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The business or the lead is not there (or not in the sender's scope).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request asks for something this send cannot be (a template
    /// without one configured, a template through the bridge).
    #[error("{}", .0.message)]
    Invalid(Invalid),
    /// Only Twilio could send, and WhatsApp's 24-hour window is closed.
    #[error(
        "The customer last wrote more than 24 hours ago (or never): WhatsApp allows only an approved template now."
    )]
    WindowClosed { has_template: bool },
    /// The Idempotency-Key names another lead, sender or text.
    #[error("This Idempotency-Key was already used for a different message (another lead, sender or text).")]
    KeyReused,
    /// A send with this Idempotency-Key is still going out.
    #[error("A message with this Idempotency-Key is being sent right now.")]
    InProgress,
    /// The provider refused this message or its recipient: final, no fallback.
    #[error("{provider} refused this message: {plain}.")]
    Refused { provider: &'static str, plain: String, code: Option<String> },
    /// No provider could send; one plain reason per provider.
    #[error("No WhatsApp provider could send this message ({}).", .0.join("; "))]
    Unavailable(Vec<String>),
    /// Every provider was healthy but the send's rule refused it (e.g. the
    /// window is closed and only Twilio is configured); `reasons` says why
    /// each provider did not send.
    #[error("{rule}")]
    Ruled { rule: Box<SendError>, reasons: Vec<String> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SendError {
    /// Whether trying again later would only be refused again.
    pub fn is_final(&self) -> bool {
        match self {
            SendError::Refused { .. } | SendError::Invalid(_) | SendError::KeyReused => true,
            SendError::Ruled { rule, .. } => rule.is_final(),
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for SendError {
    fn from(e: rusqlite::Error) -> Self {
        SendError::Store(e.into())
    }
}

pub type SendResult<T> = Result<T, SendError>;
