//! Test helpers: spawn the real binary on a random port with its own data
//! file, talk to it over HTTP with a cookie-keeping client, read its leads
//! and timelines, and wait for what happens in the background.

use std::{
    future::Future,
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@test.local";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_frontdesk")
}

/// A running server. Killed (and its data removed) on drop.
pub struct TestApp {
    pub base: String,
    pub child: Child,
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub stdout: Vec<String>,
}

pub struct Spawn {
    pub env: Vec<(String, String)>,
    pub data: Option<PathBuf>,
    pub dir: Option<tempfile::TempDir>,
}

impl Default for Spawn {
    fn default() -> Self {
        Spawn {
            env: vec![
                ("FRONTDESK_ADMIN_EMAIL".into(), ADMIN_EMAIL.into()),
                ("FRONTDESK_ADMIN_PASSWORD".into(), ADMIN_PASSWORD.into()),
                // Tests of other things should not wait out the WhatsApp AI's burst window.
                ("FRONTDESK_AI_DEBOUNCE_MS".into(), "50".into()),
            ],
            data: None,
            dir: None,
        }
    }
}

impl Spawn {
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.retain(|(key, _)| key != k);
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn without_env(mut self, k: &str) -> Self {
        self.env.retain(|(key, _)| key != k);
        self
    }

    pub fn data_file(mut self, path: PathBuf) -> Self {
        self.data = Some(path);
        self
    }

    pub fn reuse(mut self, dir: tempfile::TempDir) -> Self {
        self.dir = Some(dir);
        self
    }

    pub async fn start(self) -> TestApp {
        let dir = self.dir.unwrap_or_else(|| tempfile::tempdir().unwrap());
        let data = self.data.unwrap_or_else(|| dir.path().join("frontdesk.db"));
        let mut cmd = Command::new(bin());
        cmd.arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "warn")
            .env("FRONTDESK_BIND", "127.0.0.1:0")
            .env("FRONTDESK_DATA", &data)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn frontdesk");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        let base = loop {
            let line = rx.recv_timeout(Duration::from_secs(30)).expect("server did not print its address");
            lines.push(line.clone());
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        TestApp { base, child, dir, data, stdout: lines }
    }
}

