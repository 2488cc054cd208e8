//! Roles and tenancy: an access table per endpoint for anonymous, agent,
//! owner, another business's owner, admin, and admin impersonating.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

struct Actors {
    anon: Session,
    agent: Session,
    owner: Session,
    other_owner: Session,
    admin: Session,
    imp_admin: Session,
}

/// Business B (with owner and agent), business C (another owner), the admin.
async fn setup(app: &TestApp) -> (Actors, i64, i64, i64) {
    let admin = app.admin().await;
    let b = create_business(&admin, "Bakery", "owner@b.io", "+972501111111").await;
    let _c = create_business(&admin, "Cafe", "owner@c.io", "+972502222222").await;
    let owner = app.login("owner@b.io", "owner-password-1").await;
    let agent_id = add_user(&owner, "agent@b.io", "agent").await;
    let agent = app.login("agent@b.io", "user-password-1").await;
    let other_owner = app.login("owner@c.io", "owner-password-1").await;
    let imp_admin = app.admin().await;
    let (s, _) = imp_admin.post_empty(&format!("/api/admin/businesses/{b}/impersonate")).await;
    assert_eq!(s, 200);
    let mut anon = app.client();
    anon.fetch_csrf().await;
    let owner_me = owner.get_json("/api/auth/me").await.1;
    let owner_id = owner_me["user"]["id"].as_i64().unwrap();
    (Actors { anon, agent, owner, other_owner, admin, imp_admin }, b, agent_id, owner_id)
}

