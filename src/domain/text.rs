//! Free text from requests: trimmed, bounded, and free of control
//! characters other than newline and tab. Every size limit of the API is a
//! constant here, so the UI, the docs and the checks agree.

use super::Invalid;

pub const EMAIL_MAX: usize = 254;
pub const NAME_MAX: usize = 200;
pub const NOTE_MAX: usize = 10_000;
pub const PROMPT_MAX: usize = 100_000;
pub const SEARCH_MAX: usize = 100;
/// WhatsApp's own limit for one text message.
pub const MESSAGE_MAX: usize = 4_096;
/// A lead's tags: at most this many, each at most TAG_MAX characters.
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX: usize = 40;
/// Longest phone input we bother parsing (formatting included).
pub const PHONE_INPUT_MAX: usize = 40;
/// A canned reply's shortcut (typed after `/`) and its text.
pub const SHORTCUT_MAX: usize = 32;
pub const CANNED_MAX: usize = 2_000;

/// Whether `c` may appear in text: printable, or newline/tab when `multiline`.
fn allowed(c: char, multiline: bool) -> bool {
    !c.is_control() || (multiline && (c == '\n' || c == '\t' || c == '\r'))
}

/// Checks `value` for the field: trimmed, at most `max` characters, no
/// control characters (newline and tab allowed when `multiline`).
pub fn check(field: &str, value: &str, max: usize, multiline: bool) -> Result<String, Invalid> {
    let v = value.trim();
    validate(field, v, max, multiline)?;
    Ok(v.to_string())
}

/// The checks of [`check`] on `v` as it is (nothing trimmed): for text kept
/// byte for byte, such as prompts.
pub fn validate(field: &str, v: &str, max: usize, multiline: bool) -> Result<(), Invalid> {
    // Count lazily: a megabyte of text stops at max + 1 characters.
    if v.chars().nth(max).is_some() {
        return Err(Invalid::new(
            field,
            format!("`{field}` is longer than {max} characters."),
            format!("Shorten it to at most {max} characters."),
        ));
    }
    if let Some(c) = v.chars().find(|c| !allowed(*c, multiline)) {
        return Err(Invalid::new(
            field,
            format!("`{field}` contains a control character (U+{:04X}).", c as u32),
            if multiline { "Use plain text; newlines and tabs are fine." } else { "Use plain text on one line." },
        ));
    }
    Ok(())
}

/// [`check`] that also refuses an empty value.
pub fn required(field: &str, value: &str, max: usize, multiline: bool) -> Result<String, Invalid> {
    let v = check(field, value, max, multiline)?;
    if v.is_empty() {
        return Err(Invalid::new(field, format!("`{field}` is required."), format!("Fill in `{field}`.")));
    }
    Ok(v)
}

/// A display name from outside (a webhook's ProfileName or pushName, or a
/// stored name shown to the AI) made to pass the name rules instead of being
/// refused: control characters and line breaks become spaces, whitespace
/// runs collapse to one space, the ends are trimmed, and at most
/// [`NAME_MAX`] characters are kept (cut on a character boundary).
pub fn clean_name(value: &str) -> String {
    let mut out = String::new();
    let mut kept = 0;
    let mut pending_space = false;
    for c in value.chars() {
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            if kept + 1 >= NAME_MAX {
                break;
            }
            out.push(' ');
            kept += 1;
            pending_space = false;
        }
        if kept >= NAME_MAX {
            break;
        }
        out.push(c);
        kept += 1;
    }
    out
}

/// A lead's tags: at most [`TAGS_MAX`] sent, each trimmed, non-empty, one
/// line, at most [`TAG_MAX`] characters; duplicates dropped (first kept).
pub fn tags(values: &[String]) -> Result<Vec<String>, Invalid> {
    // Counted as sent, before duplicates are dropped: the limit a client
    // (and the API's schema, as `maxItems`) can see.
    if values.len() > TAGS_MAX {
        return Err(Invalid::new(
            "tags",
            format!("A lead has at most {TAGS_MAX} tags; {} were sent.", values.len()),
            "Remove some tags.",
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let t = required("tags", v, TAG_MAX, false)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// A required email address.
pub fn required_email(field: &str, value: &str) -> Result<String, Invalid> {
    email(field, Some(value))?
        .ok_or_else(|| Invalid::new(field, format!("`{field}` is required."), "Type an email address."))
}

/// An optional email address: empty means none.
pub fn email(field: &str, value: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(v) = value else { return Ok(None) };
    let v = check(field, v, EMAIL_MAX, false)?;
    if v.is_empty() {
        return Ok(None);
    }
    if v.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.contains('@')) {
        Ok(Some(v))
    } else {
        Err(Invalid::new(field, format!("`{v}` is not an email address."), "Use name@example.com, or leave it empty."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_control_characters() {
        assert_eq!(check("n", "  a b ", 10, false).unwrap(), "a b");
        assert!(check("n", "abcdef", 5, false).is_err());
        assert!(check("n", "a\0b", 5, false).is_err());
        assert!(check("n", "a\nb", 5, false).is_err());
        assert_eq!(check("n", "a\nb\tc", 10, true).unwrap(), "a\nb\tc");
        assert!(check("n", "a\u{1b}[31m", 10, true).is_err());
        assert!(required("n", "   ", 10, false).is_err());
        assert_eq!(check("n", "שלום", 4, false).unwrap(), "שלום");
    }

    #[test]
    fn names_from_outside_are_cleaned_and_cut_never_refused() {
        assert_eq!(clean_name("  Dana \n\r\t Levi\u{0}\u{1b}[31m  "), "Dana Levi [31m");
        assert_eq!(clean_name("\n\n"), "");
        let long = "א".repeat(5_000);
        let cut = clean_name(&long);
        assert_eq!(cut.chars().count(), NAME_MAX);
        assert!(check("name", &cut, NAME_MAX, false).is_ok());
        // A space is never the last character kept.
        let spaced = format!("{} b", "a".repeat(NAME_MAX - 1));
        assert_eq!(clean_name(&spaced), "a".repeat(NAME_MAX - 1));
        let words = clean_name(&"ab ".repeat(300));
        assert!(words.chars().count() <= NAME_MAX && words.ends_with('b'), "{words}");
    }

    #[test]
    fn tags_are_counted_as_sent() {
        let same: Vec<String> = vec!["a".into(); TAGS_MAX + 1];
        assert!(tags(&same).is_err(), "21 copies of one tag are more than 20 sent");
        assert_eq!(tags(&same[..TAGS_MAX]).unwrap(), vec!["a".to_string()]);
    }

    #[test]
    fn emails() {
        assert_eq!(email("email", Some(" a@b.co ")).unwrap().as_deref(), Some("a@b.co"));
        assert_eq!(email("email", Some("")).unwrap(), None);
        assert!(email("email", Some("nope")).is_err());
        assert!(email("email", Some(&format!("{}@b.co", "a".repeat(300)))).is_err());
    }
}
