//! Hardening of the running appliance: a symlinked data path, client
//! addresses behind proxies, the platform admin's addresses in a business's
//! audit view, and calls that cost the platform money.

use std::{ffi::OsStr, time::Duration};

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::{helpers::*, providers};

fn restore_refused(data: &std::path::Path, backup: &std::path::Path) {
    let out = run_cli(data, &[OsStr::new("restore"), backup.as_os_str()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "restore via {} ran under a live server", data.display());
    assert!(err.contains("in use"), "{err}");
}

#[tokio::test]
async fn a_symlinked_data_path_writes_to_its_target_and_shares_its_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("real")).unwrap();
    std::fs::create_dir(root.join("links")).unwrap();
    let real = root.join("real/frontdesk.db");
    // An empty file is a new database to SQLite; private, as the server would make it.
    std::os::unix::fs::OpenOptionsExt::mode(std::fs::OpenOptions::new().write(true).create_new(true), 0o600)
        .open(&real)
        .unwrap();
    let link = root.join("links/frontdesk.db");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let app = Spawn::default().data_file(link.clone()).reuse(dir).start().await;
    assert_eq!(app.client().get("/readyz").await.status(), 200);
    let admin = app.admin().await;
    create_lead(&admin, "Linked", "0521239876").await;
    assert_eq!(app.client().get("/readyz").await.status(), 200);
    let n: i64 = Connection::open(&real)
        .unwrap()
        .query_row("SELECT count(*) FROM leads WHERE first_name = 'Linked'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1, "the lead is in the link's target");
    assert!(with_suffix(&real, "-wal").exists());
    assert_eq!(names_in(&root.join("links")), ["frontdesk.db"], "nothing is named after the link");

    let backup = root.join("b.db");
    let out = run_cli(&link, &[OsStr::new("backup"), backup.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    restore_refused(&real, &backup);
    restore_refused(&link, &backup);
    create_lead(&admin, "After", "0521239877").await;
    assert_eq!(leads(&admin).await.len(), 2, "the server goes on with its own file");
}

async fn login_from(app: &TestApp, email: &str, password: &str, forwarded_for: &[u8]) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", reqwest::header::HeaderValue::from_bytes(forwarded_for).unwrap())
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_with_ported_hops_keep_their_own_address() {
    let app = Spawn::default().env("FRONTDESK_TRUSTED_PROXIES", "127.0.0.1, ::1").start().await;
    for i in 0..30 {
        let res = login_from(&app, &format!("nobody{i}@x.io"), "wrong-password", b"203.0.113.66:4711").await;
        assert_eq!(res.status(), 401);
    }
    let res = login_from(&app, "nobody99@x.io", "wrong-password", b"203.0.113.66:4711").await;
    assert_eq!(res.status(), 429, "the guessing client is paused");
    // Another client of the same proxy, its hop in brackets with a port: its own bucket.
    let res = login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, b"[2001:db8::5]:443").await;
    assert_eq!(res.status(), 200);
    // Garbage a client writes itself (here a non-ASCII byte) does not hide it.
    let res = login_from(&app, "hidden@x.io", "wrong-password", b"\xff\xfe, 198.51.100.9:5000").await;
    assert_eq!(res.status(), 401);

    let admin = app.admin().await;
    let (_, audit) = admin.get_json("/api/admin/audit?action=login.failure&page_size=100").await;
    let ips: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["ip"].as_str()).collect();
    assert!(ips.contains(&"203.0.113.66") && ips.contains(&"198.51.100.9"), "{ips:?}");
    assert!(!ips.contains(&"127.0.0.1"), "{ips:?}");
    let (_, audit) = admin.get_json("/api/admin/audit?action=login.success&page_size=100").await;
    let ips: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["ip"].as_str()).collect();
    assert!(ips.contains(&"2001:db8::5"), "{ips:?}");
}

