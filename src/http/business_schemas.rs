//! The schemas of a business's structured fields (opening hours, holidays,
//! time zone) for the OpenAPI document, shared by every body that carries them.

use utoipa::openapi::{
    ObjectBuilder, RefOr, Schema,
    schema::{AdditionalProperties, ArrayBuilder, ArrayItems, SchemaType, Type},
};

/// Weekday -> opening intervals, as `[["09:00", "18:00"]]`.
///
/// The server takes up to 8 sorted, non-overlapping intervals a day, which
/// no schema can say; this one names a form it always takes: at most one
/// interval a day, opening before noon and closing after it.
pub fn business_hours() -> impl Into<RefOr<Schema>> {
    let start = ObjectBuilder::new().schema_type(Type::String).pattern(Some("^(0[0-9]|1[01]):[0-5][0-9]$"));
    let end = ObjectBuilder::new().schema_type(Type::String).pattern(Some("^((1[2-9]|2[0-3]):[0-5][0-9]|24:00)$"));
    let interval = ArrayBuilder::new()
        .prefix_items([start.build(), end.build()])
        .items(ArrayItems::False)
        .min_items(Some(2))
        .max_items(Some(2))
        .build();
    let day = ArrayBuilder::new().items(RefOr::T(Schema::Array(interval))).max_items(Some(1)).build();
    let mut week = ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for d in crate::domain::hours::DAYS {
        week = week.property(d, day.clone());
    }
    week.description(Some(
        "Opening hours by weekday (sun..sat), in the business's time zone; null leaves them as they are",
    ))
    .build()
}

/// Closed days, `YYYY-MM-DD`.
pub fn holidays() -> impl Into<RefOr<Schema>> {
    let day = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"));
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(day)
        .max_items(Some(400))
        .description(Some("Closed days (YYYY-MM-DD), at most 400; null leaves them as they are"))
        .build()
}

/// IANA time zone names, as the server knows them.
pub fn timezone() -> impl Into<RefOr<Schema>> {
    let mut names: Vec<serde_json::Value> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name().into()).collect();
    names.push(serde_json::Value::Null);
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(names))
        .description(Some("An IANA time zone name, e.g. Asia/Jerusalem"))
        .build()
}

/// A timezone that must be given (a new business).
pub fn timezone_required() -> impl Into<RefOr<Schema>> {
    let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .description(Some("An IANA time zone name, e.g. Asia/Jerusalem"))
        .build()
}
