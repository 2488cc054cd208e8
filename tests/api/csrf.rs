//! CSRF: one token check for every write outside the exempt list. The
//! route walk reads every route the API declares, so a write route added
//! later is checked without anyone remembering to list it here.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const EXEMPT: &[(&str, &str)] = &[("POST", "/api/auth/login"), ("POST", "/api/auth/logout")];

/// (method, path) of every API route, path parameters set to 1, from the
/// OpenAPI document: the router serves exactly what it describes (both come
/// from one declaration per route), so a write route added later is here.
pub async fn declared_routes(app: &TestApp) -> Vec<(String, String)> {
    let doc: Value = reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete: String =
            path.split('/').map(|seg| if seg.starts_with('{') { "1" } else { seg }).collect::<Vec<_>>().join("/");
        for method in item.as_object().unwrap().keys().filter(|k| *k != "parameters") {
            out.push((method.to_uppercase(), concrete.clone()));
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn every_write_route_outside_the_exempt_list_refuses_a_missing_or_wrong_token() {
    let app = spawn_app().await;
    let routes = declared_routes(&app).await;
    let writes: Vec<_> = routes.iter().filter(|(m, _)| m != "GET").collect();
    for must in [
        ("POST", "/api/admin/businesses/1/impersonate"),
        ("PUT", "/api/business/current/prompt"),
        ("PUT", "/api/admin/businesses/1/prompt"),
        ("POST", "/api/admin/impersonate/exit"),
        ("POST", "/api/auth/password"),
    ] {
        assert!(writes.iter().any(|(m, p)| m == must.0 && p == must.1), "route walk missed {must:?}: {writes:?}");
    }
    let admin = app.admin().await;
    let mut checked = Vec::new();
    for (method, path) in &writes {
        if EXEMPT.iter().any(|(m, p)| m == method && p == path) || path.starts_with("/webhook/") {
            continue;
        }
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        // No header at all.
        let res = admin.http.request(m.clone(), app.url(path)).json(&json!({})).send().await.unwrap();
        assert_eq!(res.status(), 403, "{method} {path} without a token");
        let body: Value = res.json().await.unwrap();
        assert_eq!(assert_error(&body), "csrf_failed", "{method} {path}");
        assert!(body["hint"].as_str().unwrap().contains("X-CSRFToken"));
        // A wrong header, with the token offered in the body and query instead.
        let token = admin.csrf.clone().unwrap();
        let res = admin
            .http
            .request(m, app.url(&format!("{path}?csrfToken={token}")))
            .header("X-CSRFToken", "forged")
            .json(&json!({"csrfToken": token, "_csrf": token}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{method} {path} with a wrong token");
        checked.push(format!("{method} {path}"));
    }
    eprintln!("CSRF walk covered {} write routes: {}", checked.len(), checked.join(", "));
    assert!(checked.len() >= 10);
}

#[tokio::test]
async fn the_exempt_routes_need_no_token() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c.post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    assert_eq!(res.status(), 200);
    let res = c.http.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn the_token_must_match_the_cookie_as_well_as_the_session() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let token = admin.csrf.clone().unwrap();
    // Right header, but the cookie jar's XSRF-TOKEN replaced by another value.
    let res = reqwest::Client::new()
        .put(app.url("/api/business/current/prompt"))
        .header("X-CSRFToken", &token)
        .header("Cookie", "XSRF-TOKEN=something-else")
        .json(&json!({"calls_prompt": "", "whatsapp_prompt": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Another session's valid token is useless here.
    let other = app.admin().await;
    let res = admin
        .http
        .put(app.url("/api/business/current/prompt"))
        .header("X-CSRFToken", other.csrf.unwrap())
        .json(&json!({"calls_prompt": "", "whatsapp_prompt": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn cross_site_writes_are_refused_even_with_a_valid_token_and_at_login() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let token = admin.csrf.clone().unwrap();
    let body = json!({"calls_prompt": "", "whatsapp_prompt": ""});
    let res = admin
        .http
        .put(app.url("/api/business/current/prompt"))
        .header("X-CSRFToken", &token)
        .header("Sec-Fetch-Site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = admin
        .http
        .put(app.url("/api/business/current/prompt"))
        .header("X-CSRFToken", &token)
        .header("Origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = admin
        .http
        .put(app.url("/api/business/current/prompt"))
        .header("X-CSRFToken", &token)
        .header("Sec-Fetch-Site", "same-origin")
        .header("Origin", &app.base)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client()
        .http
        .post(app.url("/api/auth/login"))
        .header("Sec-Fetch-Site", "cross-site")
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "login CSRF is refused too");
}

#[tokio::test]
async fn json_endpoints_refuse_text_plain_bodies() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let res = admin
        .http
        .put(app.url("/api/business/current/prompt"))
        .header("X-CSRFToken", admin.csrf.clone().unwrap())
        .header("Content-Type", "text/plain")
        .body(r#"{"calls_prompt":"a","whatsapp_prompt":"b"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let body: Value = res.json().await.unwrap();
    assert_eq!(assert_error(&body), "unsupported_media_type");
}

#[tokio::test]
async fn logout_kills_the_token_with_the_session() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let token = admin.csrf.clone().unwrap();
    admin.http.post(app.url("/api/auth/logout")).send().await.unwrap();
    let res = admin
        .http
        .put(app.url("/api/business/current/prompt"))
        .header("X-CSRFToken", token)
        .json(&json!({"calls_prompt": "", "whatsapp_prompt": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
