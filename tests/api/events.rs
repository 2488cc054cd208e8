//! `/api/events`: live events reach the sessions of their business only.

use std::time::Duration;

use serde_json::json;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::helpers::*;

#[tokio::test]
async fn events_reach_their_business_and_nothing_of_another() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create_business(&admin, "Bakery", "owner@b.io", "+972501111111").await;
    let owner_b = app.login("owner@b.io", "owner-password-1").await;
    let mut home = sse(&admin, "/api/events").await;
    let mut other = sse(&owner_b, "/api/events").await;
    assert_eq!(home.recv().await.unwrap().0, "ready");
    assert_eq!(other.recv().await.unwrap().0, "ready");
    let lead = create_lead(&admin, "A", "0521111116").await;
    let lead_id = lead["id"].as_i64().unwrap();
    let due = (OffsetDateTime::now_utc() + time::Duration::seconds(1)).format(&Rfc3339).unwrap();
    admin.post(&format!("/api/leads/{lead_id}/reminders"), &json!({"due_at": due, "note": "ping"})).await;
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !seen.contains(&"reminder.fired".to_string()) {
        let (event, data) =
            tokio::time::timeout_at(deadline, home.recv()).await.expect("reminder.fired in time").unwrap();
        if event == "reminder.fired" {
            assert_eq!(data["lead_id"], lead_id);
        }
        seen.push(event);
    }
    for kind in ["lead.created", "activity.created", "notification.created", "reminder.fired"] {
        assert!(seen.iter().any(|e| e == kind), "{kind} missing from {seen:?}");
    }
    // The other business's stream got nothing of all that.
    let got = tokio::time::timeout(Duration::from_millis(500), other.recv()).await;
    assert!(got.is_err(), "another business received {got:?}");
    // Its own lead reaches it.
    create_lead(&owner_b, "B", "0521111117").await;
    let (event, data) = tokio::time::timeout(Duration::from_secs(2), other.recv()).await.unwrap().unwrap();
    assert_eq!(event, "lead.created");
    assert_eq!(data["lead"]["first_name"], "B");
    let mut anon = app.client();
    anon.fetch_csrf().await;
    assert_eq!(anon.get("/api/events").await.status(), 401);
}
