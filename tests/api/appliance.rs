//! The appliance: health, version, static serving, bootstrap, refusals,
//! migrations, backup, shutdown.

use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn health_endpoints_answer_and_other_methods_get_405_not_403() {
    let app = spawn_app().await;
    let c = app.client();
    for path in ["/healthz", "/livez", "/readyz"] {
        let (status, body) = c.get_json(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, json!({"status": "ok"}));
        let res = c.http.post(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 405, "POST {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(assert_error(&body), "method_not_allowed");
    }
    let (status, v) = c.get_json("/version").await;
    assert_eq!(status, 200);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert!(v["build"].as_str().unwrap().starts_with(env!("CARGO_PKG_VERSION")));
    assert_eq!(v["schema_version"], latest_schema_version());
}

#[tokio::test]
async fn index_is_no_store_carries_the_build_id_and_security_headers() {
    let app = spawn_app().await;
    let c = app.client();
    let (_, version) = c.get_json("/version").await;
    for path in ["/", "/leads/42", "/admin/businesses"] {
        let res = c.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        let h = res.headers().clone();
        assert_eq!(h["cache-control"], "no-store");
        assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(h["content-security-policy"].to_str().unwrap().starts_with("default-src 'self'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert!(h.contains_key("referrer-policy"));
        assert!(!h.contains_key("strict-transport-security"), "no HSTS over an http public URL");
        assert!(h.contains_key("x-request-id"));
        let html = res.text().await.unwrap();
        let meta = format!("<meta name=\"frontdesk-build\" content=\"{}\">", version["build"].as_str().unwrap());
        assert!(html.contains(&meta), "{path} lacks {meta}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_missing_assets_are_404() {
    let app = spawn_app().await;
    let c = app.client();
    let html = c.get("/").await.text().await.unwrap();
    // The first script or stylesheet the index references (the favicon may come first).
    let asset = html
        .match_indices("/assets/")
        .map(|(start, _)| &html[start..start + html[start..].find('"').unwrap()])
        .find(|a| a.ends_with(".js") || a.ends_with(".css"))
        .expect("index references a script or stylesheet");
    let res = c.get(asset).await;
    assert_eq!(res.status(), 200, "{asset}");
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    let ct = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.contains("javascript") || ct.contains("css"), "{ct}");
    let res = c.get("/assets/does-not-exist-1234.js").await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn unknown_api_paths_are_json_404_never_the_spa() {
    let app = spawn_app().await;
    let c = app.client();
    for path in ["/api/nope", "/api/leads/1/nothing/here", "/webhook/unknown", "/ws/nothing"] {
        let res = c.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let body: Value = res.json().await.unwrap();
        assert_eq!(assert_error(&body), "not_found");
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_public_url_is_https() {
    let app = Spawn::default().env("FRONTDESK_PUBLIC_URL", "https://crm.example.com").start().await;
    let res = app.client().get("/healthz").await;
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}

#[tokio::test]
async fn first_start_prints_a_generated_password_once_and_a_second_start_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("kept.db");
    let app = Spawn::default()
        .without_env("FRONTDESK_ADMIN_EMAIL")
        .without_env("FRONTDESK_ADMIN_PASSWORD")
        .env("FRONTDESK_BUSINESS_NAME", "Dental Clinic")
        .data_file(data.clone())
        .start()
        .await;
    let out = app.stdout.join("\n");
    assert!(out.contains("admin@localhost"), "{out}");
    let password = out.lines().find_map(|l| l.trim().strip_prefix("password: ")).expect("password printed").trim();
    let admin = app.login("admin@localhost", password).await;
    let (_, me) = admin.get_json("/api/auth/me").await;
    assert_eq!(me["user"]["role"], "system_admin");
    assert_eq!(me["tenant"]["name"], "Dental Clinic");
    let (_, list) = admin.get_json("/api/admin/businesses").await;
    assert_eq!(list["total"], 1);
    let password = password.to_string();
    drop(admin);
    drop(app);
    let again = Spawn::default().env("FRONTDESK_ADMIN_EMAIL", "other@x.io").data_file(data).start().await;
    let out = again.stdout.join("\n");
    assert!(!out.contains("password"), "second start printed a password: {out}");
    let admin = again.login("admin@localhost", &password).await;
    let (_, list) = admin.get_json("/api/admin/businesses").await;
    assert_eq!(list["total"], 1);
    let res = again
        .client()
        .post_json_raw("/api/auth/login", &json!({"email": "other@x.io", "password": ADMIN_PASSWORD}))
        .await;
    assert_eq!(res.status(), 401, "a second start must not create another admin");
}

fn run_refusal(envs: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(bin());
    cmd.arg("serve").env_clear().env("FRONTDESK_BIND", "127.0.0.1:0");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn refuses_an_unwritable_data_path_with_what_to_do() {
    let (ok, err) = run_refusal(&[("FRONTDESK_DATA", "/nonexistent-dir/sub/frontdesk.db")]);
    assert!(!ok);
    assert!(err.contains("/nonexistent-dir/sub/frontdesk.db") && err.contains("FRONTDESK_DATA"), "{err}");
}

#[test]
fn refuses_preview_mode_over_http_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("x.db");
    let (ok, err) = run_refusal(&[
        ("FRONTDESK_DATA", data.to_str().unwrap()),
        ("FRONTDESK_MODE", "preview"),
        ("FRONTDESK_PUBLIC_URL", "http://example.com"),
    ]);
    assert!(!ok);
    assert!(err.contains("preview") && err.contains("https") && err.contains("SameSite=None"), "{err}");
}

#[test]
fn refuses_a_file_from_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("x.db");
    {
        let c = rusqlite::Connection::open(&data).unwrap();
        c.pragma_update(None, "user_version", 999).unwrap();
    }
    let (ok, err) = run_refusal(&[("FRONTDESK_DATA", data.to_str().unwrap())]);
    assert!(!ok);
    assert!(err.contains("999") && err.contains("newer"), "{err}");
}

#[tokio::test]
async fn an_existing_file_is_migrated_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("frontdesk.db");
    {
        // A file some other tool created: version 0, an unrelated table.
        let c = rusqlite::Connection::open(&data).unwrap();
        c.execute_batch("CREATE TABLE keepme (x INTEGER); INSERT INTO keepme VALUES (7);").unwrap();
    }
    let app = Spawn::default().reuse(dir).start().await;
    assert_eq!(app.client().get("/readyz").await.status(), 200);
    let c = rusqlite::Connection::open(app.data_path()).unwrap();
    let v: u32 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, latest_schema_version());
    let x: i64 = c.query_row("SELECT x FROM keepme", [], |r| r.get(0)).unwrap();
    assert_eq!(x, 7);
}

#[tokio::test]
async fn backup_is_a_consistent_copy_while_writes_continue() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let writer = async {
        for i in 0..60 {
            let (s, _) = admin
                .put(
                    "/api/business/current/prompt",
                    &json!({"calls_prompt": format!("c{i}"), "whatsapp_prompt": format!("w{i}")}),
                )
                .await;
            assert_eq!(s, 200);
        }
    };
    let data = app.data_path();
    let dest = app.dir.path().join("copy.db");
    let dest2 = dest.clone();
    let backup = tokio::task::spawn_blocking(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        Command::new(bin()).arg("backup").arg(&dest2).env("FRONTDESK_DATA", &data).output().unwrap()
    });
    let (_, out) = tokio::join!(writer, backup);
    let out = out.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = rusqlite::Connection::open(&dest).unwrap();
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    // The current prompts and the newest revision are written in one transaction.
    let (cur, last): (String, String) = c
        .query_row(
            "SELECT p.calls_prompt, coalesce((SELECT calls_prompt FROM prompt_revisions ORDER BY id DESC LIMIT 1), '')
             FROM prompts p WHERE tenant_id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(cur, last);
    let users: i64 = c.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).unwrap();
    assert_eq!(users, 1);
    // Refuses to overwrite.
    let again = Command::new(bin()).arg("backup").arg(&dest).env("FRONTDESK_DATA", app.data_path()).output().unwrap();
    assert!(!again.status.success());
}

#[tokio::test]
async fn sigterm_stops_cleanly_and_checkpoints_the_wal() {
    let mut app = spawn_app().await;
    let admin = app.admin().await;
    let (s, _) = admin.put("/api/business/current/prompt", &json!({"calls_prompt": "a", "whatsapp_prompt": "b"})).await;
    assert_eq!(s, 200);
    let status = app.terminate();
    assert!(status.success(), "{status:?}");
    let wal = app.data_path().with_extension("db-wal");
    let len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(len, 0, "WAL not checkpointed at shutdown");
}

#[tokio::test]
async fn cli_creates_users_and_resets_passwords() {
    let app = spawn_app().await;
    let data = app.data_path();
    let out = Command::new(bin())
        .args(["user", "create", "--email", "agent@cli.io", "--role", "agent", "--password", "cli-password-1"])
        .env("FRONTDESK_DATA", &data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let agent = app.login("agent@cli.io", "cli-password-1").await;
    let out = Command::new(bin())
        .args(["user", "reset-password", "--email", "agent@cli.io"])
        .env("FRONTDESK_DATA", &data)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let pw = text.lines().find_map(|l| l.strip_prefix("password: ")).unwrap().trim().to_string();
    // Another process changed the database: the server's one-second session cache lets it lag that long.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(agent.get("/api/auth/me").await.status(), 401, "reset ends sessions");
    app.login("agent@cli.io", &pw).await;
}

#[test]
fn help_documents_every_setting() {
    let out = Command::new(bin()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "FRONTDESK_BIND",
        "FRONTDESK_DATA",
        "FRONTDESK_PUBLIC_URL",
        "FRONTDESK_MODE",
        "FRONTDESK_ADMIN_EMAIL",
        "FRONTDESK_ADMIN_PASSWORD",
        "FRONTDESK_BUSINESS_NAME",
        "FRONTDESK_TWILIO_ACCOUNT_SID",
        "FRONTDESK_TWILIO_AUTH_TOKEN",
        "FRONTDESK_TWILIO_API_BASE",
        "FRONTDESK_BAILEYS_URL",
        "FRONTDESK_BAILEYS_SECRET",
        "FRONTDESK_OPENAI_BASE_URL",
        "FRONTDESK_OPENAI_API_KEY",
        "FRONTDESK_OPENAI_CHAT_MODEL",
        "FRONTDESK_OPENAI_REALTIME_URL",
        "FRONTDESK_REMINDER_WEBHOOK_URL",
        "FRONTDESK_REMINDER_WEBHOOK_SECRET",
        "FRONTDESK_HEADER_TIMEOUT_SECS",
        "FRONTDESK_MAX_CONNECTIONS",
        "FRONTDESK_SHUTDOWN_GRACE_SECS",
        "FRONTDESK_DURABILITY",
        "FRONTDESK_WAL_CHECKPOINTS",
        "FRONTDESK_TRUSTED_PROXIES",
    ] {
        assert!(help.contains(var), "--help lacks {var}");
    }
}

fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[tokio::test]
async fn backup_under_concurrent_lead_writes_is_verified_private_and_opens_as_a_data_file() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for i in 0..5 {
        create_lead(&admin, &format!("before{i}"), &format!("0521{i:06}")).await;
    }
    let writer = Session { http: admin.http.clone(), base: admin.base.clone(), csrf: admin.csrf.clone() };
    let writes = tokio::spawn(async move {
        for i in 0..60 {
            create_lead(&writer, &format!("during{i}"), &format!("0522{i:06}")).await;
        }
    });
    let dest = app.dir.path().join("leads-copy.db");
    let (data, dest2) = (app.data_path(), dest.clone());
    let out = tokio::task::spawn_blocking(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        Command::new(bin()).arg("backup").arg(&dest2).env("FRONTDESK_DATA", &data).output().unwrap()
    })
    .await
    .unwrap();
    writes.await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("integrity check ok"));
    assert_eq!(mode_of(&dest), 0o600, "the backup is private");
    assert!(!with_suffix(&dest, "-wal").exists(), "the copy is one self-contained file");
    let copied: i64 = {
        let c = rusqlite::Connection::open(&dest).unwrap();
        c.query_row("SELECT count(*) FROM leads", [], |r| r.get(0)).unwrap()
    };
    assert!((5..=65).contains(&copied), "{copied} leads in the copy");
    // The copy is a working data file: a server started on it sees the same leads.
    let restored = Spawn::default().data_file(dest.clone()).start().await;
    let (status, list) = restored.admin().await.get_json("/api/leads?page_size=1").await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], copied);
    drop(restored);

    // Never onto an existing path, which is left exactly as it was.
    let existing = app.dir.path().join("existing.db");
    std::fs::write(&existing, b"not to be touched").unwrap();
    let out = Command::new(bin()).arg("backup").arg(&existing).env("FRONTDESK_DATA", app.data_path()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&existing).unwrap(), b"not to be touched");
}

