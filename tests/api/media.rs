//! WhatsApp files in: a Twilio image and a bridge voice note are fetched
//! after the webhook is answered, stored in the data file, served to the
//! business's users only, the voice note transcribed and answered by the AI;
//! a file over the limit keeps a note. And staff sending files: the size
//! and type checks.

use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::{fakes, helpers::*, providers::*};

/// A small JPEG-looking file (the magic bytes, then noise).
pub fn jpeg(len: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.extend((0..len.saturating_sub(4)).map(|i| (i * 31 % 251) as u8));
    v
}

/// A PNG-looking file of `len` bytes.
pub fn png(len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend((0..len.saturating_sub(8)).map(|i| (i * 7 % 253) as u8));
    v
}

/// A bridge voice note from `remote`, its file kept by the fake under `id`.
pub fn voice_note(id: &str, remote: &str) -> Value {
    json!({
        "event": "messages.upsert", "instance": "biz1", "apikey": BRIDGE_SECRET,
        "data": {
            "key": {"remoteJid": remote, "fromMe": false, "id": id},
            "pushName": "Voice Person",
            "message": {"audioMessage": {"mimetype": "audio/ogg; codecs=opus", "ptt": true, "seconds": 4,
                                         "fileLength": "5000", "url": "https://mmg.whatsapp.net/x"}},
            "messageTimestamp": 1795700000
        }
    })
}

/// The lead's inbound message timeline entry once its files are settled.
pub async fn settled_media(s: &Session, lead_id: i64) -> Value {
    eventually(Duration::from_secs(15), "the message's file to be fetched", || async {
        let acts = activities(s, lead_id).await;
        let m = acts.iter().find(|a| a["kind"] == "message_in")?.clone();
        let f = m["data"]["media"].get(0)?.clone();
        (f["status"] != "pending" && f["status"] != "claimed").then_some(f)
    })
    .await
}

