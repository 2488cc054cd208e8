//! What a conversation list needs: each lead's latest message in the list
//! and on the lead, and the business's canned replies (owners write them,
//! everyone of the business reads them, another business cannot see them).

use std::time::Duration;

use serde_json::{Value, json};

use crate::{
    fakes,
    helpers::*,
    providers::{self, baileys_event, post_baileys},
};

#[tokio::test]
async fn the_lead_list_carries_each_conversations_latest_message() {
    let (bridge, _rec) = fakes::evolution("bridge-secret").await;
    let (app, admin) = providers::app_with(&[("FRONTDESK_BAILEYS_URL", &bridge)]).await;
    let quiet = create_lead(&admin, "Quiet", "0521000201").await;
    let long = "שלום ".repeat(100);
    let ev = baileys_event("LM-1", "972521000202@s.whatsapp.net", None, false, &long);
    assert_eq!(post_baileys(&app, &ev, Some("bridge-secret")).await.status(), 200);
    let find = |items: Vec<Value>, phone: &str| items.into_iter().find(|l| l["phone_e164"] == phone).unwrap();
    let talker = eventually(Duration::from_secs(5), "the lead", || async {
        leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521000202")
    })
    .await;
    let m = &talker["last_message"];
    assert_eq!((m["direction"].as_str(), m["is_ai"].as_bool()), (Some("in"), Some(false)), "{talker}");
    assert_eq!(m["body"].as_str().unwrap().chars().count(), 200, "a preview of 200 characters");
    assert!(long.starts_with(m["body"].as_str().unwrap()));
    assert!(m["at"].as_str().unwrap().ends_with('Z'));
    assert!(find(leads(&admin).await, "+972521000201")["last_message"].is_null(), "no message yet: {quiet}");

    // We answer: the latest message is ours, with its delivery status; the lead itself says the same.
    let id = talker["id"].as_i64().unwrap();
    let (s, body) = admin.post(&format!("/api/leads/{id}/message/whatsapp"), &json!({"text": "נחזור אליך"})).await;
    assert_eq!(s, 200, "{body}");
    let m = find(leads(&admin).await, "+972521000202")["last_message"].clone();
    assert_eq!(
        (m["direction"].as_str(), m["body"].as_str(), m["status"].as_str()),
        (Some("out"), Some("נחזור אליך"), Some("sent"))
    );
    let (_, one) = admin.get_json(&format!("/api/leads/{id}")).await;
    assert_eq!(one["last_message"], m);
    // Searching finds it with the same shape.
    let (_, found) = admin.get_json("/api/leads?q=0521000202").await;
    assert_eq!(found["items"][0]["last_message"], m, "{found}");
}

#[tokio::test]
async fn canned_replies_are_the_businesss_own_and_owners_write_them() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create_business(&admin, "Other", "owner2@test.local", "+972031110000").await;
    add_user(&admin, "agent-c@test.local", "agent").await;
    let agent = app.login("agent-c@test.local", "user-password-1").await;
    let other = app.login("owner2@test.local", "owner-password-1").await;

    let (s, hours) = admin
        .post(
            "/api/canned-replies",
            &json!({"shortcut": "/hours", "body": "שלום {{first_name}}, אנחנו פתוחים {{next_open}}"}),
        )
        .await;
    assert_eq!(s, 201, "{hours}");
    assert_eq!(hours["shortcut"], "hours", "a leading / is dropped");
    let id = hours["id"].as_i64().unwrap();
    for (body, field) in [
        (json!({"shortcut": "two words", "body": "x"}), "shortcut"),
        (json!({"shortcut": "x".repeat(33), "body": "x"}), "shortcut"),
        (json!({"shortcut": "ok", "body": ""}), "body"),
        (json!({"shortcut": "ok", "body": "y".repeat(2001)}), "body"),
        (json!({"shortcut": "ok\u{7}", "body": "x"}), "shortcut"),
    ] {
        let (s, e) = admin.post("/api/canned-replies", &body).await;
        assert_eq!((s.as_u16(), e["field"].as_str()), (400, Some(field)), "{body}: {e}");
    }
    let (s, e) = admin.post("/api/canned-replies", &json!({"shortcut": "HOURS", "body": "dup"})).await;
    assert_eq!((s.as_u16(), assert_error(&e)), (409, "shortcut_taken"), "shortcuts are unique whatever the case");

    // Agents read, and may not write.
    let (s, list) = agent.get_json("/api/canned-replies").await;
    assert_eq!((s.as_u16(), list["items"].as_array().unwrap().len()), (200, 1), "{list}");
    let (s, _) = agent.post("/api/canned-replies", &json!({"shortcut": "mine", "body": "x"})).await;
    assert_eq!(s, 403);
    let (s, _) = agent.patch(&format!("/api/canned-replies/{id}"), &json!({"body": "x"})).await;
    assert_eq!(s, 403);

    // Another business sees none of it, and its owner cannot touch it.
    let (_, theirs) = other.get_json("/api/canned-replies").await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    let (s, _) = other.patch(&format!("/api/canned-replies/{id}"), &json!({"body": "taken over"})).await;
    assert_eq!(s, 404);
    let (s, _) = other.send_json(reqwest::Method::DELETE, &format!("/api/canned-replies/{id}"), None).await;
    assert_eq!(s, 404);
    let (s, mine) = other.post("/api/canned-replies", &json!({"shortcut": "hours", "body": "their own"})).await;
    assert_eq!(s, 201, "the same shortcut in another business: {mine}");

    // The owner edits and deletes.
    let (s, edited) = admin.patch(&format!("/api/canned-replies/{id}"), &json!({"body": "פתוחים עד 18:00"})).await;
    assert_eq!(
        (s.as_u16(), edited["body"].as_str(), edited["shortcut"].as_str()),
        (200, Some("פתוחים עד 18:00"), Some("hours"))
    );
    let (s, _) = admin.send_json(reqwest::Method::DELETE, &format!("/api/canned-replies/{id}"), None).await;
    assert_eq!(s, 204);
    let (s, _) = admin.send_json(reqwest::Method::DELETE, &format!("/api/canned-replies/{id}"), None).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_json_body_must_be_an_object_not_an_array_of_its_fields() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (s, reply) = admin.post("/api/canned-replies", &json!({"shortcut": "a", "body": "b"})).await;
    assert_eq!(s, 201);
    let id = reply["id"].as_i64().unwrap();
    for (method, path, body) in [
        (reqwest::Method::PATCH, format!("/api/canned-replies/{id}"), json!([null, null])),
        (reqwest::Method::POST, "/api/canned-replies".to_string(), json!(["x", "y"])),
        (reqwest::Method::POST, "/api/leads".to_string(), json!(["Dana", null, "0521000401"])),
    ] {
        let (s, e) = admin.send_json(method, &path, Some(&body)).await;
        assert_eq!((s.as_u16(), assert_error(&e)), (400, "invalid_input"), "{path}: {e}");
    }
}
