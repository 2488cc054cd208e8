//! The curl smoke sequence (tests/smoke.sh) against the started binary.

use std::process::Command;

use crate::helpers::*;

#[tokio::test]
async fn the_curl_smoke_sequence_passes_against_a_fresh_binary() {
    let app = spawn_app().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smoke.sh");
    let base = app.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("bash").arg(script).args([&base, ADMIN_EMAIL, ADMIN_PASSWORD]).output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(out.status.success(), "smoke.sh failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("smoke: all steps passed"));
}
