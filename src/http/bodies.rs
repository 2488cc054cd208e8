//! Request bodies whose rules span fields (one of two shapes) or that a
//! role sees narrower than the type that reads them: described here for the
//! OpenAPI document, which names them in `request_body`. The handlers read
//! the wider types; Schemathesis checks that the two agree.

#![allow(dead_code)] // read by the OpenAPI derive, never built

use utoipa::{
    PartialSchema, ToSchema,
    openapi::{
        AllOfBuilder, ObjectBuilder, OneOfBuilder, RefOr, Schema,
        schema::{AdditionalProperties, AnyOfBuilder, Type},
    },
};

use super::{
    business_schemas::{business_hours, holidays, timezone},
    limits,
};

/// `POST /api/leads/{id}/message/whatsapp`: text, or an approved template
/// with its variables (never both).
pub struct WhatsAppSend;

impl PartialSchema for WhatsAppSend {
    fn schema() -> RefOr<Schema> {
        let text = ObjectBuilder::new()
            .property("text", limits::message_text_required())
            .property("template", ObjectBuilder::new().schema_type(Type::Boolean).enum_values(Some([false])))
            .property("variables", limits::template_variables())
            .required("text")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some("A text message (inside WhatsApp's 24-hour window)"));
        let template = ObjectBuilder::new()
            .property("template", ObjectBuilder::new().schema_type(Type::Boolean).enum_values(Some([true])))
            .property("variables", limits::template_variables())
            .required("template")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some("The business's approved template, with its variables ({\"1\": \"Dana\"})"));
        OneOfBuilder::new().item(text).item(template).into()
    }
}

impl ToSchema for WhatsAppSend {}

/// `POST /api/leads/{id}/message/whatsapp` as `multipart/form-data`: one
/// file (JPEG, PNG, WebP or PDF, at most FRONTDESK_MEDIA_MAX_MB) and a caption.
#[derive(ToSchema)]
pub struct WhatsAppFile {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    #[schema(schema_with = limits::message_text_optional)]
    pub caption: Option<String>,
}

/// `POST /api/business/current/whatsapp/pairing-code`.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairingCodeBody {
    #[schema(schema_with = limits::phone_or_empty)]
    pub phone_e164: String,
}

/// `PATCH /api/business/current`: the settings a business's owner changes
/// itself; its numbers, WhatsApp instance and owner are the platform admin's.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessSettingsPatch {
    #[schema(schema_with = limits::name_required_patch)]
    pub name: Option<String>,
    #[schema(schema_with = timezone)]
    pub timezone: Option<String>,
    pub ai_auto_reply: Option<bool>,
    #[schema(schema_with = business_hours)]
    pub business_hours: Option<serde_json::Value>,
    #[schema(schema_with = holidays)]
    pub holidays: Option<serde_json::Value>,
    #[schema(schema_with = limits::phone_or_empty)]
    pub forward_e164: Option<String>,
    #[schema(schema_with = limits::ai_language)]
    pub ai_language: Option<String>,
    #[schema(minimum = 1, maximum = 720)]
    pub handoff_hours: Option<u32>,
    #[schema(minimum = 1, maximum = 1000)]
    pub ai_max_replies_per_hour: Option<u32>,
    /// AI replies across all of the business's leads in an hour (0 to 10000).
    #[schema(minimum = 0, maximum = 10000)]
    pub ai_max_replies_per_hour_business: Option<u32>,
    #[schema(schema_with = limits::message_text_optional)]
    pub missed_call_text: Option<String>,
    #[schema(schema_with = limits::twilio_template_sid)]
    pub twilio_template_sid: Option<String>,
    #[schema(schema_with = limits::auto_assign)]
    pub auto_assign: Option<String>,
}