#[tokio::test]
async fn a_business_audit_view_hides_the_admins_address_on_every_admin_entry() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Other", "o3@x.io", "+972035550002").await;
    let (st, body) =
        admin.post("/api/leads", &json!({"first_name": "In", "phone_e164": "0521000012", "tenant_id": b})).await;
    assert_eq!(st, 201, "{body}");
    assert_eq!(admin.post_empty(&format!("/api/admin/businesses/{b}/impersonate")).await.0, 200);
    create_lead(&admin, "Impersonated", "0521000013").await;
    assert_eq!(admin.post_empty("/api/admin/impersonate/exit").await.0, 200);

    let owner = app.login("o3@x.io", "owner-password-1").await;
    let (_, audit) = owner.get_json("/api/business/current/audit?page_size=100").await;
    let rows = audit["items"].as_array().unwrap();
    let admins: Vec<&Value> = rows.iter().filter(|r| r["actor_email"] == ADMIN_EMAIL).collect();
    let actions: Vec<&str> = admins.iter().map(|r| r["action"].as_str().unwrap()).collect();
    for a in ["admin.write", "impersonate.start", "impersonate.exit"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert!(admins.iter().all(|r| r["ip"].is_null()), "{admins:?}");
    assert!(rows.iter().any(|r| r["actor_email"] == "o3@x.io" && r["ip"] == "127.0.0.1"), "the owner's own are shown");

    // The admin's own view still shows them.
    let (_, all) = admin.get_json(&format!("/api/admin/audit?tenant_id={b}&page_size=100")).await;
    let shown: Vec<&Value> =
        all["items"].as_array().unwrap().iter().filter(|r| r["action"] == "impersonate.start").collect();
    assert!(!shown.is_empty() && shown.iter().all(|r| r["ip"] == "127.0.0.1"), "{all}");
}

#[tokio::test]
async fn forwarding_abroad_needs_the_platform_admins_permission() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Forwarder", "o4@x.io", "+972035550003").await;
    let owner = app.login("o4@x.io", "owner-password-1").await;
    let (_, current) = owner.get_json("/api/business/current").await;
    assert_eq!(current["allow_international_forward"], false, "{current}");

    let (st, body) = owner.patch("/api/business/current", &json!({"forward_e164": "+14155550100"})).await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(assert_error(&body), "invalid_input");
    assert_eq!(body["field"], "forward_e164");
    assert!(body["hint"].as_str().unwrap().contains("platform admin"), "{body}");
    let (st, body) = owner.patch("/api/business/current", &json!({"forward_e164": "052-123-4567"})).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["forward_e164"], "+972521234567");

    // The owner cannot grant it to themselves.
    let (st, body) = owner.patch("/api/business/current", &json!({"allow_international_forward": true})).await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(body["field"], "allow_international_forward");
    assert!(body["hint"].as_str().unwrap().contains("platform admin"), "{body}");

    let (st, body) =
        admin.patch(&format!("/api/admin/businesses/{b}"), &json!({"allow_international_forward": true})).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["allow_international_forward"], true);
    let (st, body) = owner.patch("/api/business/current", &json!({"forward_e164": "+14155550100"})).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["allow_international_forward"], true);

    // Taking the permission back leaves the stored number; the next write is checked again.
    let (st, body) =
        admin.patch(&format!("/api/admin/businesses/{b}"), &json!({"allow_international_forward": false})).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["forward_e164"], "+14155550100");
    let (_, one) = admin.get_json(&format!("/api/admin/businesses/{b}")).await;
    assert_eq!(one["allow_international_forward"], false);
    let (st, body) = owner.patch("/api/business/current", &json!({"forward_e164": "+442079460958"})).await;
    assert_eq!(st, 400, "{body}");
    let (_, current) = owner.get_json("/api/business/current").await;
    assert_eq!(current["forward_e164"], "+14155550100", "a refused write changes nothing");
}

/// Missed-call notices (and alerts) an owner got about `caller`.
async fn missed_call_notices(owner: &Session, caller: &str) -> (usize, usize) {
    let (_, n) = owner.get_json("/api/notifications?page_size=100").await;
    let notes = n["items"].as_array().unwrap().iter().filter(|x| x["kind"] == "missed_call" && x["title"] == caller);
    let (_, a) = owner.get_json("/api/alerts").await;
    let alerts = a["items"].as_array().unwrap().iter().filter(|x| {
        x["kind"] == "missed_call" && x["title"].as_str().unwrap_or("").contains(caller) && x["channel"] == "whatsapp"
    });
    (notes.count(), alerts.count())
}