#[tokio::test]
async fn access_table_for_auth_admin_and_business_endpoints() {
    let app = spawn_app().await;
    let (a, b, agent_id, _) = setup(&app).await;
    let prompt = json!({"calls_prompt": "c", "whatsapp_prompt": "w"});
    let rename = json!({"name": "Renamed"});
    let agent_patch = json!({"name": "Agent B"});
    // expected: [anon, agent, owner, other_owner, admin, imp_admin]
    let table: Vec<(Method, String, Option<Value>, [u16; 6])> = vec![
        (Method::GET, "/api/auth/me".into(), None, [401, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/admin/businesses".into(), None, [401, 403, 403, 403, 200, 200]),
        (Method::GET, format!("/api/admin/businesses/{b}"), None, [401, 403, 403, 403, 200, 200]),
        (Method::PATCH, format!("/api/admin/businesses/{b}"), Some(rename.clone()), [401, 403, 403, 403, 200, 200]),
        (Method::GET, format!("/api/admin/businesses/{b}/prompt"), None, [401, 403, 403, 403, 200, 200]),
        (
            Method::PUT,
            format!("/api/admin/businesses/{b}/prompt"),
            Some(prompt.clone()),
            [401, 403, 403, 403, 200, 200],
        ),
        (Method::GET, "/api/admin/audit".into(), None, [401, 403, 403, 403, 200, 200]),
        (Method::GET, "/api/business/current".into(), None, [401, 200, 200, 200, 200, 200]),
        (
            Method::PATCH,
            "/api/business/current".into(),
            Some(json!({"timezone": "Asia/Jerusalem"})),
            [401, 403, 200, 200, 200, 200],
        ),
        (Method::GET, "/api/business/current/prompt".into(), None, [401, 403, 200, 200, 200, 200]),
        (Method::PUT, "/api/business/current/prompt".into(), Some(prompt.clone()), [401, 403, 200, 200, 200, 200]),
        (Method::GET, "/api/business/current/prompt/history".into(), None, [401, 403, 200, 200, 200, 200]),
        (Method::GET, "/api/business/current/users".into(), None, [401, 403, 200, 200, 200, 200]),
        (Method::GET, "/api/business/current/audit".into(), None, [401, 403, 200, 200, 200, 200]),
        // Another business's user is 404 (never "forbidden": it must not be revealed).
        // Ending the agent's sessions comes last so the agent stays signed in for the rows above.
        (
            Method::PATCH,
            format!("/api/business/current/users/{agent_id}"),
            Some(agent_patch),
            [401, 403, 200, 404, 404, 200],
        ),
        (
            Method::DELETE,
            format!("/api/business/current/users/{agent_id}/sessions"),
            None,
            [401, 403, 204, 404, 404, 204],
        ),
    ];
    let actors = [&a.anon, &a.agent, &a.owner, &a.other_owner, &a.admin, &a.imp_admin];
    let names = ["anonymous", "agent", "owner", "other owner", "admin", "impersonating admin"];
    for (method, path, body, expected) in &table {
        for (i, actor) in actors.iter().enumerate() {
            let res = actor.send(method.clone(), path, body.as_ref()).await;
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            assert_eq!(status, expected[i], "{} {method} {path}: {text}", names[i]);
            if status >= 400 {
                let v: Value = serde_json::from_str(&text).unwrap();
                assert_error(&v);
            }
        }
    }
}

#[tokio::test]
async fn business_current_is_the_effective_business() {
    let app = spawn_app().await;
    let (a, b, _, _) = setup(&app).await;
    assert_eq!(a.owner.get_json("/api/business/current").await.1["id"], b);
    assert_eq!(a.agent.get_json("/api/business/current").await.1["id"], b);
    assert_eq!(a.admin.get_json("/api/business/current").await.1["id"], 1);
    assert_eq!(a.imp_admin.get_json("/api/business/current").await.1["id"], b);
    let users = a.owner.get_json("/api/business/current/users").await.1;
    let emails: Vec<&str> = users["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["owner@b.io", "agent@b.io"]);
    let other = a.other_owner.get_json("/api/business/current/users").await.1;
    assert_eq!(other["items"].as_array().unwrap().len(), 1, "no user of B leaks into C");
}

#[tokio::test]
async fn owners_cannot_create_platform_admins_or_disable_themselves() {
    let app = spawn_app().await;
    let (a, _, _, owner_id) = setup(&app).await;
    let (s, body) = a
        .owner
        .post(
            "/api/business/current/users",
            &json!({"email": "x@b.io", "name": "x", "password": "user-password-1", "role": "system_admin"}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "role");
    let (s, _) = a.owner.patch(&format!("/api/business/current/users/{owner_id}"), &json!({"disabled": true})).await;
    assert_eq!(s, 400);
    let (s, body) = a
        .owner
        .post(
            "/api/business/current/users",
            &json!({"email": "agent@b.io", "name": "dup", "password": "user-password-1", "role": "agent"}),
        )
        .await;
    assert_eq!(s, 409);
    assert_eq!(body["error"], "email_taken");
}

#[tokio::test]
async fn creating_a_business_validates_and_reports_conflicts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create_business(&admin, "One", "o1@x.io", "+972503333333").await;
    let (s, body) = admin
        .post("/api/admin/businesses", &json!({"name": "Two", "phone_e164": "050-3333333", "owner": {"email": "o2@x.io", "name": "", "password": "owner-password-1"}}))
        .await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(body["field"], "phone_e164");
    let (s, body) = admin.post("/api/admin/businesses", &json!({"name": "", "owner": null})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "name");
    let (s, body) = admin.post("/api/admin/businesses", &json!({"name": "X", "phone_e164": "banana"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "phone_e164");
    let (s, body) = admin.post("/api/admin/businesses", &json!({"name": "X", "timezone": "not a zone"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "timezone");
    let (s, body) = admin
        .post(
            "/api/admin/businesses",
            &json!({"name": "X", "owner": {"email": "o1@x.io", "name": "", "password": "owner-password-1"}}),
        )
        .await;
    assert_eq!(s, 409);
    assert_eq!(body["field"], "owner.email");
    // Nothing half-created: the conflicting owner rolled the business back too.
    let (_, list) = admin.get_json("/api/admin/businesses").await;
    assert_eq!(list["total"], 2);
    let (s, body) = admin.post("/api/admin/businesses", &json!({"name": "Local", "phone_e164": "0521234567"})).await;
    assert_eq!(s, 201);
    assert_eq!(body["phone_e164"], "+972521234567");
    assert_eq!(body["timezone"], "Asia/Jerusalem");
    assert_eq!(body["ai_auto_reply"], true);
}
