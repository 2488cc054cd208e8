//! The OpenAPI schemas of request fields, exactly as the validators in
//! `crate::domain` enforce them, for `#[schema(schema_with = ...)]`.
//!
//! Text is trimmed before it is measured, and trimming also drops control
//! characters that are whitespace (`\n`, `\x0b`, `\x85`, ...). A plain
//! `maxLength` would count the whitespace around the text and refuse what the
//! server takes, so each text field is one `pattern` that says the same as
//! `text::check`: any whitespace around a trimmed value of at most `max`
//! characters, none of them a control character (bar newline, tab and
//! carriage return in multi-line text).

use utoipa::openapi::{
    Object, ObjectBuilder, RefOr, Schema,
    schema::{AdditionalProperties, ArrayBuilder, SchemaType, Type},
};

use crate::domain::{
    LeadSource, LeadStatus,
    text::{
        CANNED_MAX, EMAIL_MAX, MESSAGE_MAX, NAME_MAX, NOTE_MAX, PROMPT_MAX, SEARCH_MAX, SHORTCUT_MAX, TAG_MAX, TAGS_MAX,
    },
};

/// What `str::trim` removes: Unicode White_Space.
const WS: &str = r"[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// Neither whitespace nor a control character: the first and last of a trimmed value.
const SOLID: &str = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
const ONE_LINE: &str = r"[^\x00-\x1f\x7f-\x9f]";
const MULTI_LINE: &str = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]";

/// A trimmed value of 1..=max allowed characters (no surrounding whitespace).
fn core(max: usize, multiline: bool) -> String {
    let inner = if multiline { MULTI_LINE } else { ONE_LINE };
    match max {
        0 => String::new(),
        1 => SOLID.to_string(),
        _ => format!("{SOLID}(?:{inner}{{0,{}}}{SOLID})?", max - 2),
    }
}

/// The pattern of `text::check` (`required`: of `text::required`).
pub fn text_pattern(max: usize, multiline: bool, required: bool) -> String {
    let core = core(max, multiline);
    if required { format!("^{WS}*{core}{WS}*$") } else { format!("^{WS}*(?:{core})?{WS}*$") }
}

fn string(nullable: bool) -> ObjectBuilder {
    let t = if nullable { SchemaType::from_iter([Type::String, Type::Null]) } else { SchemaType::new(Type::String) };
    ObjectBuilder::new().schema_type(t)
}

fn text(max: usize, multiline: bool, required: bool, nullable: bool) -> Object {
    let what = if multiline { "text; newlines and tabs allowed" } else { "one line" };
    let empty = if required { ", not empty" } else { "" };
    string(nullable)
        .pattern(Some(text_pattern(max, multiline, required)))
        .description(Some(format!("Trimmed: at most {max} characters{empty}, {what}, no control characters.")))
        .build()
}

/// `text::email` (`required`: `text::required_email`): trimmed, at most
/// EMAIL_MAX characters, `a@b.c` with one `@`; when not required, empty means none.
pub fn email_pattern(required: bool) -> String {
    let core = core(EMAIL_MAX, false);
    let address = format!("^{WS}*(?={core}{WS}*$)[^@]+@[^@]*\\.[^@]*$");
    if required { address } else { format!("^{WS}*$|{address}") }
}

fn email(required: bool, nullable: bool) -> Object {
    string(nullable)
        .pattern(Some(email_pattern(required)))
        .description(Some(format!("An email address (name@example.com), at most {EMAIL_MAX} characters")))
        .build()
}

fn one_of(values: &[&str], nullable: bool) -> Object {
    let mut values: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
    if nullable {
        values.push(serde_json::Value::Null);
    }
    string(nullable).enum_values(Some(values)).build()
}

