//! Bad input, everywhere: every declared route (the API's from its OpenAPI
//! document, the others from the source) gets malformed JSON, wrong types, huge strings, control
//! characters, far-past and far-future times, and odd ids and page sizes.
//! No answer may be a 5xx, every error must have the `{error, message, hint}`
//! shape, and the server must answer `/livez` after each request.

use std::path::Path;

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::{csrf::declared_routes, helpers::*};

/// (method, path) of every route outside the API (webhooks, health, the
/// voice socket), which the OpenAPI document does not describe, read from
/// each `.route("...")` under src/; path params set to 1.
fn routes_outside_the_api() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                parse(&std::fs::read_to_string(&path).unwrap(), out);
            }
        }
    }
    fn parse(src: &str, out: &mut Vec<(String, String)>) {
        let mut rest = src;
        while let Some(i) = rest.find(".route(\"") {
            rest = &rest[i + 8..];
            let end = rest.find('"').unwrap();
            let path = rest[..end].to_string();
            // The method chain runs until the closing parenthesis of .route(
            let mut depth = 1;
            let mut close = 0;
            for (j, ch) in rest.char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            close = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let chain = &rest[end..close];
            let concrete: String = {
                let mut s = String::new();
                let mut in_param = false;
                for ch in path.chars() {
                    match ch {
                        '{' => {
                            in_param = true;
                            s.push('1');
                        }
                        '}' => in_param = false,
                        c if !in_param => s.push(c),
                        _ => {}
                    }
                }
                s
            };
            for m in ["get", "post", "put", "patch", "delete"] {
                let called = chain
                    .match_indices(&format!("{m}("))
                    .any(|(k, _)| k == 0 || !chain[..k].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                if called {
                    out.push((m.to_uppercase(), concrete.clone()));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out.retain(|(_, p)| !p.starts_with("/api/"));
    out.sort();
    out.dedup();
    out
}

const IDS: &[&str] = &["1", "0", "-1", "99999999999999999999", "abc", "%00"];

fn with_id(path: &str, id: &str) -> String {
    // Declared paths have their parameters set to 1.
    path.split('/').map(|seg| if seg == "1" { id } else { seg }).collect::<Vec<_>>().join("/")
}

/// Bodies that are wrong in every way a client can be wrong.
fn bad_bodies() -> Vec<(&'static str, String)> {
    let wrong_types = json!({
        "first_name": 5, "last_name": [], "phone_e164": {"x": 1}, "email": true, "status": 7, "source": [],
        "notes": 1.5, "note": {}, "body": null, "text": 3, "due_at": 12, "name": [], "timezone": 5,
        "calls_prompt": 1, "whatsapp_prompt": false, "password": 1, "role": {}, "disabled": "yes",
        "current_password": [], "new_password": 2, "tenant_id": "one", "assignee_user_id": "me"
    });
    let huge = "x".repeat(200_000);
    let huge_body = json!({
        "first_name": huge, "phone_e164": huge, "email": huge, "notes": huge, "note": huge, "body": huge,
        "text": huge, "name": huge, "due_at": huge, "calls_prompt": huge, "whatsapp_prompt": huge, "status": huge
    });
    let control = json!({
        "first_name": "a\u{0}b", "phone_e164": "052\u{1}1234567", "email": "a\u{7}@b.co", "notes": "\u{1b}[31m",
        "note": "x\u{0}", "body": "\u{0}", "text": "\u{8}", "name": "n\u{0}", "status": "new\u{0}",
        "due_at": "2099-01-01T00:00:00Z\u{0}"
    });
    let times = json!({
        "due_at": "9999-12-31T23:59:59-23:59", "note": "far", "first_name": "T", "phone_e164": "0521234567"
    });
    let past = json!({"due_at": "0001-01-01T00:00:00+23:59", "note": "past"});
    vec![
        ("malformed JSON", "{\"first_name\": ".to_string()),
        ("not an object", "[1,2,3]".to_string()),
        ("wrong types", wrong_types.to_string()),
        ("huge strings", huge_body.to_string()),
        ("control characters", control.to_string()),
        ("far-future time", times.to_string()),
        ("far-past time", past.to_string()),
    ]
}

fn queries() -> Vec<String> {
    vec![
        "?page=-5&page_size=999999999".into(),
        "?page=99999999999999999999".into(),
        format!("?q={}", "q".repeat(5000)),
        "?q=%00%01&status=%00&source=x".into(),
        "?due_before=9999-12-31T23:59:59-23:59&status=pending".into(),
        "?tenant_id=-1&action=%FF".into(),
        "?page_size=abc".into(),
    ]
}

async fn check(app: &TestApp, what: &str, res: reqwest::Response) {
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    // 503 provider_unavailable is a designed answer (nothing configured to send through); no other 5xx is.
    let designed = status == StatusCode::SERVICE_UNAVAILABLE && text.contains("\"provider_unavailable\"");
    assert!(!status.is_server_error() || designed, "{what}: {status} {text}");
    if status.is_client_error() || designed {
        // TwiML answers (voice) are XML by design; everything else is the JSON error shape.
        if !text.starts_with("<?xml") {
            let body: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: {status} not JSON: {text}"));
            assert_error(&body);
        }
    }
    let live = Client::new().get(app.url("/livez")).send().await;
    assert!(live.is_ok_and(|r| r.status() == StatusCode::OK), "{what}: the server stopped answering");
}

#[tokio::test]
async fn every_route_survives_bad_input_with_a_4xx_json_error() {
    // Webhook secrets set, so webhooks are judged (403), not refused as unconfigured.
    let app = Spawn::default()
        .env("FRONTDESK_TWILIO_AUTH_TOKEN", "sweep-token")
        .env("FRONTDESK_BAILEYS_SECRET", "sweep-secret")
        .start()
        .await;
    let mut routes = declared_routes(&app).await;
    let outside = routes_outside_the_api();
    assert!(outside.iter().any(|(_, p)| p.starts_with("/webhook/")), "the source walk found the webhooks: {outside:?}");
    routes.extend(outside);
    assert!(routes.len() > 25, "the route walk found too few routes: {routes:?}");
    let mut admin = app.admin().await;
    admin.post("/api/leads", &json!({"first_name": "Sweep", "phone_e164": "0521111111"})).await;
    let mut sent = 0;
    for (method, path) in &routes {
        // Logging out would only end the sweep's own session; the event stream
        // never ends by itself (its own tests cover it).
        if path == "/api/auth/logout" || path == "/api/events" {
            continue;
        }
        let method: Method = method.parse().unwrap();
        let ids: &[&str] = if path.split('/').any(|s| s == "1") { IDS } else { &["1"] };
        for id in ids {
            let url = with_id(path, id);
            if method == Method::GET {
                for q in queries() {
                    let res = admin.http.get(admin.url(&format!("{url}{q}"))).send().await.unwrap();
                    check(&app, &format!("GET {url}{q:.40}"), res).await;
                    sent += 1;
                }
                continue;
            }
            for (name, body) in bad_bodies() {
                let sent_res = admin
                    .http
                    .request(method.clone(), admin.url(&url))
                    .header("X-CSRFToken", admin.csrf.clone().unwrap())
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await;
                // A route that takes no body may answer (and close) before a large body is
                // fully written: the client then sees a broken pipe. Legitimate HTTP; the
                // server must simply still be there.
                let res = match sent_res {
                    Ok(res) => res,
                    Err(e) if e.is_request() => {
                        let live = Client::new().get(app.url("/livez")).send().await;
                        assert!(live.is_ok_and(|r| r.status() == StatusCode::OK), "{method} {url} with {name}: {e}");
                        continue;
                    }
                    Err(e) => panic!("{method} {url} with {name}: {e}"),
                };
                let status = res.status();
                check(&app, &format!("{method} {url} with {name}"), res).await;
                sent += 1;
                // A request that ended the admin's own sessions: sign in again and go on.
                // The server may close a connection whose body it did not read just as the
                // client's pool reuses it for this GET; a fresh connection answers then.
                let me = match admin.http.get(admin.url("/api/auth/me")).send().await {
                    Ok(res) => res.status(),
                    Err(e) if e.is_request() => admin.get("/api/auth/me").await.status(),
                    Err(e) => panic!("GET /api/auth/me after {method} {url} with {name}: {e}"),
                };
                if status == StatusCode::UNAUTHORIZED || me == 401 {
                    admin = app.admin().await;
                }
            }
        }
    }
    assert!(sent > 300, "only {sent} requests sent");
}
