//! Managing a business's WhatsApp link on the bridge (Evolution API):
//! creating its instance, asking its state, and the QR or pairing code
//! that links a phone to it.

use serde_json::{Value, json};

use crate::context::Context;

/// A plain reason for the person in Settings; the detail goes to the log.
pub type BridgeResult<T> = Result<T, String>;

fn base_and_key(ctx: &Context) -> BridgeResult<(String, String)> {
    let s = &ctx.config.settings;
    match (&s.baileys_url, &s.baileys_secret) {
        (Some(u), Some(k)) => Ok((u.as_str().trim_end_matches('/').to_string(), k.clone())),
        _ => Err("the WhatsApp bridge is not configured (FRONTDESK_BAILEYS_URL and FRONTDESK_BAILEYS_SECRET)".into()),
    }
}

async fn call(req: reqwest::RequestBuilder, what: &str) -> BridgeResult<Value> {
    let res = req.send().await.map_err(|e| {
        tracing::warn!(error = %e, what, "the bridge could not be reached");
        "the WhatsApp bridge could not be reached".to_string()
    })?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        tracing::warn!(%status, answer = %body.to_string().chars().take(300).collect::<String>(), what, "the bridge refused");
        return Err(format!("the WhatsApp bridge answered {} to {what}", status.as_u16()));
    }
    Ok(body)
}

/// `open`, `connecting` or `close`, as the bridge sees the instance now.
pub async fn state(ctx: &Context, instance: &str) -> BridgeResult<String> {
    let (base, key) = base_and_key(ctx)?;
    let req = ctx.http.get(format!("{base}/instance/connectionState/{instance}")).header("apikey", key);
    let body = call(req, "connectionState").await?;
    Ok(normal_state(body["instance"]["state"].as_str().or(body["state"].as_str()).unwrap_or("close")).to_string())
}

/// Evolution's states, as the three the UI knows.
pub fn normal_state(s: &str) -> &'static str {
    match s {
        "open" => "open",
        "connecting" => "connecting",
        _ => "close",
    }
}

/// The QR code (a data: URL) and pairing code of an instance that is not
/// open; with `number` (digits, no +) the bridge makes a pairing code for it.
pub struct Codes {
    pub qr: Option<String>,
    pub pairing_code: Option<String>,
}

pub async fn connect(ctx: &Context, instance: &str, number: Option<&str>) -> BridgeResult<Codes> {
    let (base, key) = base_and_key(ctx)?;
    // The number is digits only (checked by the caller): nothing to escape.
    let query = number.map(|n| format!("?number={n}")).unwrap_or_default();
    let req = ctx.http.get(format!("{base}/instance/connect/{instance}{query}")).header("apikey", key);
    let body = call(req, "connect").await?;
    Ok(codes_of(&body))
}

/// The codes in a `connect` answer or a `qrcode.updated` event's `qrcode`.
pub fn codes_of(v: &Value) -> Codes {
    let qr = v["base64"].as_str().filter(|s| s.starts_with("data:image/")).map(str::to_string);
    let pairing_code = v["pairingCode"].as_str().filter(|s| !s.is_empty()).map(str::to_string);
    Codes { qr, pairing_code }
}

/// Creates the instance on the bridge, its webhook pointed at us.
pub async fn create(ctx: &Context, instance: &str) -> BridgeResult<Codes> {
    let (base, key) = base_and_key(ctx)?;
    let webhook = format!("{}/webhook/baileys", ctx.config.public_base);
    let body = json!({
        "instanceName": instance,
        "integration": "WHATSAPP-BAILEYS",
        "qrcode": true,
        "webhook": {
            "url": webhook,
            "byEvents": false,
            "base64": false,
            "headers": {"X-Webhook-Secret": key},
            "events": ["MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED"]
        }
    });
    let req = ctx.http.post(format!("{base}/instance/create")).header("apikey", &key).json(&body);
    let answer = call(req, "instance/create").await?;
    Ok(codes_of(&answer["qrcode"]))
}
