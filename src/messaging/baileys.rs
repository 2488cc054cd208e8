//! The Baileys bridge, spoken to through the Evolution API.

use async_trait::async_trait;
use reqwest::Url;
use serde_json::{Value, json};

use super::{Content, ProviderError, Recipient, WhatsAppProvider};
use crate::store::tenants::Tenant;

pub struct Baileys {
    pub http: reqwest::Client,
    pub base: Option<Url>,
    pub apikey: Option<String>,
}

impl Baileys {
    fn url(&self, path: &str) -> Option<String> {
        self.base.as_ref().map(|b| format!("{}{}", b.as_str().trim_end_matches('/'), path))
    }
}

fn describe(e: reqwest::Error) -> ProviderError {
    ProviderError::transport("the bridge", &e)
}

/// What an error answer of the Evolution API means. Only an answer about
/// the recipient (no WhatsApp account on the number, blocked) refuses the
/// message; anything else (its WhatsApp connection closed, which Evolution
/// answers with a 400 or a 500 saying `Connection Closed`, an unknown
/// instance, the apikey, any 5xx) is the bridge failing: the send falls back
/// and the bridge is skipped for a while.
fn answered(what: &str, status: reqwest::StatusCode, body: &str) -> ProviderError {
    let detail = format!("{what} answered {status}: {}", body.chars().take(500).collect::<String>());
    let lower = body.to_ascii_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let client_error = status.is_client_error() && !matches!(status.as_u16(), 401 | 403 | 404 | 408 | 429);
    if client_error && !lower.contains("connection closed") {
        if compact.contains("\"exists\":false") {
            let plain = "the number has no WhatsApp account";
            return ProviderError { recipient: true, ..ProviderError::new(plain, detail) };
        }
        if lower.contains("blocked") {
            let plain = "WhatsApp refused this recipient (blocked)";
            return ProviderError { recipient: true, ..ProviderError::new(plain, detail) };
        }
    }
    let plain = if lower.contains("connection closed") {
        "the bridge's WhatsApp connection is closed"
    } else if matches!(status.as_u16(), 401 | 403) {
        "the bridge refused our credentials"
    } else if status.as_u16() == 404 {
        "the bridge does not know the business's instance"
    } else {
        "the bridge could not send"
    };
    ProviderError::new(plain, detail)
}

#[async_trait]
impl WhatsAppProvider for Baileys {
    fn name(&self) -> &'static str {
        "baileys"
    }

    fn unconfigured(&self, tenant: &Tenant) -> Option<String> {
        if self.base.is_none() || self.apikey.is_none() {
            Some("FRONTDESK_BAILEYS_URL and FRONTDESK_BAILEYS_SECRET are not set".into())
        } else if tenant.whatsapp_instance.is_none() {
            Some("the business has no whatsapp_instance".into())
        } else {
            None
        }
    }

    async fn health(&self, tenant: &Tenant) -> Result<(), ProviderError> {
        let instance = tenant.whatsapp_instance.as_deref().unwrap_or_default();
        let url = self
            .url(&format!("/instance/connectionState/{instance}"))
            .ok_or_else(|| ProviderError::new("not configured", "no bridge URL"))?;
        let res = self
            .http
            .get(url)
            .header("apikey", self.apikey.as_deref().unwrap_or_default())
            .send()
            .await
            .map_err(describe)?;
        if !res.status().is_success() {
            let status = res.status();
            return Err(answered("connectionState", status, &res.text().await.unwrap_or_default()));
        }
        let body: Value = res.json().await.map_err(|e| {
            ProviderError::new("the bridge gave an unreadable answer", format!("connectionState is not JSON: {e}"))
        })?;
        match body["instance"]["state"].as_str() {
            Some("open") => Ok(()),
            other => {
                let state = other.unwrap_or("unknown");
                Err(ProviderError::new(
                    "the business's WhatsApp is not connected to the bridge",
                    format!("connectionState says {state}"),
                ))
            }
        }
    }

    async fn send(&self, tenant: &Tenant, to: &Recipient, content: &Content<'_>) -> Result<String, ProviderError> {
        let instance = tenant.whatsapp_instance.as_deref().unwrap_or_default();
        let number = match (&to.phone_e164, &to.whatsapp_id) {
            (Some(p), _) => p.trim_start_matches('+').to_string(),
            (None, Some(w)) => w.clone(),
            (None, None) => {
                let why = "the lead has no phone number or WhatsApp id";
                return Err(ProviderError::new(why, why));
            }
        };
        let (what, body) = match content {
            Content::Text(text) => ("sendText", serde_json::to_vec(&json!({"number": number, "text": text}))),
            Content::Media(file) => ("sendMedia", Ok(media_body(&number, file))),
            Content::Template { .. } => {
                // The send's rule never hands the bridge a template; should one come, it is refused, not retried.
                let why = "the bridge sends free text only (it has no 24-hour window, so no template is needed)";
                return Err(ProviderError { recipient: true, ..ProviderError::new(why, why) });
            }
        };
        let body = body.map_err(|e| ProviderError::new("the message could not be encoded", e.to_string()))?;
        let url = self
            .url(&format!("/message/{what}/{instance}"))
            .ok_or_else(|| ProviderError::new("not configured", "no bridge URL"))?;
        let mut req = self
            .http
            .post(url)
            .header("apikey", self.apikey.as_deref().unwrap_or_default())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if matches!(content, Content::Media(_)) {
            // A 16 MB file is 21 MB of base64: more than an API call's time.
            req = req.timeout(std::time::Duration::from_secs(120));
        }
        let res = req.send().await.map_err(describe)?;
        if !res.status().is_success() {
            let status = res.status();
            return Err(answered(what, status, &res.text().await.unwrap_or_default()));
        }
        let body: Value = res.json().await.map_err(|e| {
            ProviderError::new("the bridge gave an unreadable answer", format!("{what} answer is not JSON: {e}"))
        })?;
        body["key"]["id"].as_str().map(str::to_string).ok_or_else(|| {
            ProviderError::new("the bridge gave an unreadable answer", format!("{what} answer has no key.id"))
        })
    }
}

