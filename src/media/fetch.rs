//! Downloading an inbound file from its provider, never holding more than
//! the size limit: Twilio's media URL (with the account's credentials), or
//! the bridge's `POST /chat/getBase64FromMediaMessage/{instance}`, whose
//! base64 answer is decoded into one buffer.

use std::{borrow::Cow, time::Duration};

use base64::Engine;
use serde_json::{Value, json};

use crate::context::Context;

/// Large files on a slow link take longer than an API call.
const TIMEOUT: Duration = Duration::from_secs(120);

pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
}

#[derive(Debug)]
pub enum FetchError {
    /// Over the limit (its size when known): kept as a note, never fetched again.
    TooLarge(Option<i64>),
    /// Could not fetch; `permanent` when trying again cannot help.
    Failed { reason: String, permanent: bool },
}

fn failed(reason: impl Into<String>, permanent: bool) -> FetchError {
    FetchError::Failed { reason: reason.into(), permanent }
}

/// Reads an answer's body, stopping as soon as it passes `max` bytes.
async fn read_bounded(mut res: reqwest::Response, max: usize) -> Result<Vec<u8>, FetchError> {
    let declared = res.content_length();
    if let Some(len) = declared.filter(|l| *l > max as u64) {
        return Err(FetchError::TooLarge(i64::try_from(len).ok()));
    }
    let mut buf = Vec::with_capacity(declared.map_or(64 * 1024, |l| l as usize).min(max));
    while let Some(chunk) = res.chunk().await.map_err(|e| failed(format!("download cut off: {e}"), false))? {
        if buf.len() + chunk.len() > max {
            return Err(FetchError::TooLarge(None));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// An error answer: client errors (but throttling and timeouts) will not get better.
fn answered(who: &str, status: reqwest::StatusCode) -> FetchError {
    let permanent = status.is_client_error() && !matches!(status.as_u16(), 408 | 429);
    failed(format!("{who} answered {status}"), permanent)
}

/// A Twilio media URL, fetched with the account's credentials (Basic auth).
pub async fn twilio(ctx: &Context, url: &str, max: usize) -> Result<Fetched, FetchError> {
    let s = &ctx.config.settings;
    let mut req = ctx.http.get(url).timeout(TIMEOUT);
    if let (Some(sid), Some(token)) = (&s.twilio_account_sid, &s.twilio_auth_token) {
        req = req.basic_auth(sid, Some(token));
    }
    let res = req.send().await.map_err(|e| failed(format!("Twilio media: {e}"), false))?;
    if !res.status().is_success() {
        return Err(answered("Twilio media", res.status()));
    }
    let content_type =
        res.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    Ok(Fetched { bytes: read_bounded(res, max).await?, content_type })
}

/// The bridge's answer: the file as base64 (sometimes a `data:` URL) and its type.
#[derive(serde::Deserialize)]
struct Base64Answer<'a> {
    #[serde(borrow)]
    base64: Cow<'a, str>,
    mimetype: Option<String>,
}

/// A bridge message's file. `message` is the webhook's `{key, message}`.
pub async fn bridge(ctx: &Context, instance: &str, message: &Value, max: usize) -> Result<Fetched, FetchError> {
    let s = &ctx.config.settings;
    let (Some(base), Some(apikey)) = (&s.baileys_url, &s.baileys_secret) else {
        return Err(failed("the bridge is not configured", false));
    };
    let url = format!("{}/chat/getBase64FromMediaMessage/{instance}", base.as_str().trim_end_matches('/'));
    let res = ctx
        .http
        .post(url)
        .timeout(TIMEOUT)
        .header("apikey", apikey)
        .json(&json!({"message": message, "convertToMp4": false}))
        .send()
        .await
        .map_err(|e| failed(format!("the bridge: {e}"), false))?;
    if !res.status().is_success() {
        return Err(answered("the bridge", res.status()));
    }
    // base64 is 4/3 of the file, plus the answer's other fields.
    let raw = read_bounded(res, max / 3 * 4 + 64 * 1024).await?;
    let answer: Base64Answer =
        serde_json::from_slice(&raw).map_err(|e| failed(format!("the bridge's answer is unreadable: {e}"), true))?;
    let text = answer.base64.as_ref();
    let text = if text.starts_with("data:") { text.split_once(',').map_or("", |(_, b)| b) } else { text };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| failed(format!("the bridge's base64 is invalid: {e}"), true))?;
    if bytes.len() > max {
        return Err(FetchError::TooLarge(i64::try_from(bytes.len()).ok()));
    }
    Ok(Fetched { bytes, content_type: answer.mimetype })
}

/// The size a bridge message declares for its file (`fileLength`, a number or a string).
pub fn declared_size(message: &Value) -> Option<i64> {
    let inner = message.as_object()?.values().find(|v| v.get("fileLength").is_some())?;
    match &inner["fileLength"] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        Value::Object(o) => o.get("low").and_then(Value::as_i64),
        _ => None,
    }
}
