//! The providers' side of the wire, for tests that play Twilio or the
//! Baileys bridge: Twilio request signatures (computed here exactly as
//! Twilio documents them, independently of the server's code), signed form
//! webhooks, Evolution API events, and a server configured for both.

use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// The Twilio auth token the test servers are started with.
pub const TOKEN: &str = "twilio-auth-token";
/// The public URL the test servers believe they are reached at (Twilio signs over it).
pub const PUBLIC: &str = "https://crm.example.com";
/// The bridge's `apikey`.
pub const BRIDGE_SECRET: &str = "bridge-secret";

/// base64(HMAC-SHA1(token, URL + each parameter's name and value, sorted by name)).
pub fn twilio_signature(url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_string();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(TOKEN.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// An `application/x-www-form-urlencoded` body.
pub fn form(params: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        s.append_pair(k, v);
    }
    s.finish()
}

/// POSTs a Twilio webhook, signed over `signed_url` when given.
pub async fn post_twilio(
    app: &TestApp,
    path: &str,
    params: &[(&str, &str)],
    signed_url: Option<&str>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(app.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(params));
    if let Some(u) = signed_url {
        req = req.header("X-Twilio-Signature", twilio_signature(u, params));
    }
    req.send().await.unwrap()
}

/// POSTs a Twilio webhook signed over the public URL, as Twilio would; the status and body text.
pub async fn signed(app: &TestApp, path: &str, params: &[(&str, &str)]) -> (StatusCode, String) {
    let res = post_twilio(app, path, params, Some(&format!("{PUBLIC}{path}"))).await;
    let s = res.status();
    (s, res.text().await.unwrap())
}

/// An app with Twilio and the bridge configured, its public URL behind a
/// proxy, and business #1 given numbers (`+972031234567` for calls,
/// `+972501234567` for WhatsApp) and the bridge instance `biz1`.
pub async fn app_with(extra: &[(&str, &str)]) -> (TestApp, Session) {
    let mut spawn = Spawn::default()
        .env("FRONTDESK_PUBLIC_URL", PUBLIC)
        .env("FRONTDESK_TWILIO_AUTH_TOKEN", TOKEN)
        .env("FRONTDESK_TWILIO_ACCOUNT_SID", "AC123")
        .env("FRONTDESK_BAILEYS_SECRET", BRIDGE_SECRET)
        // Never the real Twilio: a test that needs REST passes its fake's URL.
        .env("FRONTDESK_TWILIO_API_BASE", "http://127.0.0.1:9");
    for (k, v) in extra {
        spawn = spawn.env(k, v);
    }
    let app = spawn.start().await;
    // Secure cookies are not sent back over http by a cookie jar; talk with an explicit header instead.
    let admin = login_over_http(&app).await;
    let (s, body) = admin
        .patch(
            "/api/admin/businesses/1",
            &json!({"phone_e164": "+972031234567", "whatsapp_e164": "+972501234567", "whatsapp_instance": "biz1"}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    (app, admin)
}

/// Logs in on an https-configured server reached over http: keeps cookies by hand.
async fn login_over_http(app: &TestApp) -> Session {
    login_over_http_as(app, ADMIN_EMAIL, ADMIN_PASSWORD).await
}

/// Signs in as anyone over plain http (see [`app_with`]).
pub async fn login_over_http_as(app: &TestApp, email: &str, password: &str) -> Session {
    let client = reqwest::Client::new();
    let res = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie: Vec<String> = set_cookies(&res).iter().map(|c| c.split(';').next().unwrap().to_string()).collect();
    let body: Value = res.json().await.unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.join("; ").parse().unwrap());
    Session {
        http: reqwest::Client::builder().default_headers(headers).build().unwrap(),
        base: app.base.clone(),
        csrf: Some(body["csrfToken"].as_str().unwrap().to_string()),
    }
}

/// A `messages.upsert` event of the Evolution API for instance `biz1`.
pub fn baileys_event(id: &str, remote: &str, alt: Option<&str>, from_me: bool, text: &str) -> Value {
    json!({
        "event": "messages.upsert", "instance": "biz1",
        "data": {
            "key": {"remoteJid": remote, "remoteJidAlt": alt, "fromMe": from_me, "id": id},
            "pushName": "Push Name", "message": {"extendedTextMessage": {"text": text}}, "messageTimestamp": 1795700000
        }
    })
}

/// POSTs a bridge event, with the secret as `X-Webhook-Secret` when given.
pub async fn post_baileys(app: &TestApp, body: &Value, header: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().post(app.url("/webhook/baileys")).json(body);
    if let Some(h) = header {
        req = req.header("X-Webhook-Secret", h);
    }
    req.send().await.unwrap()
}
