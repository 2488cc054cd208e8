//! Hardening: no input stops the server, revoked sessions stop streaming,
//! throttling behind a proxy, cross-site checks, nothing secret leaks.
//! Each test names the failure it rules out.

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::{fakes, helpers::*, providers};

const FAR: &str = "9999-12-31T23:59:59-23:59";

async fn lead(s: &Session, phone: &str) -> i64 {
    let (st, body) = s.post("/api/leads", &json!({"first_name": "Dana", "phone_e164": phone})).await;
    assert_eq!(st, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn assert_alive(app: &TestApp) {
    let res = Client::new().get(app.url("/livez")).send().await.expect("the server still answers");
    assert_eq!(res.status(), 200);
}

fn field_error(status: StatusCode, body: &Value, field: &str) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(assert_error(body), "invalid_input");
    assert_eq!(body["field"], field, "{body}");
}

#[tokio::test]
async fn a_time_past_the_representable_range_is_400_naming_the_field_and_the_server_lives_on() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (s, body) = admin.get_json(&format!("/api/reminders?due_before={}", FAR.replace('+', "%2B"))).await;
    field_error(s, &body, "due_before");
    let id = lead(&admin, "0521000001").await;
    let (s, body) = admin.post(&format!("/api/leads/{id}/reminders"), &json!({"due_at": FAR, "note": "x"})).await;
    field_error(s, &body, "due_at");
    let (s, body) = admin
        .post(&format!("/api/leads/{id}/reminders"), &json!({"due_at": "2099-01-01T10:00:00+02:00", "note": "x"}))
        .await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = admin.patch(&format!("/api/reminders/{}", body["id"]), &json!({"due_at": FAR})).await;
    field_error(s, &body, "due_at");
    let (s, body) = admin.get_json("/api/reminders?due_before=0000-01-01T00:00:00%2B23:59").await;
    field_error(s, &body, "due_before");
    assert_alive(&app).await;
}

#[tokio::test]
async fn a_panicking_handler_answers_500_with_its_request_id_and_the_next_request_succeeds() {
    let app = Spawn::default().env("FRONTDESK_TEST_FAULTS", "1").start().await;
    let admin = app.admin().await;
    for path in ["/api/_test/panic", "/api/_test/panic-writer"] {
        let res = admin.get(path).await;
        assert_eq!(res.status(), 500, "{path}");
        let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
        let body: Value = res.json().await.unwrap();
        assert_eq!(assert_error(&body), "internal_error");
        assert_eq!(body["request_id"], id.as_str(), "the body names the request id: {body}");
        assert!(!body.to_string().contains("fault injected"), "no panic text reaches the client");
        assert_alive(&app).await;
    }
    // The writer thread survived its panicking job: writes still commit.
    lead(&admin, "0521000002").await;
    assert_eq!(admin.get("/readyz").await.status(), 200);
}

#[tokio::test]
async fn fault_routes_do_not_exist_unless_switched_on() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    assert_eq!(admin.get("/api/_test/panic").await.status(), 404);
}

#[tokio::test]
async fn a_panicking_reminder_run_does_not_stop_the_scheduler() {
    let app = Spawn::default().env("FRONTDESK_TEST_FAULTS", "1").start().await;
    let admin = app.admin().await;
    assert_eq!(admin.get("/api/_test/panic-scheduler").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let id = lead(&admin, "0521000003").await;
    let due = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let due = due.format(&time::format_description::well_known::Rfc3339).unwrap();
    let (s, _) = admin.post(&format!("/api/leads/{id}/reminders"), &json!({"due_at": due, "note": "after"})).await;
    assert_eq!(s, 201);
    let fired = wait_until(Duration::from_secs(15), || async {
        activities(&admin, id).await.iter().any(|a| a["kind"] == "reminder_fired")
    })
    .await;
    assert!(fired, "the reminder never fired after a panicking run");
}

#[tokio::test]
async fn readyz_is_503_while_the_writer_cannot_commit_and_200_after() {
    let app = spawn_app().await;
    let c = app.client();
    assert_eq!(c.get("/readyz").await.status(), 200);
    // Another process holds the write lock (a stuck backup tool, a disk that stalls).
    let blocker = rusqlite::Connection::open(app.data_path()).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let res = c.get("/readyz").await;
    assert_eq!(res.status(), 503);
    assert_eq!(assert_error(&res.json::<Value>().await.unwrap()), "not_ready");
    blocker.execute_batch("ROLLBACK").unwrap();
    let ready = wait_until(Duration::from_secs(15), || async { c.get("/readyz").await.status() == 200 }).await;
    assert!(ready, "ready again once the lock is gone");
}

/// Waits until an event stream ends; panics after `limit`.
async fn ends_within(rx: &mut tokio::sync::mpsc::UnboundedReceiver<(String, Value)>, limit: Duration, why: &str) {
    let deadline = Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline.into(), rx.recv()).await {
            Ok(None) => return,
            Ok(Some(_)) => continue,
            Err(_) => panic!("the event stream was still open {limit:?} after {why}"),
        }
    }
}