#[tokio::test]
async fn the_data_file_and_its_wal_and_shm_are_private_and_a_readable_existing_file_is_tightened() {
    let app = spawn_app().await;
    assert_eq!(app.client().get("/readyz").await.status(), 200);
    for suffix in ["", "-wal", "-shm"] {
        assert_eq!(mode_of(&with_suffix(&app.data_path(), suffix)), 0o600, "fresh data file{suffix}");
    }

    // A file some other tool or an older version left readable by everyone.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("frontdesk.db");
    {
        let c = rusqlite::Connection::open(&data).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE keepme (x INTEGER); INSERT INTO keepme VALUES (7);")
            .unwrap();
    }
    // Left behind beside it, as after a crash.
    std::fs::write(with_suffix(&data, "-wal"), b"").unwrap();
    std::fs::write(with_suffix(&data, "-shm"), b"").unwrap();
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(with_suffix(&data, suffix), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let app = Spawn::default().reuse(dir).start().await;
    assert_eq!(app.client().get("/readyz").await.status(), 200);
    for suffix in ["", "-wal", "-shm"] {
        assert_eq!(mode_of(&with_suffix(&app.data_path(), suffix)), 0o600, "tightened data file{suffix}");
    }
    let c = rusqlite::Connection::open(app.data_path()).unwrap();
    let x: i64 = c.query_row("SELECT x FROM keepme", [], |r| r.get(0)).unwrap();
    assert_eq!(x, 7);
}