pub async fn spawn_app() -> TestApp {
    Spawn::default().start().await
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn data_path(&self) -> PathBuf {
        self.data.clone()
    }

    /// A fresh cookie-keeping client (one browser).
    pub fn client(&self) -> Session {
        Session { http: Client::builder().cookie_store(true).build().unwrap(), base: self.base.clone(), csrf: None }
    }

    /// A client signed in as `email`, holding its CSRF token.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let mut s = self.client();
        let res = s.post_json_raw("/api/auth/login", &json!({"email": email, "password": password})).await;
        assert_eq!(res.status(), 200, "login as {email}");
        let body: Value = res.json().await.unwrap();
        s.csrf = Some(body["csrfToken"].as_str().unwrap().to_string());
        s
    }

    pub async fn admin(&self) -> Session {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        self.child.wait().unwrap()
    }

    /// SIGTERM, then wait (without blocking the test's runtime) for the exit;
    /// panics if it takes longer than `limit`.
    pub async fn terminate_within(&mut self, limit: Duration) -> std::process::ExitStatus {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(std::time::Instant::now() < deadline, "the server did not exit within {limit:?} of SIGTERM");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `host:port` for raw TCP clients.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

/// One browser: cookie jar plus the CSRF token it was handed.
pub struct Session {
    pub http: Client,
    pub base: String,
    pub csrf: Option<String>,
}

impl Session {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let res = self.get(path).await;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn fetch_csrf(&mut self) -> String {
        let (status, body) = self.get_json("/api/auth/csrf").await;
        assert_eq!(status, 200);
        let t = body["csrfToken"].as_str().unwrap().to_string();
        self.csrf = Some(t.clone());
        t
    }

    /// A write with JSON body and the CSRF header (when a token is held).
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Response {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = &self.csrf {
            req = req.header("X-CSRFToken", t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.unwrap()
    }

    pub async fn send_json(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        let res = self.send(method, path, body).await;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn post_empty(&self, path: &str) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::POST, path, None).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::DELETE, path, None).await
    }

    /// A POST without the CSRF header.
    pub async fn post_json_raw(&self, path: &str, body: &Value) -> Response {
        self.http.post(self.url(path)).json(body).send().await.unwrap()
    }
}

/// Asserts the error shape every non-2xx answer has (`{error, message, hint}`)
/// and returns the code.
pub fn assert_error(body: &Value) -> &str {
    assert!(body["message"].is_string(), "error body without message: {body}");
    assert!(body["hint"].is_string(), "error body without hint: {body}");
    body["error"].as_str().unwrap_or_else(|| panic!("error body without error: {body}"))
}

/// Creates a business with an owner, as the admin; returns the business id.
pub async fn create_business(admin: &Session, name: &str, owner_email: &str, phone: &str) -> i64 {
    let (status, body) = admin
        .post(
            "/api/admin/businesses",
            &json!({
                "name": name, "phone_e164": phone, "timezone": "Asia/Jerusalem",
                "owner": {"email": owner_email, "name": format!("Owner of {name}"), "password": "owner-password-1"}
            }),
        )
        .await;
    assert_eq!(status, 201, "create business: {body}");
    body["id"].as_i64().unwrap()
}

/// Adds a user to the admin's or owner's current business.
pub async fn add_user(manager: &Session, email: &str, role: &str) -> i64 {
    let (status, body) = manager
        .post(
            "/api/business/current/users",
            &json!({"email": email, "name": email, "password": "user-password-1", "role": role}),
        )
        .await;
    assert_eq!(status, 201, "add user: {body}");
    body["id"].as_i64().unwrap()
}

pub fn set_cookies(res: &Response) -> Vec<String> {
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

/// Reads server-sent events from `path` into a channel of (event, data).
pub async fn sse(session: &Session, path: &str) -> tokio::sync::mpsc::UnboundedReceiver<(String, serde_json::Value)> {
    let res = session.get(path).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut res = res;
        let mut buf = String::new();
        while let Ok(Some(chunk)) = res.chunk().await {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                let mut event = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(e) = line.strip_prefix("event: ").or_else(|| line.strip_prefix("event:")) {
                        event = e.trim().to_string();
                    } else if let Some(d) = line.strip_prefix("data: ").or_else(|| line.strip_prefix("data:")) {
                        data.push_str(d);
                    }
                }
                if tx.send((event, serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)))).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// Creates a lead (source `form`) and returns it; panics unless 201.
pub async fn create_lead(s: &Session, first: &str, phone: &str) -> Value {
    let (st, body) = s.post("/api/leads", &json!({"first_name": first, "phone_e164": phone, "source": "form"})).await;
    assert_eq!(st, 201, "{body}");
    body
}

/// The first 100 leads the session can see, most recently active first.
pub async fn leads(s: &Session) -> Vec<Value> {
    s.get_json("/api/leads?page_size=100").await.1["items"].as_array().unwrap().clone()
}

/// The newest page of a lead's timeline, newest first.
pub async fn activities(s: &Session, lead_id: i64) -> Vec<Value> {
    s.get_json(&format!("/api/leads/{lead_id}/activities")).await.1["items"].as_array().unwrap().clone()
}

/// Polls `check` every 100 ms for up to `limit`; true once it holds.
pub async fn wait_until<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Polls `check` every 100 ms until it yields a value; panics after `limit`
/// saying what never happened.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (up to 10 s) until a lead's timeline holds `n` activities of `kind`; returns the timeline.
pub async fn wait_for_kind(s: &Session, lead_id: i64, kind: &str, n: usize) -> Vec<Value> {
    eventually(Duration::from_secs(10), &format!("{n} {kind} activity on lead {lead_id}"), || async {
        let acts = activities(s, lead_id).await;
        (acts.iter().filter(|a| a["kind"] == kind).count() >= n).then_some(acts)
    })
    .await
}

/// A data file as schema version 1 left it: only the `-- version: 1` block of
/// `schema.sql`, `user_version` 1, business #1 and one lead (Dana, +972521234567).
/// The newest `-- version: N` block of schema.sql: what a migrated file ends at.
pub fn latest_schema_version() -> u32 {
    include_str!("../../schema.sql")
        .lines()
        .filter_map(|l| l.strip_prefix("-- version: "))
        .filter_map(|v| v.trim().parse().ok())
        .max()
        .unwrap()
}

pub fn schema_v1_file(path: &std::path::Path) {
    let c = schema_file_at(path, 1);
    c.execute_batch(
        "INSERT INTO tenants (id, name) VALUES (1, 'Old Business');
         INSERT INTO leads (tenant_id, first_name, phone_e164, source) VALUES (1, 'Dana', '+972521234567', 'manual');
         PRAGMA user_version = 1;",
    )
    .unwrap();
}

/// A data file at `path` made by schema.sql's blocks up to `version`, as an
/// older frontdesk left it (its `user_version` is set by the caller's rows).
pub fn schema_file_at(path: &std::path::Path, version: u32) -> rusqlite::Connection {
    let schema = include_str!("../../schema.sql");
    let start = schema.find("-- version: 1\n").expect("schema.sql has a version 1 block");
    let end = schema.find(&format!("-- version: {}\n", version + 1)).unwrap_or(schema.len());
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(&schema[start..end]).unwrap();
    c
}

/// `path` with `suffix` appended to its file name (`-wal`, `.pre-v2.db`, ...).
pub fn with_suffix(path: &std::path::Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// Runs `frontdesk ARGS` against the data file `data`.
pub fn run_cli(data: &std::path::Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(bin()).args(args).env_clear().env("FRONTDESK_DATA", data).output().unwrap()
}

/// File names in `dir`, sorted.
pub fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A test that cannot run its real part (a tool is missing, the build left
/// something out) calls this with what is missing. Under CI (`FRONTDESK_CI=1`,
/// set by `.ci/run`) that fails the test: a skip there would pass unnoticed.
/// Elsewhere it prints the reason, and the caller returns early.
pub fn skip_unless_ci(test: &str, missing: &str) {
    assert!(
        !std::env::var("FRONTDESK_CI").is_ok_and(|v| v == "1"),
        "{test} cannot run under CI (FRONTDESK_CI=1): {missing}"
    );
    eprintln!("skipping {test}: {missing}");
}
