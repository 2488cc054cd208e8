//! `GET /api/openapi.json`: public, OpenAPI 3.1, with the session cookie and
//! CSRF header as security schemes and the error shape; the router serves
//! every operation it describes (both come from one declaration), and the UI's types in `ui/src/types/api.ts` name the
//! same fields as its main schemas.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

use serde_json::{Value, json};

use crate::helpers::*;

async fn spec(app: &TestApp) -> Value {
    let res = reqwest::get(app.url("/api/openapi.json")).await.unwrap();
    assert_eq!(res.status(), 200, "public: no session needed");
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    res.json().await.unwrap()
}

/// The text up to the `close` that ends the `open` just passed (nesting counted).
fn balanced(s: &str, open: char, close: char) -> &str {
    let mut depth = 1;
    for (i, c) in s.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return &s[..i];
            }
        }
    }
    s
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_spec_is_public_and_lists_every_api_route() {
    let app = spawn_app().await;
    let doc = spec(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);

    // Every operation described is served: asked as the admin (a missing
    // object is fine), none meets the router's "No such endpoint" or a 405.
    let admin = app.admin().await;
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace("{id}", "999999");
        for method in item.as_object().unwrap().keys().filter(|k| *k != "parameters") {
            if path == "/api/auth/logout" {
                continue; // it would end the session the others are asked with
            }
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = admin.send(m, &concrete, Some(&json!({}))).await;
            let status = res.status();
            let streaming = res.headers().get("content-type").is_some_and(|v| v == "text/event-stream");
            // The live stream answers and stays open: its headers are the proof.
            let body = if streaming { String::new() } else { res.text().await.unwrap_or_default() };
            assert_ne!(status, 405, "{method} {path} is described but its method is not routed: {body}");
            assert!(!body.contains("No such endpoint"), "{method} {path} is described but not routed: {body}");
            operations += 1;
        }
    }
    assert!(operations > 40, "the document describes the API: {operations} operations");
    // And a path nobody declared is the router's plain 404, to a read and to a write.
    for m in [reqwest::Method::GET, reqwest::Method::POST] {
        let res = admin.send(m, "/api/not-declared", Some(&json!({}))).await;
        assert_eq!(res.status(), 404);
        assert!(res.text().await.unwrap().contains("No such endpoint"));
    }

    // Every reference resolves.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(doc["components"]["schemas"][name].is_object(), "dangling $ref {r}");
    }

    // The error shape, and every operation answers errors with it.
    let error = &doc["components"]["schemas"]["Error"];
    for field in ["error", "message", "hint"] {
        assert!(error["properties"][field].is_object(), "Error.{field}");
        assert!(error["required"].as_array().unwrap().contains(&json!(field)));
    }
    assert_eq!(
        doc["paths"]["/api/leads/{id}"]["get"]["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Error"
    );

    // Security schemes: the real cookie name, and the CSRF header.
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(
        schemes["csrf"],
        json!({"type": "apiKey", "in": "header", "name": "X-CSRFToken", "description": schemes["csrf"]["description"]})
    );
    assert_eq!(schemes["session"]["in"], "cookie");
    let res =
        app.client().post_json_raw("/api/auth/login", &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    assert_eq!(res.status(), 200);
    let cookie = set_cookies(&res).into_iter().find(|c| c.contains("session")).unwrap();
    assert_eq!(cookie.split('=').next().unwrap(), schemes["session"]["name"].as_str().unwrap());
    // The header must equal the XSRF-TOKEN cookie set with the token: a scheme too.
    assert_eq!(schemes["csrf_cookie"]["in"], "cookie");
    assert_eq!(schemes["csrf_cookie"]["name"], "XSRF-TOKEN");
    // Writes need all three; reading a lead needs the session; the spec itself needs nothing.
    assert_eq!(doc["paths"]["/api/leads"]["post"]["security"], json!([{"session": [], "csrf": [], "csrf_cookie": []}]));
    assert_eq!(doc["paths"]["/api/leads/{id}"]["get"]["security"], json!([{"session": []}]));
    assert_eq!(doc["paths"]["/api/openapi.json"]["get"]["security"], json!([{}]));
    // Bodies: the lead create body and the lead answer.
    let create = &doc["paths"]["/api/leads"]["post"];
    assert!(create["requestBody"]["content"]["application/json"]["schema"].is_object());
    assert_eq!(
        create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Lead"
    );
}

/// `export type Name = { field: ...; ... };` of `ui/src/types/api.ts` -> field names.
fn ts_types() -> BTreeMap<String, BTreeSet<String>> {
    let src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/types/api.ts")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut rest = src.as_str();
    while let Some(at) = rest.find("export type ") {
        rest = &rest[at + "export type ".len()..];
        let Some((name, rhs)) = rest.split_once(" = ") else { continue };
        if name.contains(|c: char| !c.is_ascii_alphanumeric()) {
            continue;
        }
        // `{ ... }`, or `Base & { ... }` (the base's fields and these).
        let (mut fields, after) = match rhs.split_once('{') {
            Some(("", after)) => (BTreeSet::new(), after),
            Some((base, after)) if base.trim_end().ends_with('&') => {
                let base = base.trim_end().trim_end_matches('&').trim();
                (out.get(base).cloned().unwrap_or_default(), after)
            }
            _ => continue,
        };
        let body = balanced(after, '{', '}');
        let mut depth = 0;
        for line in body.split(['\n', ';']) {
            let t = line.trim();
            if depth == 0
                && let Some((field, _)) = t.split_once(':')
                && !t.starts_with("//")
                && !t.starts_with('*')
                && !t.starts_with("/*")
            {
                fields.insert(field.trim().trim_end_matches('?').to_string());
            }
            depth += t.matches('{').count() as i32 - t.matches('}').count() as i32;
        }
        out.insert(name.to_string(), fields);
    }
    out
}

#[tokio::test]
async fn the_ui_types_name_the_fields_the_server_sends() {
    let app = spawn_app().await;
    let doc = spec(&app).await;
    let ts = ts_types();
    // (schema in the spec, type in ui/src/types/api.ts)
    let pairs = [
        ("Lead", "Lead"),
        ("Business", "Business"),
        ("User", "User"),
        ("BusinessUser", "BusinessUser"),
        ("Reminder", "Reminder"),
        ("Activity", "Activity"),
        ("Message", "Message"),
        ("Notification", "AppNotification"),
    ];
    let mut drift = Vec::new();
    for (schema, ty) in pairs {
        let server: BTreeSet<String> = doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("schema {schema} is in the spec"))
            .keys()
            .cloned()
            .collect();
        let Some(ui) = ts.get(ty) else {
            drift.push(format!("ui/src/types/api.ts has no type {ty}"));
            continue;
        };
        let only_server: Vec<_> = server.difference(ui).collect();
        let only_ui: Vec<_> = ui.difference(&server).collect();
        if !only_server.is_empty() || !only_ui.is_empty() {
            drift.push(format!(
                "{ty} vs {schema}: only the server sends {only_server:?}; only the UI expects {only_ui:?}"
            ));
        }
    }
    assert!(drift.is_empty(), "server and UI types drifted:\n{}", drift.join("\n"));
}

/// Every `{name}` of a path is a declared path parameter of each of its
/// operations, and every 2xx answer with a body names its shape (not an
/// untyped `{}`): what Schemathesis needs before it can check anything.
#[tokio::test]
async fn path_parameters_are_declared_and_answers_are_typed() {
    let app = spawn_app().await;
    let doc = spec(&app).await;
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let names: Vec<&str> =
            path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect();
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for name in &names {
                if !params.iter().any(|p| p["in"] == "path" && p["name"] == *name && p["required"] == true) {
                    problems.push(format!("{method} {path}: path parameter `{name}` is not declared"));
                }
            }
            for (status, answer) in op["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    continue;
                }
                for (media, content) in answer["content"].as_object().cloned().unwrap_or_default() {
                    let schema = &content["schema"];
                    if schema.as_object().is_none_or(|s| s.is_empty()) {
                        problems.push(format!("{method} {path}: the {status} {media} answer has no typed schema"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
