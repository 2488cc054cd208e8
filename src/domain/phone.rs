//! Phone numbers in E.164, parsed with a libphonenumber port.

use serde::Serialize;

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
    fn garbage_is_refused() {
        assert!(PhoneE164::parse("", "IL").is_err());
        assert!(PhoneE164::parse("hello", "IL").is_err());
        assert!(PhoneE164::parse("12", "IL").is_err());
        assert!(PhoneE164::parse("+9725", "IL").is_err());
    }
}
