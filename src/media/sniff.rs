//! What a file is, from its first bytes (never from the name or the type
//! the sender claims): the kinds staff may send.

/// JPEG, PNG, WebP or PDF: the content type for the file's magic bytes.
pub fn sendable_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Types a browser may show inline from our origin; anything else is served as a download.
pub fn shown_inline(content_type: &str) -> bool {
    let t = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    matches!(t.as_str(), "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "application/pdf")
        || t.starts_with("audio/")
        || t.starts_with("video/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_magic_bytes() {
        assert_eq!(sendable_type(b"\xFF\xD8\xFF\xE0rest"), Some("image/jpeg"));
        assert_eq!(sendable_type(b"\x89PNG\r\n\x1a\nIHDR"), Some("image/png"));
        assert_eq!(sendable_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sendable_type(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sendable_type(b"<html><script>"), None);
        assert_eq!(sendable_type(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(sendable_type(b""), None);
    }

    #[test]
    fn only_harmless_types_are_inline() {
        assert!(shown_inline("image/png"));
        assert!(shown_inline("audio/ogg; codecs=opus"));
        assert!(!shown_inline("text/html"));
        assert!(!shown_inline("image/svg+xml"));
    }
}