/// `sendMedia`'s JSON, written into one buffer: the file is base64-encoded
/// straight into it (no intermediate string per step).
fn media_body(number: &str, file: &super::MediaFile) -> Vec<u8> {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let mediatype = if file.content_type.starts_with("image/") { "image" } else { "document" };
    let head = json!({
        "number": number,
        "mediatype": mediatype,
        "mimetype": file.content_type,
        "caption": file.caption,
        "fileName": file.file_name.clone().unwrap_or_else(|| if mediatype == "image" { "image".into() } else { "document.pdf".into() }),
    })
    .to_string();
    let encoded = base64::encoded_len(file.bytes.len(), true).unwrap_or(0);
    let mut body = Vec::with_capacity(head.len() + encoded + 16);
    // `{...}` minus its closing brace, then `,"media":"<base64>"}`.
    body.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    body.extend_from_slice(b",\"media\":\"");
    let start = body.len();
    body.resize(start + encoded, 0);
    let written = engine.encode_slice(&file.bytes, &mut body[start..]).unwrap_or(0);
    body.truncate(start + written);
    body.extend_from_slice(b"\"}");
    body
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;

    use super::answered;

    #[test]
    fn a_file_is_base64_inside_send_media_json() {
        let file = super::super::MediaFile {
            id: 1,
            bytes: axum::body::Bytes::from_static(b"\x89PNG\r\n\x1a\nabc"),
            content_type: "image/png",
            file_name: None,
            caption: "a \"quote\"".into(),
            link: String::new(),
        };
        let v: serde_json::Value = serde_json::from_slice(&super::media_body("972500000000", &file)).unwrap();
        assert_eq!(v["mediatype"], "image");
        assert_eq!(v["caption"], "a \"quote\"");
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD.decode(v["media"].as_str().unwrap()).unwrap();
        assert_eq!(bytes, b"\x89PNG\r\n\x1a\nabc");
    }

    #[test]
    fn only_answers_about_the_recipient_refuse_the_message() {
        let closed = r#"{"status":400,"error":"Bad Request","response":{"message":["Error: Connection Closed"]}}"#;
        let e = answered("sendText", StatusCode::BAD_REQUEST, closed);
        assert!(!e.recipient, "a closed connection is the bridge failing");
        assert_eq!(e.plain, "the bridge's WhatsApp connection is closed");
        let e =
            answered("sendText", StatusCode::INTERNAL_SERVER_ERROR, r#"{"response":{"message":"Connection Closed"}}"#);
        assert!(!e.recipient);
        let e = answered("sendText", StatusCode::INTERNAL_SERVER_ERROR, "oops");
        assert!(!e.recipient, "any 5xx");
        let e = answered("sendText", StatusCode::NOT_FOUND, r#"{"response":{"message":["instance does not exist"]}}"#);
        assert!(!e.recipient, "an unknown instance");
        let e = answered("sendText", StatusCode::BAD_REQUEST, r#"{"status":400,"error":"Bad Request"}"#);
        assert!(!e.recipient, "a 400 that names no recipient problem");
        let unknown = r#"{"status":400,"response":{"message":[{"jid":"972500000000@s.whatsapp.net","exists": false,"number":"972500000000"}]}}"#;
        let e = answered("sendText", StatusCode::BAD_REQUEST, unknown);
        assert!(e.recipient, "no WhatsApp account on the number");
        assert!(!e.plain.contains("400"), "no status code in the plain reason");
    }
}
