//! Hardening of the running appliance: a symlinked data path, client
//! addresses behind proxies, the platform admin's addresses in a business's
//! audit view, and calls that cost the platform money.

use std::ffi::OsStr;

use rusqlite::Connection;

use crate::helpers::*;

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
    std::fs::write(&real, b"").unwrap();
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
