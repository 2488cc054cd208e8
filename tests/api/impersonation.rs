//! Impersonation: flags beside the role, scoping, audit, expiry.

use std::time::Duration;

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn impersonating_sets_flags_and_keeps_the_admin_role() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Bakery", "owner@b.io", "+972501111111").await;
    let (_, me) = admin.get_json("/api/auth/me").await;
    assert_eq!(me["impersonating"], false, "not impersonating after login");
    assert_eq!(me["effective_tenant_id"], 1);
    let (s, body) = admin.post_empty(&format!("/api/admin/businesses/{b}/impersonate")).await;
    assert_eq!(s, 200);
    assert_eq!(body["impersonating"], true);
    let (_, me) = admin.get_json("/api/auth/me").await;
    assert_eq!(me["user"]["role"], "system_admin", "the role is untouched");
    assert_eq!(me["user"]["tenant_id"], 1);
    assert_eq!(me["impersonating"], true);
    assert_eq!(me["impersonated_tenant_id"], b);
    assert_eq!(me["effective_tenant_id"], b);
    assert_eq!(me["tenant"]["name"], "Bakery");
    // Admin powers remain while impersonating.
    assert_eq!(admin.get_json("/api/admin/businesses").await.0, 200);
    // Writes land in the impersonated business and are audited with the real actor.
    let (s, _) =
        admin.put("/api/business/current/prompt", &json!({"calls_prompt": "B calls", "whatsapp_prompt": "B wa"})).await;
    assert_eq!(s, 200);
    let owner = app.login("owner@b.io", "owner-password-1").await;
    let (_, p) = owner.get_json("/api/business/current/prompt").await;
    assert_eq!(p["calls_prompt"], "B calls");
    let (_, hist) = owner.get_json("/api/business/current/prompt/history").await;
    assert_eq!(hist["items"][0]["author"]["email"], ADMIN_EMAIL);
    assert_eq!(hist["items"][0]["impersonating"], true);
    let (s, body) = admin.post_empty("/api/admin/impersonate/exit").await;
    assert_eq!(s, 200);
    assert_eq!(body["impersonating"], false);
    assert_eq!(body["impersonated_tenant_id"], serde_json::Value::Null);
    assert_eq!(body["effective_tenant_id"], 1);
    let (_, p) = admin.get_json("/api/business/current/prompt").await;
    assert_ne!(p["calls_prompt"], "B calls", "back in the home business");

    let (_, audit) = owner.get_json("/api/business/current/audit").await;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    for a in ["impersonate.start", "impersonate.exit", "prompts.saved", "impersonated.write"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    let start = audit["items"].as_array().unwrap().iter().find(|r| r["action"] == "impersonate.start").unwrap();
    assert_eq!(start["actor_email"], ADMIN_EMAIL);
    assert!(start["ip"].is_null(), "the owner does not see where the admin is: {start}");
    assert_eq!(start["tenant_id"], b);
}

#[tokio::test]
async fn only_the_admin_can_impersonate_and_unknown_businesses_are_404() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Bakery", "owner@b.io", "+972501111111").await;
    let owner = app.login("owner@b.io", "owner-password-1").await;
    let (s, body) = owner.post_empty("/api/admin/businesses/1/impersonate").await;
    assert_eq!(s, 403);
    assert_eq!(assert_error(&body), "forbidden");
    let (_, me) = owner.get_json("/api/auth/me").await;
    assert_eq!(me["effective_tenant_id"], b);
    let (s, body) = admin.post_empty("/api/admin/businesses/999/impersonate").await;
    assert_eq!(s, 404);
    assert_eq!(assert_error(&body), "not_found");
}

#[tokio::test]
async fn impersonation_ends_by_itself_without_ending_the_session() {
    let app = Spawn::default().env("FRONTDESK_IMPERSONATION_SECS", "2").start().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Bakery", "owner@b.io", "+972501111111").await;
    let (s, _) = admin.post_empty(&format!("/api/admin/businesses/{b}/impersonate")).await;
    assert_eq!(s, 200);
    assert_eq!(admin.get_json("/api/auth/me").await.1["effective_tenant_id"], b);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let (s, me) = admin.get_json("/api/auth/me").await;
    assert_eq!(s, 200, "the admin stays signed in");
    assert_eq!(me["impersonating"], false);
    assert_eq!(me["effective_tenant_id"], 1);
}
