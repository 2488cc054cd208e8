//! Timestamps: stored and returned as UTC text in one fixed format
//! (`2026-11-26T12:00:00.000Z`), which sorts as a string and is RFC 3339.

use time::{OffsetDateTime, UtcOffset, format_description::well_known::Rfc3339, macros::format_description};

use super::Invalid;

const FORMAT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Formats an instant in the stored format. Instants outside years
/// 0000-9999 (which [`parse_rfc3339`] never lets in) clamp to the epoch
/// rather than panic.
pub fn format(t: OffsetDateTime) -> String {
    t.checked_to_offset(UtcOffset::UTC)
        .and_then(|t| t.format(FORMAT).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".into())
}

/// Now, in the stored format.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// Parses an RFC 3339 timestamp (any offset) from a request. Its UTC instant
/// must fall within years 1970-9999: converting `9999-12-31T23:59:59-23:59`
/// to UTC would leave the range the time library can represent.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    if s.len() > 64 {
        return None;
    }
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    let utc = t.checked_to_offset(UtcOffset::UTC)?;
    (1970..=9999).contains(&utc.year()).then_some(utc)
}

/// [`parse_rfc3339`] for a named request field: 400 `invalid_input` naming it.
pub fn parse_field(field: &str, s: &str) -> Result<OffsetDateTime, Invalid> {
    parse_rfc3339(s).ok_or_else(|| {
        Invalid::new(
            field,
            format!("`{field}` is not an RFC 3339 time between 1970 and 9999 (UTC)."),
            "Send e.g. 2026-12-01T09:30:00+02:00.",
        )
    })
}

/// Parses a stored timestamp.
pub fn parse_stored(s: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(s, FORMAT).ok().map(|t| t.assume_utc()).or_else(|| parse_rfc3339(s))
}

pub fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_format_round_trips_and_normalises_offsets() {
        let t = parse_rfc3339("2026-11-26T14:30:00+02:00").unwrap();
        let s = format(t);
        assert_eq!(s, "2026-11-26T12:30:00.000Z");
        assert_eq!(parse_stored(&s).unwrap(), t);
    }

    #[test]
    fn instants_outside_1970_to_9999_utc_are_refused_not_panicked_on() {
        assert!(parse_rfc3339("9999-12-31T23:59:59-23:59").is_none());
        assert!(parse_rfc3339("0000-01-01T00:00:00+23:59").is_none());
        assert!(parse_rfc3339("1969-12-31T23:59:59Z").is_none());
        assert!(parse_rfc3339("9999-12-31T23:59:59Z").is_some());
        assert!(parse_rfc3339("1970-01-01T00:00:00Z").is_some());
        assert!(parse_field("due_at", "nope").is_err());
    }
}
