//! Sessions and login: cookie flags, rotation, logout, timeouts, throttling,
//! no user enumeration, password changes.

use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

use crate::helpers::*;

fn cookie<'a>(cookies: &'a [String], name: &str) -> Option<&'a String> {
    cookies.iter().find(|c| c.starts_with(&format!("{name}=")))
}

fn value(cookie: &str) -> String {
    cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
}

#[tokio::test]
async fn login_answers_the_user_and_a_token_that_works_as_is() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c.post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    assert_eq!(res.status(), 200);
    let cookies = set_cookies(&res);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], ADMIN_EMAIL);
    assert_eq!(body["user"]["role"], "system_admin");
    let token = body["csrfToken"].as_str().unwrap();
    assert_eq!(value(cookie(&cookies, "XSRF-TOKEN").unwrap()), token);
    let res = c
        .http
        .put(app.url("/api/business/current/prompt"))
        .header("X-CSRFToken", token)
        .json(&json!({"calls_prompt": "x", "whatsapp_prompt": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn cookie_flags_over_an_http_public_url_in_deploy_mode() {
    let app = spawn_app().await;
    let res =
        app.client().post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    let cookies = set_cookies(&res);
    let session = cookie(&cookies, "frontdesk_session").expect("plain session cookie name over http");
    let xsrf = cookie(&cookies, "XSRF-TOKEN").unwrap();
    for c in [session, xsrf] {
        assert!(c.contains("HttpOnly"), "{c}");
        assert!(c.contains("SameSite=Lax"), "{c}");
        assert!(!c.contains("Secure"), "{c}");
        assert!(c.contains("Path=/"), "{c}");
    }
}

#[tokio::test]
async fn cookie_flags_over_https_are_secure_and_host_prefixed_in_both_modes() {
    for (mode, same_site) in [("deploy", "SameSite=Lax"), ("preview", "SameSite=None")] {
        let app = Spawn::default()
            .env("FRONTDESK_PUBLIC_URL", "https://crm.example.com")
            .env("FRONTDESK_MODE", mode)
            .start()
            .await;
        let res = app
            .client()
            .post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            .await;
        assert_eq!(res.status(), 200);
        let cookies = set_cookies(&res);
        let session = cookie(&cookies, "__Host-frontdesk_session").expect("__Host- prefix when Secure");
        let xsrf = cookie(&cookies, "XSRF-TOKEN").unwrap();
        for c in [session, xsrf] {
            assert!(c.contains("HttpOnly") && c.contains("Secure") && c.contains(same_site), "{mode}: {c}");
            assert!(c.contains("Path=/") && !c.contains("Domain"), "{mode}: {c}");
        }
    }
}

#[tokio::test]
async fn the_session_id_rotates_on_login_impersonate_and_exit() {
    let app = spawn_app().await;
    let c = app.client();
    // Before sign-in there is no session to rotate: the token is stateless.
    let pre = set_cookies(&c.get("/api/auth/csrf").await);
    assert!(cookie(&pre, "frontdesk_session").is_none(), "an anonymous csrf request creates no session");
    // A session made before login (a leftover cookie) is replaced at login: fake one.
    let pre_id = "pre-login-session-id".to_string();
    let res = c.post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    let login_cookies = set_cookies(&res);
    let token = res.json::<Value>().await.unwrap()["csrfToken"].as_str().unwrap().to_string();
    let login_id = value(cookie(&login_cookies, "frontdesk_session").unwrap());
    assert_ne!(pre_id, login_id);
    let res =
        c.http.post(app.url("/api/admin/businesses/1/impersonate")).header("X-CSRFToken", &token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let imp_id = value(cookie(&set_cookies(&res), "frontdesk_session").unwrap());
    assert_ne!(imp_id, login_id);
    let res = c.http.post(app.url("/api/admin/impersonate/exit")).header("X-CSRFToken", &token).send().await.unwrap();
    assert_eq!(res.status(), 200, "the CSRF token survives impersonation");
    let exit_id = value(cookie(&set_cookies(&res), "frontdesk_session").unwrap());
    assert_ne!(exit_id, imp_id);
    // The old ids are dead.
    for old in [pre_id, login_id, imp_id] {
        let res = Client::new()
            .get(app.url("/api/auth/me"))
            .header("Cookie", format!("frontdesk_session={old}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
}

#[tokio::test]
async fn the_csrf_token_is_stable_per_session_and_changes_at_login() {
    let app = spawn_app().await;
    let mut c = app.client();
    let a = c.fetch_csrf().await;
    let b = c.fetch_csrf().await;
    assert_eq!(a, b, "asking again must not invalidate a token already handed out");
    let res = c.post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    let after: Value = res.json().await.unwrap();
    assert_ne!(after["csrfToken"].as_str().unwrap(), a);
    assert_eq!(c.fetch_csrf().await, after["csrfToken"].as_str().unwrap());
}

#[tokio::test]
async fn logout_deletes_the_server_session_so_replaying_its_cookie_gives_401() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c.post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    let sid = value(cookie(&set_cookies(&res), "frontdesk_session").unwrap());
    let res = c.http.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let cleared = set_cookies(&res);
    assert!(cleared.iter().any(|c| c.starts_with("XSRF-TOKEN=;") && c.contains("Max-Age=0")), "{cleared:?}");
    assert_eq!(c.get("/api/auth/me").await.status(), 401);
    let res = Client::new()
        .get(app.url("/api/auth/me"))
        .header("Cookie", format!("frontdesk_session={sid}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(assert_error(&body), "not_authenticated");
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer_in_similar_time() {
    let app = spawn_app().await;
    let c = app.client();
    let mut timings = Vec::new();
    let mut bodies = Vec::new();
    for email in ["nobody@nowhere.io", ADMIN_EMAIL, "nobody2@nowhere.io", ADMIN_EMAIL] {
        let t = Instant::now();
        let res = c.post_json_raw("/api/auth/login", &json!({"email": email, "password": "wrong-password"})).await;
        timings.push(t.elapsed());
        assert_eq!(res.status(), 401);
        bodies.push(res.json::<Value>().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    assert_eq!(bodies[0]["error"], "invalid_credentials");
    // Both paths run one argon2 verification; allow generous noise.
    let (unknown, known) = (timings[0] + timings[2], timings[1] + timings[3]);
    let ratio = unknown.as_secs_f64() / known.as_secs_f64();
    assert!((0.33..3.0).contains(&ratio), "timing differs: unknown {unknown:?} vs known {known:?}");
}

#[tokio::test]
async fn repeated_failures_are_throttled_briefly_with_retry_after() {
    let app = spawn_app().await;
    let c = app.client();
    let mut throttled = None;
    for _ in 0..8 {
        let res = c.post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": "nope-nope"})).await;
        if res.status() == 429 {
            throttled = Some(res);
            break;
        }
        assert_eq!(res.status(), 401);
    }
    let res = throttled.expect("throttled after repeated failures");
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "lockout must stay short: {wait}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(assert_error(&body), "too_many_requests");
    // Once the pause is over, the real password works again.
    tokio::time::sleep(Duration::from_secs(wait)).await;
    app.admin().await;
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_but_not_this_one() {
    let app = spawn_app().await;
    let a = app.admin().await;
    let b = app.admin().await;
    let (s, body) =
        a.post("/api/auth/password", &json!({"current_password": "wrong-one", "new_password": "new-password-9"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "current_password");
    let (s, _) = a
        .post("/api/auth/password", &json!({"current_password": ADMIN_PASSWORD, "new_password": "new-password-9"}))
        .await;
    assert_eq!(s, 204);
    assert_eq!(a.get("/api/auth/me").await.status(), 200);
    assert_eq!(b.get("/api/auth/me").await.status(), 401);
    let res =
        app.client().post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    assert_eq!(res.status(), 401);
    app.login(ADMIN_EMAIL, "new-password-9").await;
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_blocks_login() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = add_user(&admin, "agent@one.io", "agent").await;
    let agent = app.login("agent@one.io", "user-password-1").await;
    let (s, body) = admin.patch(&format!("/api/business/current/users/{id}"), &json!({"disabled": true})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["disabled"], true);
    assert_eq!(agent.get("/api/auth/me").await.status(), 401);
    let res = app
        .client()
        .post_json_raw("/api/auth/login", &json!({"email": "agent@one.io", "password": "user-password-1"}))
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn an_owner_can_end_a_users_sessions() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = add_user(&admin, "agent@two.io", "agent").await;
    let agent = app.login("agent@two.io", "user-password-1").await;
    let (s, _) = admin.delete(&format!("/api/business/current/users/{id}/sessions")).await;
    assert_eq!(s, 204);
    assert_eq!(agent.get("/api/auth/me").await.status(), 401);
}

#[tokio::test]
async fn idle_and_absolute_timeouts_are_enforced_by_the_server() {
    let app = Spawn::default().env("FRONTDESK_SESSION_IDLE_SECS", "2").start().await;
    let c = app.admin().await;
    assert_eq!(c.get("/api/auth/me").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(c.get("/api/auth/me").await.status(), 401, "idle timeout");

    let app = Spawn::default().env("FRONTDESK_SESSION_MAX_SECS", "3").start().await;
    let c = app.admin().await;
    for _ in 0..3 {
        assert_eq!(c.get("/api/auth/me").await.status(), 200);
        tokio::time::sleep(Duration::from_millis(900)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(c.get("/api/auth/me").await.status(), 401, "absolute timeout despite activity");
}