async fn open_events(s: &Session) -> tokio::sync::mpsc::UnboundedReceiver<(String, Value)> {
    let mut rx = sse(s, "/api/events").await;
    let (event, _) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
    assert_eq!(event, "ready");
    rx
}

#[tokio::test]
async fn an_open_event_stream_ends_within_five_seconds_of_its_session_ending() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let limit = Duration::from_secs(5);

    // Logout.
    let s = app.admin().await;
    let mut rx = open_events(&s).await;
    s.post_empty("/api/auth/logout").await;
    ends_within(&mut rx, limit, "logout").await;

    // Password change ends the user's other sessions.
    add_user(&admin, "agent@x.io", "agent").await;
    let other = app.login("agent@x.io", "user-password-1").await;
    let mut rx = open_events(&other).await;
    let me = app.login("agent@x.io", "user-password-1").await;
    let (st, body) = me
        .post("/api/auth/password", &json!({"current_password": "user-password-1", "new_password": "user-password-2"}))
        .await;
    assert_eq!(st, 204, "{body}");
    ends_within(&mut rx, limit, "a password change").await;

    // "End sessions" by a manager, then disabling the user.
    let uid = add_user(&admin, "agent2@x.io", "agent").await;
    let s = app.login("agent2@x.io", "user-password-1").await;
    let mut rx = open_events(&s).await;
    let (st, _) = admin.delete(&format!("/api/business/current/users/{uid}/sessions")).await;
    assert_eq!(st, 204);
    ends_within(&mut rx, limit, "end sessions").await;
    let s = app.login("agent2@x.io", "user-password-1").await;
    let mut rx = open_events(&s).await;
    let (st, _) = admin.patch(&format!("/api/business/current/users/{uid}"), &json!({"disabled": true})).await;
    assert_eq!(st, 200);
    ends_within(&mut rx, limit, "disabling the user").await;
}

#[tokio::test]
async fn the_impersonated_business_stream_ends_at_impersonation_exit_and_expiry() {
    let app = Spawn::default().env("FRONTDESK_IMPERSONATION_SECS", "3").start().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Other", "o@x.io", "+972035550000").await;
    let (st, _) = admin.post_empty(&format!("/api/admin/businesses/{b}/impersonate")).await;
    assert_eq!(st, 200);
    let mut rx = open_events(&admin).await;
    admin.post_empty("/api/admin/impersonate/exit").await;
    ends_within(&mut rx, Duration::from_secs(5), "impersonation exit").await;
    // Expiry: nobody exits; the 3 s limit passes.
    admin.post_empty(&format!("/api/admin/businesses/{b}/impersonate")).await;
    let mut rx = open_events(&admin).await;
    ends_within(&mut rx, Duration::from_secs(9), "impersonation expiry").await;
}

#[tokio::test]
async fn a_ninth_stream_closes_the_users_oldest() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut streams = Vec::new();
    for _ in 0..8 {
        streams.push(open_events(&admin).await);
    }
    let _ninth = open_events(&admin).await;
    ends_within(&mut streams[0], Duration::from_secs(3), "a ninth stream opened").await;
    assert!(streams[1].try_recv().is_err_and(|e| e == tokio::sync::mpsc::error::TryRecvError::Empty));
}

