//! Webhooks in (Twilio voice, status and WhatsApp; the Baileys bridge) and
//! WhatsApp out (bridge first, Twilio as fallback), against local fakes over
//! loopback.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{fakes, helpers::*, providers::*};

fn wa(from: &str, sid: &str, body: &str, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("From", format!("whatsapp:{from}")),
        ("To", "whatsapp:+972501234567".into()),
        ("Body", body.into()),
        ("ProfileName", name.into()),
        ("MessageSid", sid.into()),
        ("NumMedia", "0".into()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn twilio_signatures_are_checked_over_the_public_url() {
    let (app, admin) = app_with(&[]).await;
    let p = wa("+972521111111", "SM1", "hi", "Dana");
    let params = refs(&p);
    let path = "/webhook/twilio/whatsapp";
    // Signed over the bind address (not what Twilio calls): refused.
    let res = post_twilio(&app, path, &params, Some(&app.url(path))).await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(assert_error(&body), "invalid_signature");
    // Missing.
    let res = post_twilio(&app, path, &params, None).await;
    assert_eq!(res.status(), 403);
    // Tampered: signed, then a parameter changed.
    let sig = twilio_signature(&format!("{PUBLIC}{path}"), &params);
    let mut tampered = p.clone();
    tampered[2].1 = "changed".into();
    let res = reqwest::Client::new()
        .post(app.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", sig)
        .body(form(&refs(&tampered)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(leads(&admin).await.is_empty(), "nothing was recorded from refused requests");
    // Valid, and valid with an explicit :443 as some Twilio setups sign.
    let (s, _) = signed(&app, path, &params).await;
    assert_eq!(s, 200);
    let p2 = wa("+972521111111", "SM2", "again", "Dana");
    let res = post_twilio(&app, path, &refs(&p2), Some(&format!("https://crm.example.com:443{path}"))).await;
    assert_eq!(res.status(), 200);
    // A query string is part of the signed URL.
    let p3 = wa("+972521111111", "SM3", "q", "Dana");
    let res = reqwest::Client::new()
        .post(app.url(&format!("{path}?x=1")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", twilio_signature(&format!("{PUBLIC}{path}?x=1"), &refs(&p3)))
        .body(form(&refs(&p3)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn without_an_auth_token_twilio_webhooks_answer_503_and_accept_nothing() {
    let app = Spawn::default().start().await;
    let p = wa("+972521111111", "SM1", "hi", "Dana");
    let res =
        post_twilio(&app, "/webhook/twilio/whatsapp", &refs(&p), Some("http://localhost:8080/webhook/twilio/whatsapp"))
            .await;
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(assert_error(&body), "provider_unavailable");
    assert!(body["hint"].as_str().unwrap().contains("FRONTDESK_TWILIO_AUTH_TOKEN"));
}

#[tokio::test]
async fn inbound_whatsapp_creates_the_lead_message_and_activity_and_names_fill_only_empty_names() {
    let (app, admin) = app_with(&[]).await;
    let (s, body) =
        signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972521111111", "SM1", "שלום", "Dana W"))).await;
    assert_eq!(s, 200, "{body}");
    let l = leads(&admin).await;
    assert_eq!(l.len(), 1);
    assert_eq!(l[0]["phone_e164"], "+972521111111");
    assert_eq!(l[0]["source"], "whatsapp");
    assert_eq!(l[0]["first_name"], "Dana W");
    let id = l[0]["id"].as_i64().unwrap();
    let acts = activities(&admin, id).await;
    assert_eq!(acts[0]["kind"], "message_in");
    assert_eq!(acts[0]["body"], "שלום");
    // A later ProfileName does not overwrite it.
    signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972521111111", "SM2", "again", "Someone Else"))).await;
    assert_eq!(leads(&admin).await[0]["first_name"], "Dana W");
    // A name typed by a person is never overwritten; an empty one is filled.
    let (_, typed) =
        admin.post("/api/leads", &json!({"first_name": "Typed", "phone_e164": "0522222222", "source": "form"})).await;
    signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972522222222", "SM3", "x", "Profile"))).await;
    let (_, l2) = admin.get_json(&format!("/api/leads/{}", typed["id"])).await;
    assert_eq!(l2["first_name"], "Typed");
    // Media is recorded (and fetched later from Twilio into the data file), served from our own URL.
    let mut media = wa("+972521111111", "SM4", "", "Dana W");
    media[5].1 = "1".into();
    media.push(("MediaUrl0", "https://api.twilio.com/media/ME1".into()));
    media.push(("MediaContentType0", "image/jpeg".into()));
    let (s, _) = signed(&app, "/webhook/twilio/whatsapp", &refs(&media)).await;
    assert_eq!(s, 200);
    let acts = activities(&admin, id).await;
    assert!(acts[0]["data"]["media"][0]["url"].as_str().unwrap().starts_with("/api/media/"), "{}", acts[0]);
    assert_eq!(acts[0]["data"]["media"][0]["content_type"], "image/jpeg");
    // A WhatsApp user id without a phone number.
    let (s, _) = signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("dana_w", "SM5", "hey", "Dana U"))).await;
    assert_eq!(s, 200);
    let l = leads(&admin).await;
    let user = l.iter().find(|x| x["whatsapp_id"] == "dana_w").expect("lead by WhatsApp user id");
    assert_eq!(user["phone_e164"], Value::Null);
    signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("dana_w", "SM6", "again", "Dana U"))).await;
    assert_eq!(leads(&admin).await.len(), l.len(), "found again by the WhatsApp user id");
}

#[tokio::test]
async fn concurrent_duplicate_deliveries_are_ingested_once() {
    let (app, admin) = app_with(&[]).await;
    let p = wa("+972523333333", "SMdup", "once", "Dup");
    let params = refs(&p);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let app_url = app.url("/webhook/twilio/whatsapp");
        let body = form(&params);
        let sig = twilio_signature(&format!("{PUBLIC}/webhook/twilio/whatsapp"), &params);
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(app_url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", sig)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let l = leads(&admin).await;
    assert_eq!(l.len(), 1);
    let acts = activities(&admin, l[0]["id"].as_i64().unwrap()).await;
    assert_eq!(acts.iter().filter(|a| a["kind"] == "message_in").count(), 1);
}

#[tokio::test]
async fn unknown_numbers_and_instances_are_404() {
    let (app, _admin) = app_with(&[]).await;
    let mut p = wa("+972521111111", "SM1", "hi", "x");
    p[1].1 = "whatsapp:+972509999999".into();
    let (s, body) = signed(&app, "/webhook/twilio/whatsapp", &refs(&p)).await;
    assert_eq!(s, 404, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"], "not_found");
    let res = reqwest::Client::new()
        .post(app.url("/webhook/baileys"))
        .json(&json!({"event": "messages.upsert", "instance": "nope", "apikey": "bridge-secret",
            "data": {"key": {"remoteJid": "972521111111@s.whatsapp.net", "fromMe": false, "id": "K1"}, "message": {"conversation": "x"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Voice to an unknown number: TwiML saying so.
    let (s, xml) =
        signed(&app, "/webhook/twilio/voice", &[("CallSid", "CA0"), ("From", "+972521111111"), ("To", "+97239999999")])
            .await;
    assert_eq!(s, 200);
    assert!(xml.contains("not in service") && xml.contains("<Hangup/>"), "{xml}");
}

#[tokio::test]
async fn voice_answers_a_stream_with_a_one_time_token_when_ai_is_on() {
    let (app, admin) = app_with(&[("FRONTDESK_OPENAI_API_KEY", "sk-test")]).await;
    let params = [("CallSid", "CA1"), ("From", "+972524444444"), ("To", "+972031234567"), ("CallStatus", "ringing")];
    let (s, xml) = signed(&app, "/webhook/twilio/voice", &params).await;
    assert_eq!(s, 200);
    assert!(xml.contains("<Connect><Stream url=\"wss://crm.example.com/ws/twilio/media\">"), "{xml}");
    let token = xml.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(token.len() >= 24);
    let l = leads(&admin).await;
    assert_eq!(l[0]["source"], "call");
    // A retried webhook answers the same token and records nothing new.
    let (_, again) = signed(&app, "/webhook/twilio/voice", &params).await;
    assert!(again.contains(token));
    let acts = activities(&admin, l[0]["id"].as_i64().unwrap()).await;
    assert_eq!(acts.iter().filter(|a| a["kind"] == "call").count(), 1);
    // Status callback closes the call.
    let (s, _) = signed(
        &app,
        "/webhook/twilio/status",
        &[("CallSid", "CA1"), ("CallStatus", "completed"), ("CallDuration", "42")],
    )
    .await;
    assert_eq!(s, 200);
    let acts = activities(&admin, l[0]["id"].as_i64().unwrap()).await;
    assert_eq!(acts[0]["data"]["duration_s"], 42);
}

#[tokio::test]
async fn without_an_ai_key_a_call_gets_a_polite_message_and_is_a_missed_call() {
    let (app, admin) = app_with(&[]).await;
    let (s, xml) = signed(
        &app,
        "/webhook/twilio/voice",
        &[("CallSid", "CA2"), ("From", "+972525555555"), ("To", "+972031234567")],
    )
    .await;
    assert_eq!(s, 200);
    assert!(xml.contains("<Say") && xml.contains("<Hangup/>") && !xml.contains("<Stream"), "{xml}");
    let l = leads(&admin).await;
    let acts = activities(&admin, l[0]["id"].as_i64().unwrap()).await;
    assert_eq!(acts[0]["kind"], "call");
    assert_eq!(acts[0]["data"]["status"], "missed");
}

#[tokio::test]
async fn the_baileys_webhook_is_authenticated_idempotent_and_handles_lid_and_from_me() {
    let (app, admin) = app_with(&[]).await;
    let ev = baileys_event("K1", "972526666666@s.whatsapp.net", None, false, "hello");
    assert_eq!(post_baileys(&app, &ev, None).await.status(), 403, "no secret");
    assert_eq!(post_baileys(&app, &ev, Some("wrong")).await.status(), 403);
    let mut with_key = ev.clone();
    with_key["apikey"] = json!("bridge-secret");
    assert_eq!(post_baileys(&app, &with_key, None).await.status(), 200);
    assert_eq!(post_baileys(&app, &ev, Some("bridge-secret")).await.status(), 200, "header form; same key.id");
    let l = leads(&admin).await;
    assert_eq!(l.len(), 1);
    assert_eq!(l[0]["phone_e164"], "+972526666666");
    assert_eq!(l[0]["first_name"], "Push Name");
    let id = l[0]["id"].as_i64().unwrap();
    assert_eq!(activities(&admin, id).await.iter().filter(|a| a["kind"] == "message_in").count(), 1);
    // @lid with the phone in remoteJidAlt.
    let lid = baileys_event("K2", "1234567890@lid", Some("972527777777@s.whatsapp.net"), false, "via lid");
    assert_eq!(post_baileys(&app, &lid, Some("bridge-secret")).await.status(), 200);
    assert!(leads(&admin).await.iter().any(|x| x["phone_e164"] == "+972527777777"));
    // fromMe: outbound on the existing lead, never a new lead.
    let mine = baileys_event("K3", "972526666666@s.whatsapp.net", None, true, "sent from the phone");
    assert_eq!(post_baileys(&app, &mine, Some("bridge-secret")).await.status(), 200);
    let acts = activities(&admin, id).await;
    assert_eq!(acts[1]["kind"], "message_out");
    // ... and a person answering from the phone pauses the AI on that lead.
    assert_eq!(acts[0]["kind"], "ai_paused");
    assert_eq!(acts[0]["body"], "replied from the phone");
    let stranger = baileys_event("K4", "972528888888@s.whatsapp.net", None, true, "to a stranger");
    post_baileys(&app, &stranger, Some("bridge-secret")).await;
    assert_eq!(leads(&admin).await.len(), 2);
    // Other events are accepted and ignored.
    let res = post_baileys(
        &app,
        &json!({"event": "connection.update", "instance": "biz1", "data": {}}),
        Some("bridge-secret"),
    )
    .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn sending_with_nothing_configured_is_503_naming_what_to_configure() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, lead) = admin.post("/api/leads", &json!({"first_name": "A", "phone_e164": "0521231234"})).await;
    let (s, body) = admin.post(&format!("/api/leads/{}/message/whatsapp", lead["id"]), &json!({"text": "hi"})).await;
    assert_eq!(s, 503);
    assert_eq!(assert_error(&body), "provider_unavailable");
    let hint = body["hint"].as_str().unwrap();
    assert!(hint.contains("FRONTDESK_BAILEYS_URL") && hint.contains("FRONTDESK_TWILIO_ACCOUNT_SID"), "{hint}");
}

#[tokio::test]
async fn outbound_whatsapp_prefers_a_connected_bridge_and_falls_back_to_twilio() {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (app, admin) = app_with(&[("FRONTDESK_BAILEYS_URL", &bridge), ("FRONTDESK_TWILIO_API_BASE", &twilio)]).await;
    let (_, lead) = admin.post("/api/leads", &json!({"first_name": "A", "phone_e164": "0521231234"})).await;
    let path = format!("/api/leads/{}/message/whatsapp", lead["id"]);
    let (s, body) = admin.post(&path, &json!({"text": "via bridge"})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["provider"], "baileys");
    assert_eq!(bridge_rec.last()["number"], "972521231234");
    assert_eq!(bridge_rec.last()["text"], "via bridge");
    assert_eq!(bridge_rec.last()["_instance"], "biz1");
    let acts = activities(&admin, lead["id"].as_i64().unwrap()).await;
    assert_eq!(acts[1]["kind"], "message_out");
    assert_eq!(acts[1]["data"]["provider"], "baileys");
    assert_eq!(acts[0]["kind"], "ai_paused", "a person wrote");
    // The customer writes back (so Twilio may send free text), then the
    // bridge's WhatsApp session drops: Twilio takes over.
    let ev = baileys_event("IN-fallback", "972521231234@s.whatsapp.net", None, false, "still there?");
    assert_eq!(post_baileys(&app, &ev, Some("bridge-secret")).await.status(), 200);
    *bridge_rec.state.lock().unwrap() = Some("close".into());
    // (health is cached briefly; a failing send also trips it)
    bridge_rec.fail(Some(500));
    let (s, body) = admin.post(&path, &json!({"text": "via twilio"})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["provider"], "twilio");
    let t = twilio_rec.last();
    assert_eq!(t["From"], "whatsapp:+972501234567");
    assert_eq!(t["To"], "whatsapp:+972521231234");
    assert_eq!(t["Body"], "via twilio");
    assert_eq!(t["_account"], "AC123");
    assert!(t["StatusCallback"].as_str().unwrap().starts_with("https://crm.example.com/webhook/twilio/status"));
    // Twilio reports delivery.
    let sid = body["provider_message_id"].as_str().unwrap().to_string();
    let (s, _) = signed(&app, "/webhook/twilio/status", &[("MessageSid", &sid), ("MessageStatus", "delivered")]).await;
    assert_eq!(s, 200);
    // Both failing: 503 with the reasons.
    twilio_rec.fail(Some(500));
    let (s, body) = admin.post(&path, &json!({"text": "nowhere"})).await;
    assert_eq!(s, 503, "{body}");
    assert!(body["message"].as_str().unwrap().contains("twilio"));
}

#[tokio::test]
async fn twilio_is_used_when_the_bridge_is_not_configured_and_the_bridge_when_twilio_is_not() {
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (app, admin) = app_with(&[("FRONTDESK_TWILIO_API_BASE", &twilio)]).await;
    // The customer wrote: Twilio may send free text within 24 hours.
    signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972521231235", "SMw1", "hello", "A"))).await;
    let lead = leads(&admin).await[0].clone();
    let (s, body) = admin.post(&format!("/api/leads/{}/message/whatsapp", lead["id"]), &json!({"text": "t"})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["provider"], "twilio");
    assert_eq!(twilio_rec.count(), 1);
    drop(app);

    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let app = Spawn::default()
        .env("FRONTDESK_BAILEYS_URL", &bridge)
        .env("FRONTDESK_BAILEYS_SECRET", "bridge-secret")
        .start()
        .await;
    let admin = app.admin().await;
    admin.patch("/api/admin/businesses/1", &json!({"whatsapp_instance": "biz1"})).await;
    let (_, lead) = admin.post("/api/leads", &json!({"first_name": "A", "phone_e164": "0521231236"})).await;
    let (s, body) = admin.post(&format!("/api/leads/{}/message/whatsapp", lead["id"]), &json!({"text": "b"})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["provider"], "baileys");
    assert_eq!(bridge_rec.count(), 1);
}

#[tokio::test]
async fn the_ai_reply_uses_the_prompt_saved_just_before() {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (chat, chat_rec) = fakes::chat().await;
    let (app, admin) = app_with(&[
        ("FRONTDESK_BAILEYS_URL", &bridge),
        ("FRONTDESK_OPENAI_BASE_URL", &chat),
        ("FRONTDESK_OPENAI_API_KEY", "sk-fake"),
        ("FRONTDESK_OPENAI_CHAT_MODEL", "fake-model"),
    ])
    .await;
    admin.put("/api/business/current/prompt", &json!({"calls_prompt": "calls", "whatsapp_prompt": "PROMPT ONE"})).await;
    let (s, _) =
        signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972529999999", "SMa1", "first question", "Q"))).await;
    assert_eq!(s, 200);
    let lead_id = leads(&admin).await[0]["id"].as_i64().unwrap();
    let acts = wait_for_kind(&admin, lead_id, "ai_reply", 1).await;
    let reply = acts.iter().find(|a| a["kind"] == "ai_reply").unwrap();
    assert_eq!(reply["body"], "AI reply text");
    assert_eq!(reply["data"]["provider"], "baileys");
    let req = chat_rec.last();
    assert_eq!(req["model"], "fake-model");
    assert_eq!(req["_auth"], "Bearer sk-fake");
    assert_eq!(req["messages"][0]["role"], "system");
    let system = req["messages"][0]["content"].as_str().unwrap();
    assert!(system.starts_with("PROMPT ONE\n\n## Context"), "{system}");
    assert_eq!(req["messages"].as_array().unwrap().last().unwrap()["content"], "first question");
    assert_eq!(bridge_rec.last()["text"], "AI reply text");

    admin.put("/api/business/current/prompt", &json!({"calls_prompt": "calls", "whatsapp_prompt": "PROMPT TWO"})).await;
    signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972529999999", "SMa2", "second question", "Q"))).await;
    wait_for_kind(&admin, lead_id, "ai_reply", 2).await;
    let req = chat_rec.last();
    assert!(req["messages"][0]["content"].as_str().unwrap().starts_with("PROMPT TWO"));
    let roles: Vec<&str> = req["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"], "history in order");

    // An outage is recorded on the lead, not lost.
    chat_rec.fail(Some(500));
    signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972529999999", "SMa3", "third", "Q"))).await;
    let acts = wait_for_kind(&admin, lead_id, "ai_error", 1).await;
    let err = acts.iter().find(|a| a["kind"] == "ai_error").unwrap();
    assert!(err["body"].as_str().unwrap().contains("500"), "{err}");
    // Auto-reply off: nothing is asked.
    let before = chat_rec.count();
    admin.patch("/api/business/current", &json!({"ai_auto_reply": false})).await;
    signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972529999999", "SMa4", "fourth", "Q"))).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(chat_rec.count(), before);
}

#[tokio::test]
async fn the_bridge_echoing_our_send_before_we_record_it_leaves_one_message_and_one_activity() {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (app, admin) = app_with(&[("FRONTDESK_BAILEYS_URL", &bridge)]).await;
    *bridge_rec.echo_to.lock().unwrap() = Some(app.base.clone());
    let (_, lead) = admin.post("/api/leads", &json!({"first_name": "E", "phone_e164": "0521231299"})).await;
    let lead_id = lead["id"].as_i64().unwrap();
    let (s, body) = admin.post(&format!("/api/leads/{lead_id}/message/whatsapp"), &json!({"text": "echoed"})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["provider"], "baileys");
    let outs: Vec<Value> =
        activities(&admin, lead_id).await.into_iter().filter(|a| a["kind"] == "message_out").collect();
    assert_eq!(outs.len(), 1, "{outs:?}");
    assert_eq!(outs[0]["body"], "echoed");
}

#[tokio::test]
async fn twilio_keeps_the_24_hour_window_sends_templates_and_reports_delivery() {
    let (twilio, twilio_rec) = fakes::twilio_rest().await;
    let (app, admin) = app_with(&[("FRONTDESK_TWILIO_API_BASE", &twilio)]).await;
    let (_, lead) = admin.post("/api/leads", &json!({"first_name": "Cold", "phone_e164": "0521231277"})).await;
    let path = format!("/api/leads/{}/message/whatsapp", lead["id"]);
    let (s, e) = admin.post(&path, &json!({"text": "hi"})).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (409, "whatsapp_window_closed"), "{e}");
    assert_eq!(twilio_rec.count(), 0);
    let (s, e) = admin.post(&path, &json!({"template": true})).await;
    assert_eq!((s.as_u16(), e["field"].as_str()), (400, Some("template")), "no template set: {e}");
    let sid = format!("HX{}", "0123456789abcdef".repeat(2));
    let (s, _) = admin.patch("/api/business/current", &json!({"twilio_template_sid": sid})).await;
    assert_eq!(s, 200);
    let (s, body) = admin.post(&path, &json!({"template": true, "variables": {"1": "Cold"}})).await;
    assert_eq!(s, 200, "{body}");
    let t = twilio_rec.last();
    assert_eq!(t["ContentSid"], sid.as_str());
    assert_eq!(serde_json::from_str::<Value>(t["ContentVariables"].as_str().unwrap()).unwrap(), json!({"1": "Cold"}));
    assert!(t.get("Body").is_none());
    let (s, _) = admin.post(&path, &json!({"template": true, "variables": {"1": 5}})).await;
    assert_eq!(s, 400);

    // Delivery reports move forward only; a failure carries Twilio's code to the timeline.
    let msg_sid = body["provider_message_id"].as_str().unwrap().to_string();
    for st in ["delivered", "sent"] {
        let (s, _) = signed(&app, "/webhook/twilio/status", &[("MessageSid", &msg_sid), ("MessageStatus", st)]).await;
        assert_eq!(s, 200);
    }
    let lead_id = lead["id"].as_i64().unwrap();
    let out = activities(&admin, lead_id).await.into_iter().find(|a| a["kind"] == "message_out").unwrap();
    assert_eq!(out["message_status"], "delivered", "{out}");
    let failed = [("MessageSid", msg_sid.as_str()), ("MessageStatus", "undelivered"), ("ErrorCode", "63016")];
    signed(&app, "/webhook/twilio/status", &failed).await;
    let out = activities(&admin, lead_id).await.into_iter().find(|a| a["kind"] == "message_out").unwrap();
    assert_eq!((out["message_status"].as_str(), out["message_error"].as_str()), (Some("failed"), Some("63016")));
    let (s, _) = signed(&app, "/webhook/twilio/status", &[("MessageSid", "SMnope"), ("MessageStatus", "sent")]).await;
    assert_eq!(s, 404);

    // A refusal about one recipient fails that message only; the next send goes out at once.
    signed(&app, "/webhook/twilio/whatsapp", &refs(&wa("+972521231278", "SMw9", "hi", "Warm"))).await;
    let warm = leads(&admin).await.into_iter().find(|l| l["first_name"] == "Warm").unwrap();
    let warm_path = format!("/api/leads/{}/message/whatsapp", warm["id"]);
    twilio_rec.fail(Some(400));
    let (s, e) = admin.post(&warm_path, &json!({"text": "to a bad number"})).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (422, "message_refused"), "{e}");
    twilio_rec.fail(None);
    let (s, body) = admin.post(&warm_path, &json!({"text": "again"})).await;
    assert_eq!(s, 200, "the breaker stayed closed: {body}");
}

#[tokio::test]
async fn the_bridge_reports_delivery_and_a_missed_call_texts_back_once() {
    let (bridge, bridge_rec) = fakes::evolution("bridge-secret").await;
    let (app, admin) = app_with(&[("FRONTDESK_BAILEYS_URL", &bridge)]).await;
    let (_, lead) = admin.post("/api/leads", &json!({"first_name": "B", "phone_e164": "0521231288"})).await;
    let lead_id = lead["id"].as_i64().unwrap();
    let (s, body) = admin.post(&format!("/api/leads/{lead_id}/message/whatsapp"), &json!({"text": "hello"})).await;
    assert_eq!(s, 200, "the bridge has no window: {body}");
    let key = body["provider_message_id"].as_str().unwrap();
    let ev = json!({"event": "messages.update", "instance": "biz1", "data": {"keyId": key, "status": "READ"}});
    assert_eq!(post_baileys(&app, &ev, Some("bridge-secret")).await.status(), 200);
    let out = activities(&admin, lead_id).await.into_iter().find(|a| a["kind"] == "message_out").unwrap();
    assert_eq!(out["message_status"], "read");
    let ev = json!({"event": "messages.update", "instance": "biz1", "data": {"keyId": "unknown", "status": 3}});
    assert_eq!(post_baileys(&app, &ev, Some("bridge-secret")).await.status(), 200);

    // No AI agent: a call is missed; the caller gets the business's text once a day.
    add_user(&admin, "owner@biz.test", "owner").await;
    admin.patch("/api/business/current", &json!({"missed_call_text": "Sorry we missed you, we'll call back"})).await;
    let before = bridge_rec.count();
    for sid in ["CAm1", "CAm2"] {
        let call = [("CallSid", sid), ("From", "+972521231299"), ("To", "+972031234567")];
        let (s, _) = signed(&app, "/webhook/twilio/voice", &call).await;
        assert_eq!(s, 200);
    }
    let caller = eventually(Duration::from_secs(5), "the text-back", || async {
        let l = leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521231299")?;
        let acts = activities(&admin, l["id"].as_i64().unwrap()).await;
        acts.iter().any(|a| a["kind"] == "message_out").then_some(l)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(bridge_rec.count(), before + 1, "once, though two calls were missed");
    assert_eq!(bridge_rec.last()["text"], "Sorry we missed you, we'll call back");
    let acts = activities(&admin, caller["id"].as_i64().unwrap()).await;
    let out = acts.iter().find(|a| a["kind"] == "message_out").unwrap();
    assert_eq!(out["data"]["automatic"], "missed_call_text");
    assert!(caller["ai_paused_until"].is_null(), "an automatic text is not a person taking over");
    let owner = login_over_http_as(&app, "owner@biz.test", "user-password-1").await;
    let (_, n) = owner.get_json("/api/notifications").await;
    assert!(n["items"].as_array().unwrap().iter().any(|x| x["kind"] == "missed_call"), "{n}");
}
