//! Domain values parsed once at the edge: roles, lead statuses and sources,
//! E.164 phone numbers, timestamps.

pub mod phone;
pub mod text;
pub mod time;

pub use phone::PhoneE164;

use serde::{Deserialize, Serialize};

/// A value from a request that does not parse: which field, what is wrong,
/// and what to send instead. Becomes a 400 `invalid_input` naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
    pub hint: String,
}

impl Invalid {
    pub fn new(field: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Invalid { field: field.to_string(), message: message.into(), hint: hint.into() }
    }
}

/// A user's role. Guards read only this; impersonation never changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    Owner,
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::Owner => "owner",
            Role::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "system_admin" => Some(Role::SystemAdmin),
            "owner" => Some(Role::Owner),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

/// Defines a string enum stored as TEXT with a CHECK constraint in schema.sql.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [&'static str] = &[$($text),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

text_enum!(
    /// Where a lead stands.
    LeadStatus {
        New => "new",
        Contacted => "contacted",
        Qualified => "qualified",
        Won => "won",
        Lost => "lost",
        Archived => "archived",
    }
);

text_enum!(
    /// How a lead reached the business.
    LeadSource {
        Manual => "manual",
        Form => "form",
        Call => "call",
        Whatsapp => "whatsapp",
        Other => "other",
    }
);