async fn login_from(app: &TestApp, email: &str, password: &str, forwarded_for: &str) -> reqwest::Response {
    Client::new()
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", forwarded_for)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_lock_out_only_that_client() {
    let app = Spawn::default().env("FRONTDESK_TRUSTED_PROXIES", "127.0.0.1, ::1").start().await;
    for i in 0..30 {
        let res = login_from(&app, &format!("nobody{i}@x.io"), "wrong-password", "198.51.100.7").await;
        assert_eq!(res.status(), 401);
    }
    let res = login_from(&app, "nobody99@x.io", "wrong-password", "198.51.100.7").await;
    assert_eq!(res.status(), 429, "the guessing client is paused");
    assert!(res.headers().contains_key("retry-after"));
    // Everyone else behind the same proxy signs in.
    let res = login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, "203.0.113.5").await;
    assert_eq!(res.status(), 200);
    // The audit log names the real client, not the proxy.
    let admin = app.admin().await;
    let (_, audit) = admin.get_json("/api/admin/audit?action=login.failure&page_size=1").await;
    assert_eq!(audit["items"][0]["ip"], "198.51.100.7");
    // A forged header from an untrusted peer is ignored (see the next test).
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored() {
    let app = spawn_app().await;
    for i in 0..30 {
        let res = login_from(&app, &format!("nobody{i}@x.io"), "wrong-password", &format!("198.51.100.{i}")).await;
        assert_eq!(res.status(), 401);
    }
    // A new forged address does not buy a fresh budget: the peer is what counts.
    let res = login_from(&app, "nobody99@x.io", "wrong-password", "192.0.2.200").await;
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn an_unreadable_or_foreign_origin_is_refused_even_with_a_valid_token() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let token = admin.csrf.clone().unwrap();
    let raw: &[u8] = b"https://www.\xc3\xa9vil.com";
    for (name, origin) in [
        ("non-ASCII bytes", reqwest::header::HeaderValue::from_bytes(raw).unwrap()),
        ("garbage", reqwest::header::HeaderValue::from_static("not an origin")),
        ("a foreign origin", reqwest::header::HeaderValue::from_static("https://evil.example")),
    ] {
        let res = admin
            .http
            .post(app.url("/api/leads"))
            .header("X-CSRFToken", &token)
            .header("Origin", origin.clone())
            .header("Sec-Fetch-Site", "same-origin")
            .json(&json!({"first_name": "X", "phone_e164": "0521000009"}))
            .send()
            .await
            .unwrap();
        if name == "a foreign origin" {
            // With fetch metadata present, Sec-Fetch-Site decides for a readable origin.
            assert_eq!(res.status(), 201, "{name}");
            continue;
        }
        assert_eq!(res.status(), 403, "{name}");
        assert_eq!(assert_error(&res.json::<Value>().await.unwrap()), "csrf_failed");
    }
    let res = admin
        .http
        .post(app.url("/api/leads"))
        .header("X-CSRFToken", &token)
        .header("Referer", "https://evil.example/page")
        .json(&json!({"first_name": "X", "phone_e164": "0521000010"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "a foreign Referer without Origin or fetch metadata");
}

#[tokio::test]
async fn abandoned_logins_cannot_run_more_hashes_than_there_are_cores() {
    let app = Spawn::default().env("FRONTDESK_TEST_FAULTS", "1").start().await;
    let quick = Client::builder().timeout(Duration::from_millis(15)).build().unwrap();
    // Bursts of logins abandoned after 15 ms. On a busy machine a whole burst
    // can be dropped before any reaches the hashing, so burst again (a few
    // times at most) until some did.
    let mut load = Value::Null;
    for round in 0..5 {
        let mut tasks = Vec::new();
        for i in 0..40 {
            let (c, url) = (quick.clone(), app.url("/api/auth/login"));
            let email = format!("u{round}-{i}@x.io");
            tasks.push(tokio::spawn(async move {
                let _ = c.post(url).json(&json!({"email": email, "password": "whatever-pass"})).send().await;
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        load = app.client().get_json("/api/_test/password-load").await.1;
        if load["peak"].as_u64().unwrap() >= 1 {
            break;
        }
    }
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) as u64;
    assert!(load["peak"].as_u64().unwrap() <= cores, "{load} with {cores} cores");
    assert!(load["peak"].as_u64().unwrap() >= 1, "hashes did run: {load}");
    // A login email is bounded before it is kept anywhere.
    let res = app.client().post_json_raw("/api/auth/login", &json!({"email": "a".repeat(300), "password": "x"})).await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn owners_cannot_end_the_admins_sessions_or_see_the_admins_addresses() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    add_user(&admin, "owner1@x.io", "owner").await;
    let owner = app.login("owner1@x.io", "user-password-1").await;
    let (_, me) = admin.get_json("/api/auth/me").await;
    let admin_id = me["user"]["id"].as_i64().unwrap();
    let (st, body) = owner.delete(&format!("/api/business/current/users/{admin_id}/sessions")).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(admin.get("/api/auth/me").await.status(), 200, "the admin is still signed in");
    let (_, audit) = owner.get_json("/api/business/current/audit?action=login.success&page_size=50").await;
    let rows = audit["items"].as_array().unwrap();
    let admins: Vec<&Value> = rows.iter().filter(|r| r["actor_email"] == ADMIN_EMAIL).collect();
    assert!(!admins.is_empty());
    assert!(admins.iter().all(|r| r["ip"].is_null()), "{admins:?}");
    assert!(rows.iter().any(|r| r["actor_email"] == "owner1@x.io" && r["ip"].is_string()));
    let (_, all) = admin.get_json("/api/admin/audit?action=login.success&page_size=50").await;
    assert!(all["items"].as_array().unwrap().iter().any(|r| r["actor_email"] == ADMIN_EMAIL && r["ip"].is_string()));
}

#[tokio::test]
async fn the_admin_writing_into_another_business_is_in_that_business_audit_log() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Other", "o2@x.io", "+972035550001").await;
    let (st, lead) =
        admin.post("/api/leads", &json!({"first_name": "In", "phone_e164": "0521000011", "tenant_id": b})).await;
    assert_eq!(st, 201, "{lead}");
    let (st, _) = admin.post(&format!("/api/leads/{}/activities", lead["id"]), &json!({"body": "a note"})).await;
    assert_eq!(st, 201);
    let owner = app.login("o2@x.io", "owner-password-1").await;
    let (_, audit) = owner.get_json("/api/business/current/audit?action=admin.write").await;
    let targets: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|r| r["target"].as_str().unwrap()).collect();
    assert!(targets.contains(&"POST /api/leads"), "{targets:?}");
    assert!(targets.iter().any(|t| t.ends_with("/activities")), "{targets:?}");
}

#[tokio::test]
async fn validation_happens_in_the_request_with_the_documented_limits() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let started = Instant::now();
    let (s, body) = admin.post("/api/leads", &json!({"first_name": "A", "phone_e164": "1".repeat(900 * 1024)})).await;
    field_error(s, &body, "phone_e164");
    assert!(started.elapsed() < Duration::from_secs(5));
    let (s, body) = admin.get_json(&format!("/api/leads?q={}", "a".repeat(101))).await;
    field_error(s, &body, "q");
    let (s, body) = admin.get_json("/api/leads?q=ab%00cd").await;
    field_error(s, &body, "q");
    let (s, body) = admin
        .post("/api/leads", &json!({"first_name": "A", "phone_e164": "0521000012", "notes": "n".repeat(10_001)}))
        .await;
    field_error(s, &body, "notes");
    let (s, body) = admin.post("/api/leads", &json!({"first_name": "A\u{7}", "phone_e164": "0521000012"})).await;
    field_error(s, &body, "first_name");
    let (s, body) = admin.post("/api/leads", &json!({"first_name": "x".repeat(201), "phone_e164": "0521000012"})).await;
    field_error(s, &body, "first_name");
    let id = lead(&admin, "0521000012").await;
    let (s, body) =
        admin.post(&format!("/api/leads/{id}/status"), &json!({"status": "won", "note": "n".repeat(10_001)})).await;
    field_error(s, &body, "note");
    let (s, body) = admin
        .post(
            &format!("/api/leads/{id}/reminders"),
            &json!({"due_at": "2099-01-01T00:00:00Z", "note": "n".repeat(10_001)}),
        )
        .await;
    field_error(s, &body, "note");
    let (s, body) = admin
        .put("/api/business/current/prompt", &json!({"calls_prompt": "p".repeat(100_001), "whatsapp_prompt": ""}))
        .await;
    field_error(s, &body, "calls_prompt");
    // Hebrew counts by characters, not bytes.
    let (s, body) = admin
        .put("/api/business/current/prompt", &json!({"calls_prompt": "ש".repeat(100_000), "whatsapp_prompt": ""}))
        .await;
    assert_eq!(s, 200, "{body}");
    // Lists that grow without end are paged.
    for i in 0..3 {
        admin.post(&format!("/api/leads/{id}/activities"), &json!({"body": format!("note {i}")})).await;
    }
    let (_, page) = admin.get_json(&format!("/api/leads/{id}/activities?page_size=2&page=2")).await;
    assert_eq!(page["page"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["total"].as_i64().unwrap() >= 4);
    let (_, hist) = admin.get_json("/api/business/current/prompt/history?page_size=1").await;
    assert_eq!(hist["items"].as_array().unwrap().len(), 1);
    let (_, rem) = admin.get_json(&format!("/api/leads/{id}/reminders?page_size=1")).await;
    assert!(rem["total"].is_i64());
}

fn count_sessions(app: &TestApp) -> i64 {
    let c = rusqlite::Connection::open(app.data_path()).unwrap();
    c.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn anonymous_csrf_tokens_write_nothing_and_only_signed_tokens_pass() {
    let app = spawn_app().await;
    let mut c = app.client();
    for _ in 0..20 {
        c.fetch_csrf().await;
        app.client().fetch_csrf().await;
    }
    assert_eq!(count_sessions(&app), 0, "anonymous requests created session rows");
    // The token passes the CSRF layer (then the write needs a sign-in).
    let (s, body) = c.post("/api/leads", &json!({"first_name": "A", "phone_e164": "0521000013"})).await;
    assert_eq!(s, 401, "{body}");
    // A forged or tampered one does not.
    let token = c.csrf.clone().unwrap();
    c.csrf = Some(format!("{}x", token));
    let (s, body) = c.post("/api/leads", &json!({"first_name": "A", "phone_e164": "0521000013"})).await;
    assert_eq!(s, 403, "{body}");
    // Login accepts the anonymous state and rotates to a session-bound token.
    let res = c.post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    assert_eq!(res.status(), 200);
    let bound = res.json::<Value>().await.unwrap()["csrfToken"].as_str().unwrap().to_string();
    assert_ne!(bound, token);
    c.csrf = Some(token);
    let (s, _) = c.post("/api/leads", &json!({"first_name": "A", "phone_e164": "0521000013"})).await;
    assert_eq!(s, 403, "after sign-in only the session's token counts");
    c.csrf = Some(bound);
    let (s, _) = c.post("/api/leads", &json!({"first_name": "A", "phone_e164": "0521000013"})).await;
    assert_eq!(s, 201);
    assert_eq!(count_sessions(&app), 1);
}

#[tokio::test]
async fn session_ids_are_stored_hashed_and_files_are_private() {
    let app = spawn_app().await;
    let res =
        app.client().post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("frontdesk_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("frontdesk_session=")
        .to_string();
    let c = rusqlite::Connection::open(app.data_path()).unwrap();
    let ids: Vec<String> = c
        .prepare("SELECT id FROM sessions")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0], cookie);
    assert!(!ids[0].contains(&cookie));
    use sha2::Digest;
    assert_eq!(ids[0], hex::encode(sha2::Sha256::digest(cookie.as_bytes())));
}

#[tokio::test]
async fn provider_failures_reach_clients_and_timelines_as_plain_reasons() {
    let (app, admin) = providers::app_with(&[
        ("FRONTDESK_BAILEYS_URL", "http://127.0.0.1:9/internal-bridge-path"),
        ("FRONTDESK_TWILIO_API_BASE", "http://127.0.0.1:9/internal-twilio"),
        ("FRONTDESK_TWILIO_ACCOUNT_SID", "ACsecretaccount0000"),
        ("FRONTDESK_OPENAI_API_KEY", "sk-test"),
        ("FRONTDESK_OPENAI_BASE_URL", "http://127.0.0.1:9/internal-ai"),
    ])
    .await;
    let id = lead(&admin, "0521000014").await;
    let (s, _) =
        admin.put("/api/business/current/prompt", &json!({"calls_prompt": "", "whatsapp_prompt": "Be brief."})).await;
    assert_eq!(s, 200);
    let (s, body) = admin.post(&format!("/api/leads/{id}/message/whatsapp"), &json!({"text": "hi"})).await;
    assert_eq!(s, 503, "{body}");
    let text = body.to_string();
    for secret in ["127.0.0.1", "internal-", "ACsecret", "sk-test"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // An inbound message makes the AI try (and fail) to answer: a plain reason on the timeline.
    let ev = providers::baileys_event("P1", "972521000015@s.whatsapp.net", None, false, "hello");
    assert_eq!(providers::post_baileys(&app, &ev, Some("bridge-secret")).await.status(), 200);
    let lid = leads(&admin).await.iter().find(|l| l["phone_e164"] == "+972521000015").unwrap()["id"].as_i64().unwrap();
    let err = eventually(Duration::from_secs(10), "an ai_error activity", || async {
        activities(&admin, lid).await.into_iter().find(|a| a["kind"] == "ai_error")
    })
    .await;
    let text = err.to_string();
    for secret in ["127.0.0.1", "internal-", "sk-test"] {
        assert!(!text.contains(secret), "{secret} leaked to the timeline: {text}");
    }
}

#[tokio::test]
async fn bridge_bodies_that_are_not_event_objects_are_400() {
    let (app, _admin) = providers::app_with(&[]).await;
    for body in [json!([1, 2]), json!("text"), json!({"event": "messages.upsert", "instance": "biz1"}), json!({})] {
        let res = providers::post_baileys(&app, &body, Some("bridge-secret")).await;
        assert_eq!(res.status(), 400, "{body}");
        assert_error(&res.json::<Value>().await.unwrap());
    }
    // Without the secret it is still 403, whatever the body.
    assert_eq!(providers::post_baileys(&app, &json!([1]), None).await.status(), 403);
}

#[tokio::test]
async fn a_reused_message_id_from_another_business_does_not_hide_a_message() {
    let (app, admin) = providers::app_with(&[]).await;
    let b = create_business(&admin, "Second", "o3@x.io", "+972035550002").await;
    let (s, body) = admin.patch(&format!("/api/admin/businesses/{b}"), &json!({"whatsapp_instance": "biz2"})).await;
    assert_eq!(s, 200, "{body}");
    let ev = providers::baileys_event("SAME-ID", "972521000016@s.whatsapp.net", None, false, "to one");
    assert_eq!(providers::post_baileys(&app, &ev, Some("bridge-secret")).await.status(), 200);
    let mut ev2 = providers::baileys_event("SAME-ID", "972521000017@s.whatsapp.net", None, false, "to two");
    ev2["instance"] = json!("biz2");
    let res = providers::post_baileys(&app, &ev2, Some("bridge-secret")).await;
    let body: Value = res.json().await.unwrap();
    assert!(body["lead_id"].is_i64(), "the second business's message was dropped: {body}");
}

#[tokio::test]
async fn a_retried_send_with_the_same_idempotency_key_goes_out_once() {
    let (bridge, rec) = fakes::evolution("bridge-secret").await;
    let (_app, admin) = providers::app_with(&[("FRONTDESK_BAILEYS_URL", &bridge)]).await;
    let id = lead(&admin, "0521000018").await;
    let send = || {
        admin
            .http
            .post(admin.url(&format!("/api/leads/{id}/message/whatsapp")))
            .header("X-CSRFToken", admin.csrf.clone().unwrap())
            .header("Idempotency-Key", "compose-42")
            .json(&json!({"text": "once"}))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let again: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(first["message_id"], again["message_id"], "{first} {again}");
    let sends = rec.requests.lock().unwrap().iter().filter(|r| r["text"] == "once").count();
    assert_eq!(sends, 1);
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut last = StatusCode::OK;
    for _ in 0..8 {
        let (s, _) = admin
            .post("/api/auth/password", &json!({"current_password": "wrong-guess", "new_password": "new-password-1"}))
            .await;
        last = s;
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn the_stream_url_is_wss_even_when_the_public_url_is_http() {
    let app = Spawn::default()
        .env("FRONTDESK_PUBLIC_URL", "http://crm.example.com:8080")
        .env("FRONTDESK_TWILIO_AUTH_TOKEN", "twilio-auth-token")
        .env("FRONTDESK_OPENAI_API_KEY", "sk-x")
        .start()
        .await;
    let admin = app.admin().await;
    admin.patch("/api/admin/businesses/1", &json!({"phone_e164": "+972031234567"})).await;
    let params = [("CallSid", "CAw"), ("From", "+972521000019"), ("To", "+972031234567")];
    let url = "http://crm.example.com:8080/webhook/twilio/voice";
    let mut f = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        f.append_pair(k, v);
    }
    let xml = Client::new()
        .post(app.url("/webhook/twilio/voice"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", providers::twilio_signature(url, &params))
        .body(f.finish())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(xml.contains("<Stream url=\"wss://crm.example.com:8080/ws/twilio/media\">"), "{xml}");
}