macro_rules! schemas {
    ($($(#[$m:meta])* $name:ident => $body:expr;)+) => {
        $($(#[$m])* pub fn $name() -> impl Into<RefOr<Schema>> { $body })+
    };
}

schemas! {
    /// A name that must be there (a lead's first name, a business's name).
    name_required => text(NAME_MAX, false, true, false);
    /// The same in a patch: null leaves it as it is.
    name_required_patch => text(NAME_MAX, false, true, true);
    /// A name that may be empty.
    name => text(NAME_MAX, false, false, false);
    name_patch => text(NAME_MAX, false, false, true);
    note => text(NOTE_MAX, true, false, false);
    note_patch => text(NOTE_MAX, true, false, true);
    note_required => text(NOTE_MAX, true, true, false);
    message_text => text(MESSAGE_MAX, true, true, true);
    /// A prompt is kept byte for byte: not trimmed, but the same characters.
    prompt => string(false)
        .pattern(Some(format!("^{MULTI_LINE}{{0,{PROMPT_MAX}}}$")))
        .description(Some(format!("At most {PROMPT_MAX} characters; newlines and tabs allowed, no other control characters.")))
        .build();
    search => text(SEARCH_MAX, false, false, false);
    tag => text(TAG_MAX, false, false, false);
    /// The sign-in email is only bounded: a wrong one is a failed sign-in.
    login_email => text(EMAIL_MAX, false, false, false);
    email_required => email(true, false);
    email_or_empty => email(false, true);
    tags_patch => ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(text(TAG_MAX, false, true, false))
        .max_items(Some(TAGS_MAX))
        .description(Some(format!("At most {TAGS_MAX} tags; duplicates are dropped.")))
        .build();
    lead_status_or_null => one_of(LeadStatus::ALL, true);
    lead_source_or_null => one_of(LeadSource::ALL, true);
    lead_status => one_of(LeadStatus::ALL, false);
    business_role => one_of(&["owner", "agent"], false);
    business_role_patch => one_of(&["owner", "agent"], true);
    /// A canned reply's text.
    canned_body => text(CANNED_MAX, true, true, false);
    canned_body_patch => text(CANNED_MAX, true, true, true);
    /// A canned reply's shortcut: one word, as typed after `/` (leading slashes are dropped).
    canned_shortcut => shortcut(false);
    canned_shortcut_patch => shortcut(true);
    /// A password being set: 8 to 256 characters.
    new_password => string(false).min_length(Some(8)).max_length(Some(256)).build();
    /// A password being checked: a longer one cannot be right.
    password => string(false).max_length(Some(256)).build();
}

/// One word of 1..=SHORTCUT_MAX characters that are neither whitespace, a
/// control character nor `/`, after any leading slashes, trimmed.
fn shortcut(nullable: bool) -> Object {
    let word = r"[^\x00-\x20\x7f-\xa0/\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
    string(nullable)
        .pattern(Some(format!("^{WS}*/*{word}{{1,{SHORTCUT_MAX}}}{WS}*$")))
        .description(Some(format!("One word of at most {SHORTCUT_MAX} characters, as typed after `/`.")))
        .build()
}

/// Phone numbers are parsed with libphonenumber's rules, which no pattern
/// states; the pattern names the form the server always takes and that
/// clients should send: E.164 (an Israeli number here, the region of every
/// business so far). A national number of the business's own region is
/// taken as well.
const PHONE: &str = r"^\+972[1-9][0-9]{7,8}$";

fn phone_schema(nullable: bool, empty_clears: bool) -> Object {
    let pattern = if empty_clears { format!("{}|^$", PHONE) } else { PHONE.to_string() };
    string(nullable)
        .pattern(Some(pattern))
        .description(Some("E.164, e.g. +972521234567 (a national number of the business's region is read too)"))
        .build()
}

schemas! {
    phone => phone_schema(false, false);
    /// A lead's phone; null clears it, which only a lead with a WhatsApp id
    /// (one that wrote first) may do: a lead needs one or the other.
    lead_phone_patch => phone_schema(false, false);
    /// null or "" clears it.
    phone_or_empty => phone_schema(true, true);
}

/// RFC 3339 with days 01-28 (every month has them) and an offset that keeps
/// the instant inside the years the server takes.
fn rfc3339(years: &str) -> String {
    format!(
        r"^{years}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{{1,9}})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
    )
}

fn time_schema(years: &str, nullable: bool, what: &str) -> Object {
    string(nullable).pattern(Some(rfc3339(years))).description(Some(what)).build()
}

schemas! {
    /// When a reminder is due: it must be in the future, which no schema
    /// can say of the clock; the pattern takes years from 2100 on.
    due_at => time_schema(
        "(2[1-9][0-9]{2}|[3-9][0-9]{3})",
        false,
        "RFC 3339, in the future, e.g. 2026-12-01T09:30:00+02:00",
    );
    /// Snoozing: null is the same as leaving it out.
    due_at_change => time_schema(
        "(2[1-9][0-9]{2}|[3-9][0-9]{3})",
        false,
        "RFC 3339, in the future",
    );
    /// Any instant the server can hold: 1971-9998 keeps offsets inside 1970-9999.
    /// Empty means no filter.
    instant => string(false)
        .pattern(Some(format!("{}|^$", rfc3339("(197[1-9]|19[89][0-9]|[2-8][0-9]{3}|9[0-9]{2}[0-8])"))))
        .description(Some("RFC 3339, e.g. 2026-12-01T09:30:00+02:00"))
        .build();
}

/// A query filter: one of `values`, or empty for none.
fn filter(values: &[&str]) -> Object {
    string(false).enum_values(Some(std::iter::once("").chain(values.iter().copied()))).build()
}

schemas! {
    lead_status_filter => filter(LeadStatus::ALL);
    lead_source_filter => filter(LeadSource::ALL);
    /// `claimed` is internal, not a filter.
    reminder_status_filter => filter(&["pending", "fired", "failed", "cancelled"]);
    flag => filter(&["true", "1", "false", "0"]);
    assignee_filter => string(false)
        .pattern(Some(r"^(me|none|[+-]?[0-9]{1,18})?$"))
        .description(Some("me, none, or a user id; empty for anyone"))
        .build();
}

schemas! {
    /// A business's follow-up steps (`core::follow_ups::check`); null or [] turns them off.
    follow_ups => ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(
            ObjectBuilder::new()
                .property(
                    "after_hours",
                    ObjectBuilder::new().schema_type(Type::Number).minimum(Some(0.001)).maximum(Some(720.0)),
                )
                .property("text", text(MESSAGE_MAX, true, true, false))
                .required("after_hours")
                .required("text")
                .additional_properties(Some(AdditionalProperties::FreeForm(false))),
        )
        .max_items(Some(crate::core::follow_ups::MAX_STEPS))
        .description(Some("Up to 3 steps {after_hours (0.001 to 720), text}."))
        .build();
    message_text_required => text(MESSAGE_MAX, true, true, false);
    /// Empty or null clears it.
    message_text_optional => text(MESSAGE_MAX, true, false, true);
    ai_language => one_of(&["he", "en"], true);
    auto_assign => one_of(&["none", "round_robin"], true);
    /// A Twilio Content SID (HX and hex digits); empty or null clears it.
    twilio_template_sid => string(true)
        .pattern(Some(format!("^{WS}*(HX[0-9a-fA-F]{{0,62}})?{WS}*$")))
        .description(Some("A Twilio Content SID: HX followed by hex digits (32 of them in Twilio's)"))
        .build();
    /// Template variables: up to 20, each key 1-20 characters and each value a
    /// line of up to 1000, both trimmed.
    template_variables => ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .max_properties(Some(20))
        .property_names(Some(text(20, false, true, false)))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(Schema::Object(text(
            1000, false, false, false,
        ))))))
        .build();
    /// `whatsapp_instance`: one line of up to 100; empty or null clears it.
    whatsapp_instance => text(100, false, false, true);
}
