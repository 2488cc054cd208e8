//! Reminders: validation, firing once, crash recovery, webhook retries,
//! notifications and live events.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{Value, json};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::helpers::*;

fn in_secs(s: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::milliseconds(s * 1000)).format(&Rfc3339).unwrap()
}

async fn fired_count(s: &Session, lead_id: i64) -> usize {
    let (_, acts) = s.get_json(&format!("/api/leads/{lead_id}/activities")).await;
    acts["items"].as_array().unwrap().iter().filter(|a| a["kind"] == "reminder_fired").count()
}

#[tokio::test]
async fn reminders_validate_their_time_and_assignee() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let lead = create_lead(&admin, "A", "0521111111").await;
    let path = format!("/api/leads/{}/reminders", lead["id"]);
    let (s, body) = admin.post(&path, &json!({"due_at": in_secs(-60), "note": "late"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "due_at");
    assert!(body["message"].as_str().unwrap().contains("past"));
    let (s, body) = admin.post(&path, &json!({"due_at": "tomorrow", "note": "x"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "due_at");
    let (s, body) = admin.post(&path, &json!({"due_at": in_secs(3600), "note": "x", "assignee_user_id": 999})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "assignee_user_id");
    let (s, r) = admin.post(&path, &json!({"due_at": "2099-01-01T10:00:00+02:00", "note": "call back"})).await;
    assert_eq!(s, 201);
    assert_eq!(r["due_at"], "2099-01-01T08:00:00.000Z", "stored and answered in UTC");
    assert_eq!(r["assignee_user_id"], 1, "defaults to the creator");
    assert_eq!(r["status"], "pending");
    let id = r["id"].as_i64().unwrap();
    let (s, r2) = admin.patch(&format!("/api/reminders/{id}"), &json!({"due_at": "2099-01-02T10:00:00Z"})).await;
    assert_eq!(s, 200);
    assert_eq!(r2["due_at"], "2099-01-02T10:00:00.000Z");
    let (_, mine) = admin.get_json("/api/reminders?status=pending").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let (s, _) = admin.delete(&format!("/api/reminders/{id}")).await;
    assert_eq!(s, 204);
    let (_, list) = admin.get_json(&path).await;
    assert_eq!(list["items"][0]["status"], "cancelled");
    let (s, body) = admin.patch(&format!("/api/reminders/{id}"), &json!({"due_at": in_secs(60)})).await;
    assert_eq!(s, 409, "{body}");
    // Another business cannot see or touch it.
    create_business(&admin, "Other", "o@o.io", "+972503333333").await;
    let other = app.login("o@o.io", "owner-password-1").await;
    assert_eq!(other.get_json(&path).await.0, 404);
    assert_eq!(other.delete(&format!("/api/reminders/{id}")).await.0, 404);
    assert_eq!(other.patch(&format!("/api/reminders/{id}"), &json!({"note": "x"})).await.0, 404);
}

#[tokio::test]
async fn a_reminder_fires_once_with_a_notification_and_an_activity() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let lead = create_lead(&admin, "A", "0521111112").await;
    let lead_id = lead["id"].as_i64().unwrap();
    let due = OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let (s, r) = admin
        .post(
            &format!("/api/leads/{lead_id}/reminders"),
            &json!({"due_at": due.format(&Rfc3339).unwrap(), "note": "call Dan"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert!(wait_until(Duration::from_secs(6), || async { fired_count(&admin, lead_id).await == 1 }).await);
    let lag = OffsetDateTime::now_utc() - due;
    assert!(lag < time::Duration::milliseconds(1500), "fired {lag} after its due time");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(fired_count(&admin, lead_id).await, 1, "fires exactly once");
    let (_, n) = admin.get_json("/api/notifications").await;
    assert_eq!(n["unread"], 1);
    let note = &n["items"][0];
    assert_eq!(note["kind"], "reminder");
    assert_eq!(note["body"], "call Dan");
    assert_eq!(note["lead_id"], lead_id);
    let (_, list) = admin.get_json(&format!("/api/leads/{lead_id}/reminders")).await;
    assert_eq!(list["items"][0]["status"], "fired");
    let (s, _) = admin.post_empty(&format!("/api/notifications/{}/read", note["id"])).await;
    assert_eq!(s, 204);
    assert_eq!(admin.get_json("/api/notifications").await.1["unread"], 0);
}

#[tokio::test]
async fn a_reminder_due_while_the_process_was_down_fires_once_after_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fd.db");
    let mut app = Spawn::default().data_file(data.clone()).start().await;
    let admin = app.admin().await;
    let lead = create_lead(&admin, "A", "0521111113").await;
    let lead_id = lead["id"].as_i64().unwrap();
    let (s, _) =
        admin.post(&format!("/api/leads/{lead_id}/reminders"), &json!({"due_at": in_secs(2), "note": "x"})).await;
    assert_eq!(s, 201);
    // kill -9: no shutdown, no checkpoint.
    app.child.kill().unwrap();
    app.child.wait().unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let app = Spawn::default().data_file(data).start().await;
    let admin = app.admin().await;
    assert!(wait_until(Duration::from_secs(3), || async { fired_count(&admin, lead_id).await == 1 }).await);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(fired_count(&admin, lead_id).await, 1);
    assert_eq!(admin.get_json("/api/notifications").await.1["total"], 1);
}

/// (signature header, body) of each delivery received.
type Deliveries = Arc<Mutex<Vec<(String, String)>>>;

/// A tiny webhook receiver: answers 500 to the first `fail_first` requests, then 200.
fn webhook_server(fail_first: usize) -> (String, Deliveries) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut sig = String::new();
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let l = line.trim_end().to_string();
                if l.is_empty() {
                    break;
                }
                let lower = l.to_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
                if lower.starts_with("x-frontdesk-signature:") {
                    sig = l.split_once(':').unwrap().1.trim().to_string();
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            seen2.lock().unwrap().push((sig, String::from_utf8(body).unwrap()));
            let status = if n < fail_first { "500 Internal Server Error" } else { "200 OK" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

fn hmac_hex(secret: &str, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn the_webhook_is_signed_and_retried_until_it_succeeds() {
    let (url, seen) = webhook_server(1);
    let app = Spawn::default()
        .env("FRONTDESK_REMINDER_WEBHOOK_URL", &url)
        .env("FRONTDESK_REMINDER_WEBHOOK_SECRET", "hook-secret")
        .start()
        .await;
    let admin = app.admin().await;
    let lead = create_lead(&admin, "A", "0521111114").await;
    let lead_id = lead["id"].as_i64().unwrap();
    let (_, r) =
        admin.post(&format!("/api/leads/{lead_id}/reminders"), &json!({"due_at": in_secs(1), "note": "hook"})).await;
    let rid = r["id"].as_i64().unwrap();
    let path = format!("/api/leads/{lead_id}/reminders");
    assert!(
        wait_until(Duration::from_secs(10), || async {
            admin.get_json(&path).await.1["items"][0]["status"] == "fired"
        })
        .await,
        "not delivered after a retry"
    );
    let calls = seen.lock().unwrap().clone();
    assert_eq!(calls.len(), 2, "one failure, one success");
    for (sig, body) in &calls {
        assert_eq!(sig, &format!("sha256={}", hmac_hex("hook-secret", body)));
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["event"], "reminder.fired");
        assert_eq!(v["reminder"]["id"], rid);
        assert_eq!(v["lead"]["id"], lead_id);
    }
    let (_, list) = admin.get_json(&path).await;
    assert_eq!(list["items"][0]["attempts"], 2);
    assert_eq!(fired_count(&admin, lead_id).await, 1, "a retried webhook does not notify twice");
    assert_eq!(admin.get_json("/api/notifications").await.1["total"], 1);
}

#[tokio::test]
async fn a_webhook_that_keeps_failing_ends_as_failed_with_the_last_error() {
    let (url, seen) = webhook_server(usize::MAX);
    let app = Spawn::default().env("FRONTDESK_REMINDER_WEBHOOK_URL", &url).start().await;
    let admin = app.admin().await;
    let lead = create_lead(&admin, "A", "0521111115").await;
    let path = format!("/api/leads/{}/reminders", lead["id"]);
    admin.post(&path, &json!({"due_at": in_secs(1), "note": "x"})).await;
    // 5 attempts with 2+4+8+16 s of backoff.
    assert!(
        wait_until(Duration::from_secs(40), || async {
            admin.get_json(&path).await.1["items"][0]["status"] == "failed"
        })
        .await
    );
    let (_, list) = admin.get_json(&path).await;
    assert_eq!(list["items"][0]["attempts"], 5);
    assert!(list["items"][0]["last_error"].as_str().unwrap().contains("500"));
    assert_eq!(seen.lock().unwrap().len(), 5);
    assert_eq!(fired_count(&admin, lead["id"].as_i64().unwrap()).await, 1, "the person was still notified once");
}