#[tokio::test]
async fn one_callers_missed_calls_alert_each_owner_once_per_ten_minutes() {
    let (app, admin) = providers::app_with(&[]).await;
    let mut owners = Vec::new();
    for (email, phone) in [("own1@biz.test", "0549876501"), ("own2@biz.test", "0549876502")] {
        add_user(&admin, email, "owner").await;
        let owner = providers::login_over_http_as(&app, email, "user-password-1").await;
        let (s, me) = owner.patch("/api/auth/me", &json!({"phone_e164": phone, "notify_whatsapp": true})).await;
        assert_eq!(s, 200, "{me}");
        owners.push(owner);
    }
    let calls =
        [("CAr1", "+972521231301"), ("CAr2", "+972521231301"), ("CAr3", "+972521231301"), ("CAo1", "+972521231302")];
    for (sid, from) in calls {
        let (s, _) = providers::signed(
            &app,
            "/webhook/twilio/voice",
            &[("CallSid", sid), ("From", from), ("To", "+972031234567")],
        )
        .await;
        assert_eq!(s, 200);
    }
    for owner in &owners {
        eventually(Duration::from_secs(5), "both callers' notices", || async {
            let a = missed_call_notices(owner, "+972521231301").await;
            let b = missed_call_notices(owner, "+972521231302").await;
            (a.0 >= 1 && b.0 >= 1).then_some(())
        })
        .await;
    }
    // Every follow-up has had time to run.
    tokio::time::sleep(Duration::from_millis(700)).await;
    for owner in &owners {
        assert_eq!(missed_call_notices(owner, "+972521231301").await, (1, 1), "three calls, one alert");
        assert_eq!(missed_call_notices(owner, "+972521231302").await, (1, 1), "another caller, its own alert");
    }
    // The timeline still shows each call.
    let lead = leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521231301").unwrap();
    let calls = activities(&admin, lead["id"].as_i64().unwrap()).await.into_iter().filter(|a| a["kind"] == "call");
    assert_eq!(calls.count(), 3);
}

#[tokio::test]
async fn a_redelivered_recording_callback_adds_one_voicemail() {
    let (app, admin) = providers::app_with(&[]).await;
    let call = [("CallSid", "CAv1"), ("From", "+972521231303"), ("To", "+972031234567")];
    assert_eq!(providers::signed(&app, "/webhook/twilio/voice", &call).await.0, 200);
    let rec = [
        ("CallSid", "CAv1"),
        ("RecordingSid", "RE0123456789abcdef0123456789abcdef"),
        ("RecordingStatus", "completed"),
        (
            "RecordingUrl",
            "https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings/RE0123456789abcdef0123456789abcdef",
        ),
        ("RecordingDuration", "9"),
    ];
    for attempt in 0..2 {
        let (s, body) = providers::signed(&app, "/webhook/twilio/recording", &rec).await;
        assert!((200..300).contains(&s.as_u16()), "attempt {attempt}: {s} {body}");
    }
    let lead = leads(&admin).await.into_iter().find(|l| l["phone_e164"] == "+972521231303").unwrap();
    let lead_id = lead["id"].as_i64().unwrap();
    wait_for_kind(&admin, lead_id, "voicemail", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let voicemails = activities(&admin, lead_id).await.into_iter().filter(|a| a["kind"] == "voicemail").count();
    assert_eq!(voicemails, 1, "one voicemail per RecordingSid");

    // Another recording of the same call is its own voicemail.
    let mut other = rec;
    other[1].1 = "RE1111111111abcdef0123456789abcdef";
    other[3].1 = "https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings/RE1111111111abcdef0123456789abcdef";
    assert_eq!(providers::signed(&app, "/webhook/twilio/recording", &other).await.0, 200);
    wait_for_kind(&admin, lead_id, "voicemail", 2).await;
}

#[tokio::test]
async fn settings_kept_in_the_settings_object_do_not_clobber_each_other() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Both", "o9@x.io", "+972035550009").await;
    let owner = app.login("o9@x.io", "owner-password-1").await;
    let (s, body) =
        admin.patch(&format!("/api/admin/businesses/{b}"), &json!({"allow_international_forward": true})).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = owner.patch("/api/business/current", &json!({"ai_max_replies_per_hour_business": 50})).await;
    assert_eq!(s, 200, "{body}");
    let (_, cur) = owner.get_json("/api/business/current").await;
    assert_eq!(
        (cur["allow_international_forward"].as_bool(), cur["ai_max_replies_per_hour_business"].as_i64()),
        (Some(true), Some(50))
    );
    let (s, _) = owner.patch("/api/business/current", &json!({"name": "Both again"})).await;
    assert_eq!(s, 200);
    let (s, _) =
        admin.patch(&format!("/api/admin/businesses/{b}"), &json!({"allow_international_forward": false})).await;
    assert_eq!(s, 200);
    let (_, cur) = owner.get_json("/api/business/current").await;
    assert_eq!(
        (cur["allow_international_forward"].as_bool(), cur["ai_max_replies_per_hour_business"].as_i64()),
        (Some(false), Some(50))
    );
}
