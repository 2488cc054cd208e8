//! `multipart/form-data` read from a body already in memory (read once,
//! bounded, by the caller): each part is a slice of that one buffer, so a
//! 16 MB file is never copied to be parsed.

use axum::body::Bytes;

pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

/// The boundary of a `multipart/form-data; boundary=...` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    if !params.next()?.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// A header parameter (`name="file"`), unquoted.
fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).filter_map(|p| p.trim().split_once('=')).find(|(k, _)| k.eq_ignore_ascii_case(key)).map(
        |(_, v)| {
            let v = v.trim();
            v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v).to_string()
        },
    )
}

/// The parts of `body`, in order; Err with a plain reason when it is not well formed.
pub fn parse(body: &Bytes, boundary: &str) -> Result<Vec<Part>, &'static str> {
    let opening = format!("--{boundary}");
    let between = format!("\r\n--{boundary}");
    let mut at = find(body, opening.as_bytes(), 0).ok_or("the body does not start with its boundary")? + opening.len();
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err("a boundary is not followed by a line break");
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at).ok_or("a part's headers do not end")?;
        let head = std::str::from_utf8(&body[at..head_end]).map_err(|_| "a part's headers are not text")?;
        let mut part = Part { name: String::new(), file_name: None, content_type: None, data: Bytes::new() };
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else { continue };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                part.name = param(v, "name").unwrap_or_default();
                part.file_name = param(v, "filename");
            } else if k.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(v.trim().to_string());
            }
        }
        let start = head_end + 4;
        let end = find(body, between.as_bytes(), start).ok_or("the last part is not closed by its boundary")?;
        part.data = body.slice(start..end);
        parts.push(part);
        at = end + between.len();
        if parts.len() > 20 {
            return Err("too many parts");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_slices_of_the_body() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhello\r\n\
              --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
              Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--XyZ--\r\n",
        );
        assert_eq!(boundary("multipart/form-data; boundary=XyZ").as_deref(), Some("XyZ"));
        assert_eq!(boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(), Some("XyZ"));
        assert_eq!(boundary("application/json"), None);
        let parts = parse(&body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "caption");
        assert_eq!(&parts[0].data[..], b"hello");
        assert_eq!(parts[1].file_name.as_deref(), Some("a.png"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
        assert_eq!(&parts[1].data[..], b"\x89PNG\r\n\x1a\n");
        assert!(parse(&Bytes::from_static(b"--XyZ\r\nbroken"), "XyZ").is_err());
        assert!(parse(&Bytes::from_static(b"nothing"), "XyZ").is_err());
    }
}
