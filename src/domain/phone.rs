//! Phone numbers in E.164, parsed with a libphonenumber port.

use std::{
    collections::HashMap,
    sync::{LazyLock, Mutex, MutexGuard},
};

use serde::Serialize;

/// The region of a business made without one (the schema's default for
/// `tenants.default_region`), and the region a number is read in when it
/// carries its own country code anyway (webhooks, the admin's numbers).
pub const DEFAULT_REGION: &str = "IL";

/// Parses remembered, by (input, region): the port's parser runs dozens of
/// regular expressions (about a tenth of a webhook's request-side CPU), and
/// the same numbers come back again and again (a business's own number on
/// every message to it, a lead's on each of theirs). Emptied when full.
static PARSED: LazyLock<Mutex<ParsedMemo>> = LazyLock::new(Mutex::default);
const PARSED_MAX: usize = 4096;

type ParsedMemo = HashMap<(String, String), Result<PhoneE164, String>>;

fn parsed_memo() -> MutexGuard<'static, ParsedMemo> {
    // A poisoned lock only means a panic elsewhere; the map itself is whole.
    PARSED.lock().unwrap_or_else(|p| p.into_inner())
}

/// A phone number in E.164 form (`+972521234567`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PhoneE164(String);

impl PhoneE164 {
    /// Parses what a person typed: E.164 (`+972 52-123-4567`), or a national
    /// number in `default_region` (`052-1234567` in IL). Only structurally
    /// impossible numbers are refused: the metadata lags real allocations
    /// (some Israeli 054 ranges report "invalid"), so `is_valid` is not a gate.
    pub fn parse(input: &str, default_region: &str) -> Result<PhoneE164, String> {
        let trimmed = input.trim();
        // Only what can be a number is remembered: the memo stays small whatever is sent.
        if trimmed.len() > super::text::PHONE_INPUT_MAX || default_region.len() > 3 {
            return Self::parse_uncached(trimmed, default_region);
        }
        let key = (trimmed.to_owned(), default_region.to_owned());
        let known = parsed_memo().get(&key).cloned();
        if let Some(known) = known {
            return known;
        }
        let parsed = Self::parse_uncached(&key.0, default_region);
        let mut memo = parsed_memo();
        if memo.len() >= PARSED_MAX {
            memo.clear();
        }
        memo.insert(key, parsed.clone());
        parsed
    }

    fn parse_uncached(input: &str, default_region: &str) -> Result<PhoneE164, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("the phone number is empty".into());
        }
        if trimmed.len() > super::text::PHONE_INPUT_MAX {
            return Err(format!("a phone number has at most {} characters", super::text::PHONE_INPUT_MAX));
        }
        if !trimmed.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) {
            return Err(format!("`{trimmed}` is not a phone number"));
        }
        let digits = trimmed.chars().filter(|c| c.is_ascii_digit()).count();
        if !(6..=15).contains(&digits) {
            return Err(format!("`{trimmed}` has {digits} digits; a phone number has 6 to 15"));
        }
        let region = default_region.parse::<phonenumber::country::Id>().ok();
        let number = phonenumber::parse(region, trimmed).map_err(|e| format!("`{trimmed}`: {e}"))?;
        let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
        let national_digits = e164.len().saturating_sub(1);
        if !e164.starts_with('+') || !(8..=15).contains(&national_digits) || e164.starts_with("+0") {
            return Err(format!("`{trimmed}` is not a complete international number"));
        }
        Ok(PhoneE164(e164))
    }

    /// [`Self::parse`] for a request field: 400 naming it.
    pub fn parse_field(field: &str, input: &str, default_region: &str) -> Result<PhoneE164, super::Invalid> {
        Self::parse(input, default_region).map_err(|e| {
            super::Invalid::new(
                field,
                format!("The phone number is not valid: {e}."),
                "Use +972521234567 or 052-123-4567.",
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this number's country calling code is `region`'s (`IL` ->
    /// +972). Regions sharing a code (+1) count as one country. An unknown
    /// region matches nothing.
    pub fn in_region(&self, region: &str) -> bool {
        let Some(meta) = phonenumber::metadata::DATABASE.by_id(region) else { return false };
        phonenumber::parse(None, &self.0).is_ok_and(|n| n.code().value() == meta.country_code())
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn israeli_local_mobile_becomes_e164() {
        assert_eq!(PhoneE164::parse("0521234567", "IL").unwrap().as_str(), "+972521234567");
        assert_eq!(PhoneE164::parse("052-123-4567", "IL").unwrap().as_str(), "+972521234567");
        assert_eq!(PhoneE164::parse("054-7654321", "IL").unwrap().as_str(), "+972547654321");
    }

    #[test]
    fn international_forms_are_kept() {
        assert_eq!(PhoneE164::parse("+972 52 123 4567", "IL").unwrap().as_str(), "+972521234567");
        assert_eq!(PhoneE164::parse("+1 (415) 555-0100", "IL").unwrap().as_str(), "+14155550100");
    }

    #[test]
    fn a_remembered_parse_answers_as_the_first_did() {
        // Keyed by region too: the same digits may be another number elsewhere.
        for input in [" 050-7654321 ", "415 555 0100", "+9725"] {
            for region in ["IL", "US"] {
                for _ in 0..2 {
                    assert_eq!(PhoneE164::parse(input, region), PhoneE164::parse_uncached(input, region));
                }
            }
        }
        assert_eq!(PhoneE164::parse("050-7654321", "IL").unwrap().as_str(), "+972507654321");
    }

    #[test]
    fn a_number_is_in_its_countrys_region_only() {
        let il = PhoneE164::parse("+972521234567", "IL").unwrap();
        assert!(il.in_region("IL"));
        assert!(!il.in_region("US"));
        assert!(!il.in_region("ZZ"));
        let us = PhoneE164::parse("+1 415 555 0100", "IL").unwrap();
        assert!(!us.in_region("IL"));
        assert!(us.in_region("US") && us.in_region("CA"));
        assert!(!PhoneE164::parse("+44 20 7946 0958", "IL").unwrap().in_region("IL"));
    }

    #[test]
    fn garbage_is_refused() {
        assert!(PhoneE164::parse("", "IL").is_err());
        assert!(PhoneE164::parse("hello", "IL").is_err());
        assert!(PhoneE164::parse("12", "IL").is_err());
        assert!(PhoneE164::parse("+9725", "IL").is_err());
    }
}
