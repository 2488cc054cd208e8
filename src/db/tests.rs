//! The database layer's own tests: migrations, group commit, rollbacks, panics.
use super::*;

#[test]
fn schema_blocks_are_numbered_in_order_from_one() {
    let versions: Vec<u32> = migrations().iter().map(|(v, _)| *v).collect();
    assert!(!versions.is_empty());
    assert_eq!(versions, (1..=versions.len() as u32).collect::<Vec<_>>());
}

#[test]
fn schema_applies_to_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.db")).unwrap();
    let conn = db.conn().unwrap();
    let v: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, latest_version());
    let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn every_connection_has_the_search_function() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("f.db")).unwrap();
    let conn = db.conn().unwrap();
    let found: bool = conn.query_row("SELECT lead_text_contains('ana', 'x', 'DANA')", [], |r| r.get(0)).unwrap();
    assert!(found);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_write_in_a_group_rolls_back_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("g.db")).unwrap();
    let mut tasks = Vec::new();
    for i in 0..200i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.write(move |tx| -> crate::store::StoreResult<_> {
                tx.execute("INSERT INTO tenants (name) VALUES (?1)", [format!("t{i}")])?;
                if i % 2 == 1 {
                    return Err(StoreError::NotFound("odd"));
                }
                Ok(i)
            })
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 100);
    let n: i64 = db
        .read(|c| -> crate::store::StoreResult<_> {
            Ok(c.query_row("SELECT count(*) FROM tenants", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert_eq!(n, 100, "only the successful writes are committed");
    let odd: i64 = db
        .read(|c| -> crate::store::StoreResult<_> {
            Ok(c.query_row("SELECT count(*) FROM tenants WHERE cast(substr(name, 2) AS INTEGER) % 2 = 1", [], |r| {
                r.get(0)
            })?)
        })
        .await
        .unwrap();
    assert_eq!(odd, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_rolled_back_as_a_whole_reports_no_job_as_committed() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("r.db")).unwrap();
    let mut tasks = Vec::new();
    for i in 0..300i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let res = db
                .write(move |tx| -> crate::store::StoreResult<_> {
                    tx.execute("INSERT INTO tenants (name) VALUES (?1)", [format!("t{i}")])?;
                    if i % 100 == 50 {
                        // What SQLite does by itself on an I/O error or a full disk.
                        tx.execute_batch("ROLLBACK")?;
                    }
                    Ok(())
                })
                .await;
            (i, res.is_ok())
        }));
    }
    let mut answered = Vec::new();
    for t in tasks {
        answered.push(t.await.unwrap());
    }
    for (i, ok) in answered {
        let name = format!("t{i}");
        let stored: i64 = db
            .read(move |c| -> crate::store::StoreResult<_> {
                Ok(c.query_row("SELECT count(*) FROM tenants WHERE name = ?1", [name], |r| r.get(0))?)
            })
            .await
            .unwrap();
        assert_eq!(ok, stored == 1, "job {i}: answered ok={ok} but stored={stored}");
        if i % 100 == 50 {
            assert!(!ok);
        }
    }
    // The writer still works afterwards.
    db.write(|tx| -> crate::store::StoreResult<_> {
        Ok(tx.execute("INSERT INTO tenants (name) VALUES ('after')", [])?)
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_write_fails_alone_and_the_writer_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("p.db")).unwrap();
    let r = db.write(|_| -> Result<(), StoreError> { panic!("boom") }).await;
    assert!(r.is_err());
    db.write(|tx| -> crate::store::StoreResult<_> { Ok(tx.execute("INSERT INTO tenants (name) VALUES ('x')", [])?) })
        .await
        .unwrap();
    assert!(db.is_ready(Duration::from_secs(2)).await);
}

/// Writes that never pause (each group begins before the last checkpoint
/// ends) still let the WAL start over: its file is cut back to its size limit
/// instead of growing by everything written. (How far past the limit it gets
/// first depends on how fast the writes come against the checkpointer's
/// 250 ms round, so the test checks the cut, not a peak size.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_stays_bounded_under_unbroken_writes() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let limit: i64 = 32 * 1024 * 1024;
    let opts = DbOptions { durability: Durability::Normal, wal_limit: limit, ..DbOptions::default() };
    let db = Db::open_opts(&path, opts).unwrap();
    let wal = companion(&path, "-wal");
    let cut_back = Arc::new(AtomicBool::new(false));
    // 4 tasks, each up to 250 writes of 100 rows of 4000 bytes: at most about
    // 400 MiB in all, twelve times the limit, and never a moment without a
    // write queued, until one of them sees the WAL cut back.
    let mut tasks = Vec::new();
    for w in 0..4i64 {
        let (db, wal, cut_back) = (db.clone(), wal.clone(), cut_back.clone());
        tasks.push(tokio::spawn(async move {
            let (mut writes, mut largest) = (0i64, 0u64);
            while writes < 250 && !cut_back.load(Ordering::Relaxed) {
                db.write(move |tx| -> crate::store::StoreResult<_> {
                    let mut put =
                        tx.prepare_cached("INSERT INTO acme_cache (name, value) VALUES (?1, zeroblob(4000))")?;
                    for i in 0..100 {
                        put.execute([format!("{w}-{writes}-{i}")])?;
                    }
                    Ok(())
                })
                .await
                .unwrap();
                writes += 1;
                let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
                // Smaller than this task saw it, and back at the limit (plus a group or two).
                if size < largest && size <= (limit + 4 * 1024 * 1024) as u64 {
                    cut_back.store(true, Ordering::Relaxed);
                }
                largest = largest.max(size);
            }
            writes
        }));
    }
    let mut writes = 0;
    for t in tasks {
        writes += t.await.unwrap();
    }
    let written: i64 = db
        .read(|c| -> crate::store::StoreResult<_> {
            Ok(c.query_row("SELECT count(*) FROM acme_cache", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert_eq!(written, writes * 100);
    // Never restarted, the WAL only grows: nothing cuts it back.
    assert!(cut_back.load(Ordering::Relaxed), "the WAL was never cut back to its limit ({writes} writes)");
    assert!(crate::metrics::METRICS.wal_restart_seconds.count() >= 1, "each restart is timed");
}