fn twilio_image(media_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("From", "whatsapp:+972521112222".into()),
        ("To", "whatsapp:+972501234567".into()),
        ("Body", "look at this".into()),
        ("ProfileName", "Image Person".into()),
        ("MessageSid", "MMimage1".into()),
        ("NumMedia", "1".into()),
        ("MediaUrl0", media_url.into()),
        ("MediaContentType0", "image/jpeg".into()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn a_twilio_image_and_a_bridge_voice_note_are_stored_served_heard_and_answered() {
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (chat, chat_rec) = fakes::chat().await;
    let (app, admin) = app_with(&[
        ("FRONTDESK_TWILIO_API_BASE", &twilio),
        ("FRONTDESK_BAILEYS_URL", &bridge),
        ("FRONTDESK_OPENAI_BASE_URL", &chat),
        ("FRONTDESK_OPENAI_API_KEY", "sk-fake"),
    ])
    .await;
    admin.put("/api/business/current/prompt", &json!({"calls_prompt": "calls", "whatsapp_prompt": "Be brief."})).await;
    let image = jpeg(300_000);
    twilio_rec.files.lock().unwrap().insert("img1".into(), (image.clone(), "image/jpeg".into()));

    // Twilio: the image is fetched with the account's credentials after the 2xx.
    let params = twilio_image(&format!("{twilio}/media/img1"));
    let (s, body) = signed(&app, "/webhook/twilio/whatsapp", &refs(&params)).await;
    assert_eq!(s, 200, "{body}");
    let lead = leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521112222").unwrap();
    let lead_id = lead["id"].as_i64().unwrap();
    let file = settled_media(&admin, lead_id).await;
    assert_eq!(file["status"], "stored", "{file}");
    assert_eq!(file["kind"], "image");
    assert_eq!(file["size"], image.len());
    let fetch = twilio_rec.requests.lock().unwrap().iter().find(|r| r["_media"] == "img1").cloned().unwrap();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("AC123:{TOKEN}"));
    assert_eq!(fetch["_auth"], format!("Basic {basic}"));
    let url = file["url"].as_str().unwrap();
    let res = admin.get(url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["content-security-policy"], "sandbox");
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("private"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), image, "bytes equal");
    // The AI read the image as [image] and its caption.
    let asked = eventually(Duration::from_secs(10), "the AI to be asked about the image", || async {
        let reqs = chat_rec.requests.lock().unwrap().clone();
        reqs.into_iter().find(|r| r["messages"].is_array())
    })
    .await;
    let last = asked["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["content"], "[image] look at this");

    // The bridge: a voice note, fetched as base64, transcribed, and answered like a text.
    let voice: Vec<u8> = (0..5000).map(|i| (i % 256) as u8).collect();
    bridge_rec.files.lock().unwrap().insert("VOICE1".into(), (voice.clone(), "audio/ogg; codecs=opus".into()));
    let res = post_baileys(&app, &voice_note("VOICE1", "972523334444@s.whatsapp.net"), None).await;
    assert_eq!(res.status(), 200);
    let lead = leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972523334444").unwrap();
    let voice_lead = lead["id"].as_i64().unwrap();
    let file = settled_media(&admin, voice_lead).await;
    assert_eq!(file["status"], "stored", "{file}");
    assert_eq!(file["kind"], "audio");
    let acts = wait_for_kind(&admin, voice_lead, "ai_reply", 1).await;
    let file = acts.iter().find(|a| a["kind"] == "message_in").unwrap()["data"]["media"][0].clone();
    assert_eq!(file["transcript"], "I want to book a haircut tomorrow");
    let res = admin.get(file["url"].as_str().unwrap()).await;
    assert_eq!(res.headers()["content-type"], "audio/ogg; codecs=opus");
    assert_eq!(res.bytes().await.unwrap().to_vec(), voice, "bytes equal");
    let reqs = chat_rec.requests.lock().unwrap().clone();
    let heard = reqs.iter().find(|r| r["_transcription"] == true).unwrap();
    assert_eq!(heard["model"], "gpt-4o-mini-transcribe");
    assert_eq!(heard["language"], "he");
    assert_eq!(heard["has_file"], true);
    assert!(heard["content_type"].as_str().unwrap().starts_with("multipart/form-data; boundary="));
    let answered = reqs.iter().rev().find(|r| r["messages"].is_array()).unwrap();
    let last = answered["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["role"], "user");
    assert_eq!(last["content"], "[voice note] I want to book a haircut tomorrow");
    // The reply went out through the bridge.
    assert!(bridge_rec.requests.lock().unwrap().iter().any(|r| r["text"] == "AI reply text"));

    // Another business's owner: 404, as for a file that does not exist.
    create_business(&admin, "Other", "other@test.local", "+972039998877").await;
    let other = login_over_http_as(&app, "other@test.local", "owner-password-1").await;
    let (s, body) = other.get_json(url).await;
    assert_eq!(s, 404, "{body}");
    assert_eq!(other.get("/api/media/999999").await.status(), 404);
    // Signed out: 401.
    assert_eq!(reqwest::get(app.url(url)).await.unwrap().status(), 401);
}

#[tokio::test]
async fn a_file_over_the_limit_keeps_a_note_and_a_missing_one_is_retried_then_noted() {
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (app, admin) = app_with(&[("FRONTDESK_TWILIO_API_BASE", &twilio), ("FRONTDESK_MEDIA_MAX_MB", "1")]).await;
    twilio_rec.files.lock().unwrap().insert("big".into(), (jpeg(1024 * 1024 + 10), "image/jpeg".into()));
    let params = twilio_image(&format!("{twilio}/media/big"));
    let (s, _) = signed(&app, "/webhook/twilio/whatsapp", &refs(&params)).await;
    assert_eq!(s, 200);
    let lead_id = leads(&admin).await[0]["id"].as_i64().unwrap();
    let file = settled_media(&admin, lead_id).await;
    assert_eq!(file["status"], "too_large", "{file}");
    assert_eq!(admin.get(file["url"].as_str().unwrap()).await.status(), 404, "nothing kept");
    // The text of the message is still there, and the webhook was answered once.
    let acts = activities(&admin, lead_id).await;
    assert_eq!(acts.iter().find(|a| a["kind"] == "message_in").unwrap()["body"], "look at this");
}

#[tokio::test]
async fn staff_files_are_checked_for_size_and_type() {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (app, admin) = app_with(&[("FRONTDESK_BAILEYS_URL", &bridge), ("FRONTDESK_MEDIA_MAX_MB", "1")]).await;
    let lead = create_lead(&admin, "Dana", "0521231234").await;
    let path = format!("/api/leads/{}/message/whatsapp", lead["id"]);
    let (s, body) = send_file(&admin, &path, &png(1024 * 1024 + 1), "big.png", "too big").await;
    assert_eq!(s, 413, "{body}");
    assert_eq!(assert_error(&body), "payload_too_large");
    let (s, body) = send_file(&admin, &path, b"<html><script>alert(1)</script>", "x.png", "").await;
    assert_eq!(s, 415, "{body}");
    assert_eq!(assert_error(&body), "unsupported_media_type");
    assert_eq!(bridge_rec.count(), 0, "nothing was sent");
    // The JSON form is unchanged.
    let (s, body) = admin.post(&path, &json!({"text": "plain text"})).await;
    assert_eq!(s, 200, "{body}");
    drop(app);
}

/// POSTs a multipart upload (`file` and `caption`) with the CSRF header.
pub async fn send_file(
    s: &Session,
    path: &str,
    bytes: &[u8],
    name: &str,
    caption: &str,
) -> (reqwest::StatusCode, Value) {
    let boundary = "----frontdesk-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n{caption}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = s
        .http
        .post(s.url(path))
        .header("X-CSRFToken", s.csrf.clone().unwrap_or_default())
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}
