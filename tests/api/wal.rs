//! Who checkpoints the WAL: the server itself (`internal`, the default), or
//! another process such as Litestream (`FRONTDESK_WAL_CHECKPOINTS=external`).

use std::{path::Path, time::Duration};

use rusqlite::Connection;

use crate::helpers::*;

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// How many leads the main data file holds on its own, without its WAL:
/// what checkpoints have copied into it so far.
fn leads_in_main_file(data: &Path) -> i64 {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("main-only.db");
    std::fs::copy(data, &copy).unwrap();
    let c = Connection::open(&copy).unwrap();
    let has_table: bool =
        c.query_row("SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'leads'", [], |r| r.get(0)).unwrap();
    if !has_table {
        return 0;
    }
    c.query_row("SELECT count(*) FROM leads", [], |r| r.get(0)).unwrap()
}

async fn add_leads(s: &Session, from: u32, n: u32) {
    for i in from..from + n {
        create_lead(s, &format!("W{i}"), &format!("0524{i:06}")).await;
    }
}

/// Longer than a few internal checkpoint periods (250 ms).
const SETTLE: Duration = Duration::from_millis(900);

#[tokio::test]
async fn external_checkpoints_leave_the_wal_growing_and_untouched_at_shutdown() {
    let mut app = Spawn::default().env("FRONTDESK_WAL_CHECKPOINTS", "external").start().await;
    let admin = app.admin().await;
    let wal = with_suffix(&app.data_path(), "-wal");
    add_leads(&admin, 0, 20).await;
    tokio::time::sleep(SETTLE).await;
    let first = len(&wal);
    assert!(first > 0);
    assert_eq!(leads_in_main_file(&app.data_path()), 0, "nothing was checkpointed into the data file");
    add_leads(&admin, 20, 20).await;
    tokio::time::sleep(SETTLE).await;
    let second = len(&wal);
    assert!(second > first, "the WAL keeps growing: {first} then {second}");
    assert!(app.terminate().success());
    assert!(len(&wal) >= second, "the WAL was truncated at shutdown");
    assert_eq!(leads_in_main_file(&app.data_path()), 0, "no checkpoint at shutdown or on close");
    // Nothing is lost: SQLite reads the WAL back.
    let c = Connection::open(app.data_path()).unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM leads", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 40);
}

#[tokio::test]
async fn internal_checkpoints_copy_the_wal_into_the_data_file_and_truncate_it_at_shutdown() {
    let mut app = Spawn::default().env("FRONTDESK_WAL_CHECKPOINTS", "internal").start().await;
    let admin = app.admin().await;
    add_leads(&admin, 0, 20).await;
    tokio::time::sleep(SETTLE).await;
    assert_eq!(leads_in_main_file(&app.data_path()), 20, "the checkpoint thread copied the writes back");
    assert!(app.terminate().success());
    assert_eq!(len(&with_suffix(&app.data_path(), "-wal")), 0, "WAL not truncated at shutdown");
}
