//! The UI's own checks, run by the one test command: Vitest unit tests, lint
//! and type checks, and the browser tests (@playwright/test, Debian's
//! Chromium, with the axe-core WCAG 2.1 AA checks inside them) against the UI
//! embedded in the real binary, with a fake Baileys bridge (played by the
//! tests) for the WhatsApp ones.
//!
//! A build with `FRONTDESK_SKIP_UI=1` embeds a placeholder page instead of the
//! UI; run with that variable set, these tests say so and skip themselves.

use std::{path::PathBuf, process::Command};

use crate::helpers::*;

/// The `apikey` shared by the server and the e2e's fake Baileys bridge.
const BRIDGE_SECRET: &str = "e2e-bridge-secret";

fn ui_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui")
}

/// True (after saying why) when the UI is not part of this build:
/// `FRONTDESK_SKIP_UI=1` is set, as it is for Rust-only builds. Under CI
/// (`FRONTDESK_CI=1`) that fails the test instead.
fn ui_skipped(test: &str) -> bool {
    let skip = std::env::var("FRONTDESK_SKIP_UI").is_ok_and(|v| v == "1");
    if skip {
        crate::helpers::skip_unless_ci(test, "FRONTDESK_SKIP_UI=1: the binary embeds a placeholder page, not the UI");
    }
    skip
}

fn npm(args: &[&str], envs: &[(&str, String)]) -> (bool, String) {
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(ui_dir());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("npm must be installed (Node 20+)");
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn ui_unit_tests_pass() {
    if ui_skipped("ui_unit_tests_pass") {
        return;
    }
    let (ok, out) = npm(&["test", "--silent"], &[]);
    assert!(ok, "npm test failed:\n{out}");
}

#[test]
fn ui_lint_and_type_check_pass() {
    if ui_skipped("ui_lint_and_type_check_pass") {
        return;
    }
    let (ok, out) = npm(&["run", "lint", "--silent"], &[]);
    assert!(ok, "npm run lint failed:\n{out}");
}

/// The failing tests of a Playwright run: its list reporter's closing
/// summary (from the first "N failed" line on), else the failed lines.
fn failures(out: &str) -> String {
    let lines: Vec<&str> = out.lines().collect();
    if let Some(start) =
        lines.iter().position(|l| l.trim_end().ends_with(" failed") && l.trim_start().starts_with(char::is_numeric))
    {
        return lines[start..].join("\n");
    }
    lines.iter().filter(|l| l.contains('✘')).copied().collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn browser_end_to_end_against_the_embedded_ui() {
    if ui_skipped("browser_end_to_end_against_the_embedded_ui") {
        return;
    }
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "Chromium is needed for the browser tests: apt-get install chromium (or set CHROMIUM_PATH)"
    );
    // The browser tests play the Baileys bridge (Evolution API) on a free loopback port.
    let bridge_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        l.local_addr().unwrap().port()
    };
    let bridge_url = format!("http://127.0.0.1:{bridge_port}");
    let probe = Spawn::default()
        .env("FRONTDESK_BAILEYS_URL", &bridge_url)
        .env("FRONTDESK_BAILEYS_SECRET", BRIDGE_SECRET)
        // The fake bridge also plays the OpenAI API: it transcribes voice notes and never
        // answers a chat (so no AI reply is sent), keeping the other scenarios' sends their own.
        .env("FRONTDESK_OPENAI_BASE_URL", &format!("{bridge_url}/v1"))
        .env("FRONTDESK_OPENAI_API_KEY", "sk-e2e")
        .start()
        .await;
    let html = probe.client().get("/").await.text().await.unwrap();
    assert!(
        !html.contains("FRONTDESK_SKIP_UI"),
        "this binary was built with FRONTDESK_SKIP_UI=1; the browser tests need the real UI (unset it and rebuild)"
    );
    let base = probe.base.clone();
    let (ok, out) = tokio::task::spawn_blocking(move || {
        npm(
            &["run", "e2e", "--silent", "--", "--reporter=list"],
            &[
                ("FRONTDESK_E2E_BASE", base),
                ("FRONTDESK_E2E_EMAIL", ADMIN_EMAIL.to_string()),
                ("FRONTDESK_E2E_PASSWORD", ADMIN_PASSWORD.to_string()),
                ("FRONTDESK_E2E_BRIDGE_PORT", bridge_port.to_string()),
                ("FRONTDESK_E2E_BRIDGE_SECRET", BRIDGE_SECRET.to_string()),
                ("CHROMIUM_PATH", chromium),
            ],
        )
    })
    .await
    .unwrap();
    eprintln!("{out}");
    // The failing scenarios first: a CI log may keep only the message's head.
    assert!(ok, "browser end-to-end tests failed:\n{}\n\nthe whole run:\n{out}", failures(&out));
}
