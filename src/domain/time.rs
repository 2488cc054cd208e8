//! Timestamps: stored and returned as UTC text in one fixed format
//! (`2026-11-26T12:00:00.000Z`), which sorts as a string and is RFC 3339.

use time::{OffsetDateTime, UtcOffset, format_description::well_known::Rfc3339, macros::format_description};

const FORMAT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Formats an instant in the stored format.
pub fn format(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC).format(FORMAT).unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".into())
}

/// Now, in the stored format.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// Parses any RFC 3339 timestamp (any offset) from a request.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
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
}
