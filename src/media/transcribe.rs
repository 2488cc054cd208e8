//! Voice notes to text: `POST {FRONTDESK_OPENAI_BASE_URL}/audio/transcriptions`
//! (multipart: the file, the model, the business's language).

use std::time::Duration;

use serde_json::Value;

use crate::context::Context;

/// The file's name as the API sees it (its extension tells it the format).
fn file_name(content_type: &str) -> &'static str {
    match content_type.split(';').next().unwrap_or_default().trim() {
        "audio/mpeg" | "audio/mp3" => "voice.mp3",
        "audio/mp4" | "audio/m4a" | "audio/aac" => "voice.m4a",
        "audio/wav" | "audio/x-wav" => "voice.wav",
        "audio/webm" => "voice.webm",
        _ => "voice.ogg",
    }
}

/// A multipart/form-data body built in one buffer (the file is copied into it once).
fn multipart(boundary: &str, fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> Vec<u8> {
    let (name, content_type, bytes) = file;
    let mut body = Vec::with_capacity(bytes.len() + 1024);
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// What the voice note says, in the business's language (`he` or `en`).
pub async fn transcribe(ctx: &Context, bytes: &[u8], content_type: &str, language: &str) -> Result<String, String> {
    let s = &ctx.config.settings;
    let Some(key) = &s.openai_api_key else { return Err("no AI key is configured".into()) };
    let boundary = format!("frontdesk-{}", crate::util::random_token(16));
    let fields = [("model", s.openai_transcribe_model.as_str()), ("language", language), ("response_format", "json")];
    let body = multipart(&boundary, &fields, (file_name(content_type), content_type, bytes));
    let url = format!("{}/audio/transcriptions", s.openai_base_url.as_str().trim_end_matches('/'));
    let res = ctx
        .http
        .post(url)
        .timeout(Duration::from_secs(120))
        .bearer_auth(key)
        .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("the transcription service could not be reached: {e}"))?;
    let status = res.status();
    if !status.is_success() {
        return Err(format!("the transcription service answered {status}"));
    }
    let answer: Value = res.json().await.map_err(|e| format!("the transcription is unreadable: {e}"))?;
    answer["text"].as_str().map(|t| t.trim().to_string()).ok_or_else(|| "the transcription has no text".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_holds_each_field_and_the_file() {
        let body = multipart("B", &[("model", "m")], ("voice.ogg", "audio/ogg", b"\x00\x01"));
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with("--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nm\r\n"));
        assert!(text.contains("filename=\"voice.ogg\"\r\nContent-Type: audio/ogg\r\n\r\n\u{0}\u{1}\r\n--B--\r\n"));
        assert_eq!(file_name("audio/ogg; codecs=opus"), "voice.ogg");
    }
}
