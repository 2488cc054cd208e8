//! Schemathesis against `/api/openapi.json`: every operation, all phases,
//! as a signed-in owner (and the admin-only operations as the platform
//! admin). It generates requests from the document, valid and invalid, and
//! checks that the server never fails (5xx), answers only the statuses and
//! content types the document names, in the shapes it names, accepts what
//! the document says is valid and refuses what it says is not. So the
//! document must be exact: every limit the validators enforce is in it.
//!
//! Schemathesis is a Python tool: it is pip-installed, at a pinned version,
//! into a virtual environment under the target directory, made once and
//! reused. Without `python3` (or PyPI) the test skips, except under CI.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::json;

use crate::helpers::*;

const VERSION: &str = "4.32.5";
const TEST: &str = "schemathesis_finds_nothing";

/// The checks that make "exact" mean something; the others (links,
/// authorization between tenants) are covered by our own tests. In the
/// config file, not on the command line, so one operation can turn one off.
const CHECKS: [&str; 6] = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
];

/// `<venv>/bin/st`, installing it on first use; None (after saying why) when that cannot be done.
fn schemathesis() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("schemathesis-{VERSION}"));
    let st = venv.join("bin/st");
    if st.exists() {
        return Some(st);
    }
    let fail = |what: String| {
        skip_unless_ci(TEST, &what);
        None
    };
    let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).output();
    match made {
        Err(e) => return fail(format!("python3 is not installed ({e}); apt-get install python3 python3-venv")),
        Ok(out) if !out.status.success() => {
            let _ = std::fs::remove_dir_all(&venv);
            return fail(format!(
                "python3 -m venv failed (apt-get install python3-venv): {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(_) => {}
    }
    let pip = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", &format!("schemathesis=={VERSION}")])
        .output();
    match pip {
        Ok(out) if out.status.success() && st.exists() => Some(st),
        other => {
            // A half-made environment would be taken as ready next time.
            let _ = std::fs::remove_dir_all(&venv);
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            fail(format!("pip could not install schemathesis=={VERSION} from PyPI: {why}"))
        }
    }
}

/// `name=value` of each cookie the answer sets.
fn cookies(res: &reqwest::Response) -> Vec<(String, String)> {
    set_cookies(res)
        .iter()
        .filter_map(|c| c.split(';').next()?.split_once('=').map(|(n, v)| (n.to_string(), v.to_string())))
        .collect()
}

/// The session cookie, the CSRF cookie and the CSRF token of a fresh sign-in.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (String, String, String) {
    let res = app.client().post_json_raw("/api/auth/login", &json!({"email": email, "password": password})).await;
    assert_eq!(res.status(), 200, "sign in as {email}");
    let jar = cookies(&res);
    let body: serde_json::Value = res.json().await.unwrap();
    let find = |suffix: &str| jar.iter().find(|(n, _)| n.ends_with(suffix)).map(|(_, v)| v.clone()).unwrap();
    (find("frontdesk_session"), find("XSRF-TOKEN"), body["csrfToken"].as_str().unwrap().to_string())
}

/// One `st run` with the config in `dir`; its output, and whether it passed.
fn run(st: &Path, dir: &Path, app: &TestApp, filters: &[&str]) -> (bool, String) {
    let out = Command::new(st)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["--config-file", "schemathesis.toml", "run", &app.url("/api/openapi.json"), "--url", &app.base])
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        // 20 examples an operation keeps the test near three minutes on two
        // cores (some 6,000 requests over about 50 operations and four
        // phases; the coverage phase adds its boundary cases on top); the
        // default of 100 would take several times that.
        // One worker: Hypothesis on Python 3.11 can trip over its own
        // source parsing from two threads ("AST constructor recursion depth").
        .args(["--max-examples", "20", "--workers", "1", "--seed", "1"])
        .args(filters)
        .output()
        .expect("run st");
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn config(dir: &Path, session: &str, xsrf: &str, token: &str, params: &str) {
    let checks: String = CHECKS.iter().map(|c| format!("{c}.enabled = true\n")).collect();
    // Every warning fails the run but missing test data: ids that 404
    // (a deleted lead, a notification never made) are part of the run.
    let toml = format!(
        r#"
[warnings]
fail-on = ["missing_auth", "validation_mismatch", "missing_deserializer", "unused_openapi_auth", "method_not_allowed"]

[checks]
enabled = false
{checks}

[auth.openapi.session]
api_key = "{session}"
[auth.openapi.csrf]
api_key = "{token}"
[auth.openapi.csrf_cookie]
api_key = "{xsrf}"
{params}
"#
    );
    std::fs::write(dir.join("schemathesis.toml"), toml).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_finds_nothing() {
    let Some(st) = schemathesis() else { return };
    // A WhatsApp bridge that takes every message, so sending is tested through to the end.
    let (bridge, _sent) = crate::fakes::evolution("bridge-secret").await;
    let app = Spawn::default()
        .env("FRONTDESK_BAILEYS_URL", &bridge)
        .env("FRONTDESK_BAILEYS_SECRET", "bridge-secret")
        .start()
        .await;
    let admin = app.admin().await;
    let business = create_business(&admin, "Schemathesis", "st-owner@test.local", "+972501234567").await;
    let (status, body) =
        admin.patch(&format!("/api/admin/businesses/{business}"), &json!({"whatsapp_instance": "st"})).await;
    assert_eq!(status, 200, "{body}");
    let owner = app.login("st-owner@test.local", "owner-password-1").await;
    let owner_id = owner.get_json("/api/auth/me").await.1["user"]["id"].as_i64().unwrap();
    // Leads, a note, a reminder and an agent, so the ids in paths exist.
    let lead = create_lead(&owner, "Dana", "+972501111111").await["id"].as_i64().unwrap();
    let spare = create_lead(&owner, "Noa", "+972502222222").await["id"].as_i64().unwrap();
    let (status, reminder) =
        owner.post(&format!("/api/leads/{lead}/reminders"), &json!({"due_at": "2099-01-01T09:00:00Z"})).await;
    assert_eq!(status, 201, "{reminder}");
    // Deleting (cancelling) gets its own lead and reminder, so the others stay.
    let (status, spare_reminder) =
        owner.post(&format!("/api/leads/{lead}/reminders"), &json!({"due_at": "2099-01-02T09:00:00Z"})).await;
    assert_eq!(status, 201, "{spare_reminder}");
    let agent = add_user(&owner, "st-agent@test.local", "agent").await;
    let dir = tempfile::tempdir().unwrap();

    // As the owner: everything but the admin's operations and those that
    // would end this very session: logout, a password change (ends the
    // other sessions, and then the password is unknown), ending a user's
    // sessions, and impersonation (the admin's, excluded with the rest).
    // The pairing QR is a PNG, which Schemathesis cannot read; the
    // black-box bridge tests check it.
    let (session, xsrf, token) = sign_in(&app, "st-owner@test.local", "owner-password-1").await;
    let params = format!(
        r#"
[[operations]]
include-path-regex = "^/api/leads/\\{{id\\}}"
exclude-method = "DELETE"
parameters = {{ "path.id" = {lead} }}
[[operations]]
include-path = "/api/leads/{{id}}"
include-method = "DELETE"
parameters = {{ "path.id" = {spare} }}
[[operations]]
include-path-regex = "^/api/reminders/"
exclude-method = "DELETE"
parameters = {{ "path.id" = {reminder_id} }}
[[operations]]
include-path-regex = "^/api/reminders/"
include-method = "DELETE"
parameters = {{ "path.id" = {spare_reminder} }}
[[operations]]
include-path-regex = "^/api/business/current/users/"
parameters = {{ "path.id" = {agent} }}

# Who a lead or reminder is assigned to must be an enabled user of the
# business: a reference, which a schema cannot list. Generated bodies take
# the owner (the agent may be disabled by then: its PATCH is tested too);
# the coverage phase does not, and tries the integer's extremes, which name
# nobody (400), so there it does not judge valid data.
[dictionaries]
users = {{ values = [{owner_id}] }}
[parameters]
"body.assignee_user_id" = {{ dictionary = "users" }}
[[operations]]
include-path = "/api/leads/{{id}}"
include-method = "PATCH"
phases.coverage.checks.positive_data_acceptance.enabled = false
[[operations]]
include-path = "/api/leads/{{id}}/reminders"
include-method = "POST"
phases.coverage.checks.positive_data_acceptance.enabled = false

# What no JSON Schema can state about two fields together: availability's
# `to` after `from` and at most 31 days later; each time off's end after its
# start; an appointment's staff member changes only with its start.
[[operations]]
include-path = "/api/appointments/{{id}}"
include-method = "PATCH"
checks.positive_data_acceptance.enabled = false
warnings = false
[[operations]]
include-path = "/api/availability"
checks.positive_data_acceptance.enabled = false
warnings = false
# The dashboard's two days must also be at most 366 days apart, in order.
[[operations]]
include-path = "/api/dashboard"
checks.positive_data_acceptance.enabled = false
warnings = false
[[operations]]
include-path = "/api/business/current/users/{{id}}/schedule"
include-method = "PUT"
checks.positive_data_acceptance.enabled = false
warnings = false

# What no JSON Schema can state: a push subscription's p256dh must be a
# point on the P-256 curve, so data that fits the schema is still refused.
[[operations]]
include-path = "/api/push/subscriptions"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
warnings = false

# What only a phone call, a received file or a queued send creates (tested
# black-box with the fakes): here their ids are unknown and answer 404.
[[operations]]
include-path-regex = "^/api/calls/|^/api/media/|^/media/|^/api/scheduled-messages/"
warnings = false
"#,
        owner_id = owner_id,
        reminder_id = reminder["id"],
        spare_reminder = spare_reminder["id"]
    );
    config(dir.path(), &session, &xsrf, &token, &params);
    let (ok, out) = run(
        &st,
        dir.path(),
        &app,
        &["--exclude-path-regex", "^/api/admin/|^/api/auth/(logout|password)$|/sessions$|/whatsapp/qr$"],
    );
    let owner_run = (ok, out);

    // As the admin: the admin's own operations, but not impersonation.
    let (session, xsrf, token) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    config(dir.path(), &session, &xsrf, &token, "");
    let (ok, out) =
        run(&st, dir.path(), &app, &["--include-path-regex", "^/api/admin/", "--exclude-path-regex", "impersonat"]);
    let admin_run = (ok, out);
    for (who, (ok, out)) in [("the owner", owner_run), ("the admin", admin_run)] {
        assert!(ok, "Schemathesis as {who} found problems:\n{out}");
        eprintln!("{who}: {}", summary(&out));
    }
}

/// The closing lines of a run: operations tested, test cases, the verdict.
fn summary(out: &str) -> String {
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    let verdict = lines.iter().rev().find(|l| l.starts_with('=') && l.contains(" in ")).copied().unwrap_or("");
    lines
        .iter()
        .filter(|l| l.starts_with("Tested:") || l.contains(" generated"))
        .chain([&verdict.trim_matches(|c| c == '=' || c == ' ')])
        .copied()
        .collect::<Vec<_>>()
        .join("; ")
}

/// What Schemathesis found, each pinned by a plain request.
#[tokio::test]
async fn what_the_schema_allows_the_server_takes() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let lead = create_lead(&admin, "Dana", "+972501111111").await["id"].as_i64().unwrap();
    // JSON Schema counts 5.0 as the integer 5, so the server does too.
    let (status, body) = admin.post(&format!("/api/leads/{lead}/ai"), &json!({"paused": true, "hours": 5.0})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = admin.post(&format!("/api/leads/{lead}/ai"), &json!({"paused": true, "hours": 5.5})).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = admin.patch("/api/business/current", &json!({"handoff_hours": 24.0})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["handoff_hours"], 24);
    // maxItems 20: counted as sent, duplicates included.
    let (status, body) = admin.patch(&format!("/api/leads/{lead}"), &json!({"tags": vec!["vip"; 21]})).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = admin.patch(&format!("/api/leads/{lead}"), &json!({"tags": vec!["vip"; 20]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tags"], json!(["vip"]));
    // A reminder change must change something; null is the same as absent.
    let (status, reminder) =
        admin.post(&format!("/api/leads/{lead}/reminders"), &json!({"due_at": "2099-01-01T09:00:00Z"})).await;
    assert_eq!(status, 201, "{reminder}");
    let id = &reminder["id"];
    let (status, body) = admin.patch(&format!("/api/reminders/{id}"), &json!({"due_at": null, "note": null})).await;
    assert_eq!(status, 400, "{body}");
}
