//! `/metrics` on its own listener: the series exist, carry route templates
//! (never raw ids), and move with traffic; the main port does not serve it.

use serde_json::json;

use crate::helpers::*;

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The value of the first sample line starting with `prefix` (name and labels).
fn sample(text: &str, prefix: &str) -> Option<f64> {
    text.lines().find(|l| l.starts_with(prefix)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
}

async fn scrape(url: &str) -> String {
    let res = reqwest::get(url).await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test]
async fn metrics_are_served_on_their_own_port_with_route_templates() {
    let port = free_port();
    let app = Spawn::default().env("FRONTDESK_METRICS_BIND", &format!("127.0.0.1:{port}")).start().await;
    let metrics = format!("http://127.0.0.1:{port}/metrics");
    let admin = app.admin().await;
    let lead = create_lead(&admin, "Dana", "+972521234567").await;
    let id = lead["id"].as_i64().unwrap();
    let before = scrape(&metrics).await;
    let get_lead =
        r#"frontdesk_http_request_duration_seconds_count{route="/api/leads/{id}",method="GET",status="200"}"#;
    let before_n = sample(&before, get_lead).unwrap_or(0.0);

    for _ in 0..3 {
        let (s, _) = admin.get_json(&format!("/api/leads/{id}")).await;
        assert_eq!(s, 200);
    }
    let (s, _) = admin.get_json("/api/leads/999999").await;
    assert_eq!(s, 404);
    // A webhook without the bridge's secret: refused, and counted as such.
    let res = reqwest::Client::new()
        .post(app.url("/webhook/baileys"))
        .json(&json!({"event": "messages.upsert", "instance": "x", "data": {}}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error() || res.status().is_server_error());
    let webhook_status = res.status().as_u16();
    // Unknown paths share one label.
    let _ = admin.get("/no/such/page/123").await;
    let _ = reqwest::get(app.url("/api/nothing/here/42")).await.unwrap();

    let text = scrape(&metrics).await;
    let after_n = sample(&text, get_lead).expect("the lead GET series exists");
    assert!(after_n >= before_n + 3.0, "the counter moved: {before_n} -> {after_n}");
    assert!(text.contains(r#"route="/api/leads/{id}",method="GET",status="404""#), "the 404 is under the template too");
    assert!(!text.contains(&format!("/api/leads/{id}\"")), "no raw id in any label:\n{text}");
    assert!(!text.contains("/999999"), "no raw id in any label");
    assert!(!text.contains("/no/such/page") && !text.contains("/api/nothing"), "unknown paths are not labels");
    assert!(text.contains(r#"route="unmatched""#));
    assert!(text.contains(r#"frontdesk_http_request_duration_seconds_bucket{"#), "latency is a histogram");
    let result = match webhook_status {
        401 | 403 => "rejected",
        400..=499 => "invalid",
        _ => "failed",
    };
    let webhooks = format!(r#"frontdesk_webhooks_total{{provider="baileys",result="{result}"}} "#);
    assert_eq!(sample(&text, &webhooks), Some(1.0), "the webhook ({webhook_status}) was counted:\n{text}");
    for series in [
        "frontdesk_writer_queue_depth ",
        "frontdesk_writer_group_size_count ",
        "frontdesk_writer_group_duration_seconds_count ",
        "frontdesk_wal_sync_duration_seconds_count ",
        "frontdesk_wal_restart_duration_seconds_count ",
        "frontdesk_reminders_pending ",
        "frontdesk_reminders_overdue ",
        "frontdesk_reminders_fired_total ",
        "frontdesk_active_calls ",
        "frontdesk_sse_clients ",
        "frontdesk_ai_calls_total ",
        "frontdesk_ai_errors_total ",
        "frontdesk_ai_call_duration_seconds_count ",
        r#"frontdesk_provider_healthy{provider="baileys"} "#,
        r#"frontdesk_provider_breaker_open{provider="twilio"} "#,
    ] {
        assert!(text.contains(series), "{series} is missing from:\n{text}");
    }
    assert!(sample(&text, "frontdesk_writer_group_size_count ").unwrap() >= 1.0, "writes were grouped");
    assert!(sample(&text, "frontdesk_writer_group_duration_seconds_count ").unwrap() >= 1.0, "groups were timed");
    assert!(sample(&text, "frontdesk_wal_sync_duration_seconds_count ").unwrap() >= 1.0, "the WAL was synced");

    // A reminder due in the past is pending and overdue until it fires.
    let (s, _) = admin
        .post(&format!("/api/leads/{id}/reminders"), &json!({"due_at": "2030-01-01T00:00:00Z", "note": "call back"}))
        .await;
    assert_eq!(s, 201);
    let text = scrape(&metrics).await;
    assert_eq!(sample(&text, "frontdesk_reminders_pending "), Some(1.0));
    assert_eq!(sample(&text, "frontdesk_reminders_overdue "), Some(0.0));

    // Never on the main port.
    let res = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(!res.text().await.unwrap().contains("frontdesk_http_request"));
}