/// `POST /api/admin/businesses`: a business's fields, its name required,
/// and optionally its first owner.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBusiness {
    #[schema(schema_with = limits::name_required)]
    pub name: String,
    #[schema(schema_with = limits::phone_or_empty)]
    pub phone_e164: Option<String>,
    #[schema(schema_with = limits::phone_or_empty)]
    pub whatsapp_e164: Option<String>,
    #[schema(schema_with = limits::whatsapp_instance)]
    pub whatsapp_instance: Option<String>,
    #[schema(schema_with = timezone)]
    pub timezone: Option<String>,
    pub ai_auto_reply: Option<bool>,
    pub owner: Option<super::business_fields::OwnerBody>,
    #[schema(schema_with = business_hours)]
    pub business_hours: Option<serde_json::Value>,
    #[schema(schema_with = holidays)]
    pub holidays: Option<serde_json::Value>,
    #[schema(schema_with = limits::phone_or_empty)]
    pub forward_e164: Option<String>,
    #[schema(schema_with = limits::ai_language)]
    pub ai_language: Option<String>,
    #[schema(minimum = 1, maximum = 720)]
    pub handoff_hours: Option<u32>,
    #[schema(minimum = 1, maximum = 1000)]
    pub ai_max_replies_per_hour: Option<u32>,
    /// AI replies across all of the business's leads in an hour (0 to 10000).
    #[schema(minimum = 0, maximum = 10000)]
    pub ai_max_replies_per_hour_business: Option<u32>,
    #[schema(schema_with = limits::message_text_optional)]
    pub missed_call_text: Option<String>,
    #[schema(schema_with = limits::twilio_template_sid)]
    pub twilio_template_sid: Option<String>,
    #[schema(schema_with = limits::auto_assign)]
    pub auto_assign: Option<String>,
    /// Lets `forward_e164` be a number outside the business's own country.
    pub allow_international_forward: Option<bool>,
}

/// `PUT .../prompt`: both prompts, saved together. `updated_at` and
/// `updated_by` of a GET may be sent back as they are; they are ignored.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptsPut {
    #[schema(schema_with = limits::prompt)]
    pub calls_prompt: String,
    #[schema(schema_with = limits::prompt)]
    pub whatsapp_prompt: String,
    pub updated_at: Option<serde_json::Value>,
    pub updated_by: Option<serde_json::Value>,
}

/// `PATCH /api/reminders/{id}`: a new time (snooze), a new note, or both;
/// null is the same as leaving a field out, and one must be there.
pub struct ReminderChange;

impl PartialSchema for ReminderChange {
    fn schema() -> RefOr<Schema> {
        let nullable =
            |s: RefOr<Schema>| OneOfBuilder::new().item(s).item(ObjectBuilder::new().schema_type(Type::Null));
        let fields = ObjectBuilder::new()
            .property("due_at", nullable(limits::due_at_change().into()))
            .property("note", nullable(limits::note().into()))
            .property("call", nullable(ObjectBuilder::new().schema_type(Type::Boolean).into()))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let given = |field: &str, kind: Type| {
            ObjectBuilder::new().property(field, ObjectBuilder::new().schema_type(kind)).required(field)
        };
        AllOfBuilder::new()
            .item(fields)
            .item(
                AnyOfBuilder::new()
                    .item(given("due_at", Type::String))
                    .item(given("note", Type::String))
                    .item(given("call", Type::Boolean)),
            )
            .into()
    }
}

impl ToSchema for ReminderChange {}

/// `POST /api/leads/import`: a CSV file, UTF-8.
///
/// The server reads any header that names `first_name` and `phone` (or
/// `phone_e164`) among its columns, in any order, separated by `,` or `;`,
/// and reports each bad row in its answer. A header grammar is beyond a
/// pattern; this one names the simplest file it always takes (a data row
/// with a quote could open a quoted field, so rows here have none).
pub struct LeadsCsv;

impl PartialSchema for LeadsCsv {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^first_name,phone(\\r?\\n[^\"\\r\\n]*)*$"))
            .description(Some(
                "CSV: a header naming the columns (first_name, last_name, phone or phone_e164, email, notes, \
                 tags as a|b), separated by , or ;, then one lead a row; at most 5 MiB",
            ))
            .into()
    }
}

impl ToSchema for LeadsCsv {}
