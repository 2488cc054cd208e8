//! Domain values parsed once at the edge: roles, lead statuses and sources,
//! E.164 phone numbers, timestamps.

pub mod hours;
pub mod phone;
pub mod slots;
pub mod tenancy;
pub mod text;
pub mod time;

pub use phone::PhoneE164;
pub use tenancy::{
    AppointmentId, CallId, CannedReplyId, LeadId, MessageId, NotificationId, ReminderId, Scope, ServiceId, TenantId,
    UserId,
};

use serde::{Deserialize, Serialize};

/// A value from a request that does not parse: which field, what is wrong,
/// and what to send instead. Becomes a 400 `invalid_input` naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message} {hint}")]
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
/// Also the `--role` of `frontdesk user create` (`system-admin`, `owner`, `agent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, utoipa::ToSchema)]
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
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [&'static str] = &[$($text),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
            /// [`Self::parse`] for a request field: 400 naming it and the allowed values.
            pub fn parse_field(field: &str, s: &str) -> Result<Self, Invalid> {
                Self::parse(s).ok_or_else(|| Invalid::new(
                    field,
                    format!("`{s}` is not one of: {}.", Self::ALL.join(", ")),
                    format!("Use one of: {}.", Self::ALL.join(", ")),
                ))
            }
        }

        // In the OpenAPI document: a string, one of ALL.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some(Self::ALL.iter().copied()))
                    .into()
            }
        }
        impl utoipa::ToSchema for $name {}

        // JSON spells a value exactly as the database does: one text per variant.
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| serde::de::Error::unknown_variant(&s, Self::ALL))
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = value.as_str()?;
                Self::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown {} `{s}`", stringify!($name)).into()))
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
    /// What a timeline entry records (the `lead_activities.kind` CHECK lists the same).
    ActivityKind {
        Created => "created",
        StatusChange => "status_change",
        Note => "note",
        MessageIn => "message_in",
        MessageOut => "message_out",
        Call => "call",
        ReminderSet => "reminder_set",
        ReminderFired => "reminder_fired",
        AiReply => "ai_reply",
        AiError => "ai_error",
        Updated => "updated",
        AiAction => "ai_action",
        AiPaused => "ai_paused",
        AiResumed => "ai_resumed",
        CallSummary => "call_summary",
        Voicemail => "voicemail",
        Assigned => "assigned",
        AppointmentBooked => "appointment_booked",
        AppointmentRescheduled => "appointment_rescheduled",
        AppointmentConfirmed => "appointment_confirmed",
        AppointmentCancelled => "appointment_cancelled",
        AppointmentCompleted => "appointment_completed",
        AppointmentNoShow => "appointment_no_show",
        Merged => "merged",
        MessageScheduled => "message_scheduled",
    }
);

text_enum!(
    /// Where a reminder stands. `claimed` (being delivered) shows as `pending`.
    ReminderStatus {
        Pending => "pending",
        Claimed => "claimed",
        Fired => "fired",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// Where an appointment stands: `booked -> confirmed -> completed | no_show`, or `cancelled`.
    AppointmentStatus {
        Booked => "booked",
        Confirmed => "confirmed",
        Completed => "completed",
        NoShow => "no_show",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// Who made a booking or changed it: a person (a signed-in user), the AI, or the customer (a reply).
    BookedBy {
        Person => "person",
        Ai => "ai",
        Customer => "customer",
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

#[cfg(test)]
mod tests {
    use super::{ActivityKind, LeadSource, LeadStatus, ReminderStatus};

    /// The API's JSON and the database hold the same text for every value.
    #[test]
    fn text_enums_serialize_as_their_stored_text() {
        fn check<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
            all: &[&str],
            parse: fn(&str) -> Option<T>,
        ) {
            for text in all {
                let v = parse(text).unwrap();
                assert_eq!(serde_json::to_value(&v).unwrap(), serde_json::json!(text));
                assert_eq!(serde_json::from_value::<T>(serde_json::json!(text)).unwrap(), v);
            }
        }
        check(LeadStatus::ALL, LeadStatus::parse);
        check(LeadSource::ALL, LeadSource::parse);
        check(ActivityKind::ALL, ActivityKind::parse);
        check(ReminderStatus::ALL, ReminderStatus::parse);
        assert!(serde_json::from_value::<LeadStatus>(serde_json::json!("nope")).is_err());
    }
}

/// No input makes a parser panic: requests, query strings and webhooks all
/// reach these.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::{PhoneE164, text, time};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn time_parsing_never_panics(s in any::<String>()) {
            let _ = time::parse_rfc3339(&s);
            let _ = time::parse_field("due_at", &s);
            let _ = time::parse_stored(&s);
        }

        #[test]
        fn rfc3339_shaped_input_with_any_offset_never_panics(
            y in 0i32..=9999, mo in 0u8..=13, d in 0u8..=32, h in 0u8..=25, mi in 0u8..=61, se in 0u8..=61,
            sign in prop::bool::ANY, oh in 0u8..=25, om in 0u8..=61,
        ) {
            let s = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}{}{oh:02}:{om:02}", if sign { '+' } else { '-' });
            if let Some(t) = time::parse_rfc3339(&s) {
                prop_assert!((1970..=9999).contains(&t.year()));
                let _ = time::format(t);
            }
        }

        #[test]
        fn phone_parsing_never_panics(s in any::<String>(), region in "[A-Z]{0,3}") {
            let _ = PhoneE164::parse(&s, &region);
        }

        #[test]
        fn phone_shaped_input_never_panics(s in "[+0-9 ()\\-.]{0,45}") {
            if let Ok(p) = PhoneE164::parse(&s, "IL") {
                prop_assert!(p.as_str().starts_with('+'));
            }
        }

        #[test]
        fn text_checks_never_panic(s in "\\PC{0,300}", max in 0usize..200, multiline in prop::bool::ANY) {
            let _ = text::check("f", &s, max, multiline);
            let _ = text::email("email", Some(&s));
        }
    }
}
