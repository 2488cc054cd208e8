//! Roles and tenancy: access tables per endpoint for anonymous, agent,
//! owner, another business's owner, admin, and admin impersonating. Another
//! business's object is always 404, never 403: its existence is not revealed.

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use reqwest::Method;
use serde_json::{Value, json};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::helpers::*;

struct Actors {
    anon: Session,
    agent: Session,
    owner: Session,
    other_owner: Session,
    admin: Session,
    imp_admin: Session,
}

const ACTOR_NAMES: [&str; 6] =
    ["anonymous", "agent", "owner", "other business's owner", "admin", "impersonating admin"];

impl Actors {
    fn all(&self) -> [&Session; 6] {
        [&self.anon, &self.agent, &self.owner, &self.other_owner, &self.admin, &self.imp_admin]
    }
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

/// One endpoint and the status each actor gets, in the order of [`ACTOR_NAMES`].
struct Row {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
    expect: [u16; 6],
}

fn row(name: &'static str, method: Method, path: impl Into<String>, body: Option<Value>, expect: [u16; 6]) -> Row {
    Row { name, method, path: path.into(), body, expect }
}

/// In a row's path: a lead of business B made afresh for each actor (for
/// requests that use their object up, such as DELETE).
const FRESH_LEAD: &str = "{fresh-lead}";
/// In a row's body: a phone number no other request has used.
const NEW_PHONE: &str = "{new-phone}";

static PHONES: AtomicU32 = AtomicU32::new(0);

fn new_phone() -> String {
    format!("+97253{:07}", PHONES.fetch_add(1, Ordering::Relaxed))
}

/// Sends every row as every actor, in order; a mismatch names the row, the
/// actor and the answer. Every refusal must have the error shape.
async fn check(actors: &Actors, fresh_lead_owner: &Session, table: &[Row]) {
    for row in table {
        for (i, actor) in actors.all().into_iter().enumerate() {
            let path = if row.path.contains(FRESH_LEAD) {
                let lead = create_lead(fresh_lead_owner, "Fresh", &new_phone()).await;
                row.path.replace(FRESH_LEAD, &lead["id"].to_string())
            } else {
                row.path.clone()
            };
            let body = row.body.as_ref().map(|b| {
                let text = b.to_string().replace(NEW_PHONE, &new_phone());
                serde_json::from_str::<Value>(&text).unwrap()
            });
            let res = actor.send(row.method.clone(), &path, body.as_ref()).await;
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            assert_eq!(
                status, row.expect[i],
                "row `{}` as {}: {} {path} answered {status}, expected {}: {text}",
                row.name, ACTOR_NAMES[i], row.method, row.expect[i]
            );
            if status >= 400 {
                let v: Value = serde_json::from_str(&text).unwrap();
                assert_error(&v);
            }
        }
    }
}

#[tokio::test]
async fn access_table_for_auth_admin_and_business_endpoints() {
    let app = spawn_app().await;
    let (a, b, agent_id, _) = setup(&app).await;
    let prompt = json!({"calls_prompt": "c", "whatsapp_prompt": "w"});
    let get = Method::GET;
    // expected: [anonymous, agent, owner, other business's owner, admin, impersonating admin]
    let table = vec![
        row("who am I", get.clone(), "/api/auth/me", None, [401, 200, 200, 200, 200, 200]),
        row("list businesses", get.clone(), "/api/admin/businesses", None, [401, 403, 403, 403, 200, 200]),
        row("read a business", get.clone(), format!("/api/admin/businesses/{b}"), None, [401, 403, 403, 403, 200, 200]),
        row(
            "rename a business",
            Method::PATCH,
            format!("/api/admin/businesses/{b}"),
            Some(json!({"name": "Renamed"})),
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "read a business's prompts",
            get.clone(),
            format!("/api/admin/businesses/{b}/prompt"),
            None,
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "save a business's prompts",
            Method::PUT,
            format!("/api/admin/businesses/{b}/prompt"),
            Some(prompt.clone()),
            [401, 403, 403, 403, 200, 200],
        ),
        row("the whole audit log", get.clone(), "/api/admin/audit", None, [401, 403, 403, 403, 200, 200]),
        row("read the current business", get.clone(), "/api/business/current", None, [401, 200, 200, 200, 200, 200]),
        row(
            "change the current business",
            Method::PATCH,
            "/api/business/current",
            Some(json!({"timezone": "Asia/Jerusalem"})),
            [401, 403, 200, 200, 200, 200],
        ),
        row("read the prompts", get.clone(), "/api/business/current/prompt", None, [401, 403, 200, 200, 200, 200]),
        row(
            "save the prompts",
            Method::PUT,
            "/api/business/current/prompt",
            Some(prompt.clone()),
            [401, 403, 200, 200, 200, 200],
        ),
        row(
            "prompt history",
            get.clone(),
            "/api/business/current/prompt/history",
            None,
            [401, 403, 200, 200, 200, 200],
        ),
        row("list users", get.clone(), "/api/business/current/users", None, [401, 403, 200, 200, 200, 200]),
        row(
            "the business's audit log",
            get.clone(),
            "/api/business/current/audit",
            None,
            [401, 403, 200, 200, 200, 200],
        ),
        // Ending the agent's sessions comes last so the agent stays signed in for the rows above.
        row(
            "change a user",
            Method::PATCH,
            format!("/api/business/current/users/{agent_id}"),
            Some(json!({"name": "Agent B"})),
            [401, 403, 200, 404, 404, 200],
        ),
        row(
            "end a user's sessions",
            Method::DELETE,
            format!("/api/business/current/users/{agent_id}/sessions"),
            None,
            [401, 403, 204, 404, 404, 204],
        ),
    ];
    check(&a, &a.owner, &table).await;
}

#[tokio::test]
async fn access_table_for_lead_reminder_and_notification_endpoints() {
    let app = spawn_app().await;
    let (a, _b, _, _) = setup(&app).await;
    // A lead of business B with a reminder, and a notification of B's owner (a reminder that fired).
    let lead = create_lead(&a.owner, "Bella", "0521110001").await["id"].as_i64().unwrap();
    let soon = (OffsetDateTime::now_utc() + time::Duration::seconds(1)).format(&Rfc3339).unwrap();
    let (s, body) = a.owner.post(&format!("/api/leads/{lead}/reminders"), &json!({"due_at": soon, "note": "n"})).await;
    assert_eq!(s, 201, "{body}");
    let notification = eventually(Duration::from_secs(10), "the owner's reminder notification", || async {
        a.owner.get_json("/api/notifications").await.1["items"][0]["id"].as_i64()
    })
    .await;
    let later = (OffsetDateTime::now_utc() + time::Duration::days(1)).format(&Rfc3339).unwrap();
    let (s, body) =
        a.owner.post(&format!("/api/leads/{lead}/reminders"), &json!({"due_at": later, "note": "call"})).await;
    assert_eq!(s, 201, "{body}");
    let reminder = body["id"].as_i64().unwrap();
    let get = Method::GET;
    let post = Method::POST;
    // expected: [anonymous, agent, owner, other business's owner, admin, impersonating admin]
    // The admin who is not impersonating works across businesses; another business's owner gets 404.
    let table = vec![
        row("list leads", get.clone(), "/api/leads", None, [401, 200, 200, 200, 200, 200]),
        row(
            "create a lead",
            post.clone(),
            "/api/leads",
            Some(json!({"first_name": "New", "phone_e164": NEW_PHONE})),
            [401, 201, 201, 201, 201, 201],
        ),
        row("read a lead", get.clone(), format!("/api/leads/{lead}"), None, [401, 200, 200, 404, 200, 200]),
        row(
            "change a lead",
            Method::PATCH,
            format!("/api/leads/{lead}"),
            Some(json!({"notes": "likes cake"})),
            [401, 200, 200, 404, 200, 200],
        ),
        row(
            "set a lead's status",
            post.clone(),
            format!("/api/leads/{lead}/status"),
            Some(json!({"status": "contacted"})),
            [401, 200, 200, 404, 200, 200],
        ),
        row(
            "read a timeline",
            get.clone(),
            format!("/api/leads/{lead}/activities"),
            None,
            [401, 200, 200, 404, 200, 200],
        ),
        row(
            "add a note",
            post.clone(),
            format!("/api/leads/{lead}/activities"),
            Some(json!({"body": "called"})),
            [401, 201, 201, 404, 201, 201],
        ),
        // Nothing is configured to send through: a permitted send is 503, a refused one never gets that far.
        row(
            "send WhatsApp",
            post.clone(),
            format!("/api/leads/{lead}/message/whatsapp"),
            Some(json!({"text": "hello"})),
            [401, 503, 503, 404, 503, 503],
        ),
        row("delete a lead", Method::DELETE, format!("/api/leads/{FRESH_LEAD}"), None, [401, 403, 204, 404, 204, 204]),
        row(
            "list a lead's reminders",
            get.clone(),
            format!("/api/leads/{lead}/reminders"),
            None,
            [401, 200, 200, 404, 200, 200],
        ),
        row(
            "set a reminder",
            post.clone(),
            format!("/api/leads/{lead}/reminders"),
            Some(json!({"due_at": later, "note": "again"})),
            [401, 201, 201, 404, 201, 201],
        ),
        row("my reminders", get.clone(), "/api/reminders", None, [401, 200, 200, 200, 200, 200]),
        row(
            "snooze a reminder",
            Method::PATCH,
            format!("/api/reminders/{reminder}"),
            Some(json!({"note": "moved"})),
            [401, 200, 200, 404, 200, 200],
        ),
        // Cancelling an already cancelled reminder is still 204.
        row(
            "cancel a reminder",
            Method::DELETE,
            format!("/api/reminders/{reminder}"),
            None,
            [401, 204, 204, 404, 204, 204],
        ),
        row("my notifications", get.clone(), "/api/notifications", None, [401, 200, 200, 200, 200, 200]),
        row("my alerts", get.clone(), "/api/alerts", None, [401, 200, 200, 200, 200, 200]),
        row("inbox counts", get.clone(), "/api/inbox/counts", None, [401, 200, 200, 200, 200, 200]),
        row("assignees", get.clone(), "/api/business/current/assignees", None, [401, 200, 200, 200, 200, 200]),
        row("push key", get.clone(), "/api/push/key", None, [401, 200, 200, 200, 200, 200]),
        row("my push subscriptions", get.clone(), "/api/push/subscriptions", None, [401, 200, 200, 200, 200, 200]),
        // A notification is its user's alone.
        row(
            "mark a notification read",
            post.clone(),
            format!("/api/notifications/{notification}/read"),
            None,
            [401, 404, 204, 404, 404, 404],
        ),
    ];
    check(&a, &a.owner, &table).await;
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
    // Who a lead can be assigned to: the business's own users, for agents too.
    let assignees = a.agent.get_json("/api/business/current/assignees").await.1;
    let emails: Vec<&str> =
        assignees["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["owner@b.io", "agent@b.io"]);
    let counts = a.other_owner.get_json("/api/inbox/counts").await.1;
    assert_eq!(counts["mine"], 0, "B's leads are not counted in C: {counts}");
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
