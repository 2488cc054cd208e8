//! The checkpointer: copies committed WAL frames back into the data file,
//! and starts the WAL over when it has grown past its limit.

use std::{sync::Mutex, time::Duration};

use rusqlite::Connection;

/// How often committed WAL frames are copied back into the data file.
pub(super) const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// WAL size past which the checkpointer makes the next write start the WAL
/// over from its beginning; also SQLite's `journal_size_limit`, what the file
/// is cut back to then. Each restart holds writes for one fsync of the data
/// file (2-50 ms under the benchmark's load): restarting every 64 MiB
/// doubled the webhook p99 there, every 256 MiB adds 3-4 ms to it.
/// Restarting at 1 GiB and cutting the file to 64 MiB (SQLite cuts it inside
/// the next commit) put the p99 of both write phases at 330-370 ms. At an
/// everyday rate writes pause often enough for SQLite to start the WAL over
/// by itself.
pub(super) const WAL_LIMIT: i64 = 256 * 1024 * 1024;

/// How long the restart waits for readers still on old WAL frames, while
/// writes wait for it; a longer read (an export, a backup) makes it give up
/// until the next round instead.
const WAL_RESTART_WAIT: Duration = Duration::from_millis(20);

/// Copies the WAL back into the data file every [`CHECKPOINT_EVERY`]
/// (PASSIVE: it never waits for or blocks readers and the writer), for as
/// long as the database is open.
///
/// Under a steady stream of writes a PASSIVE checkpoint never finds the WAL
/// fully copied at the moment a write begins, and SQLite only starts the WAL
/// over then: the file grew by every write (1.7 GB in 20 s of load, for a
/// 60 MB database), with new blocks to allocate and file metadata to journal
/// at each fsync. So once the WAL is past `wal_limit` bytes, the
/// checkpointer holds the writer between two groups for one RESTART
/// checkpoint, which copies the few frames written since its PASSIVE ones and
/// lets the next write start from the WAL's beginning.
pub(super) fn checkpoint_loop(
    conn: Connection,
    checkpointing: std::sync::Weak<Mutex<()>>,
    writer: std::sync::Weak<Mutex<()>>,
    wal_limit: i64,
) {
    // One WAL frame per page, of the file's own page size (a restored file may differ).
    let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not read the page size; assuming 4096 bytes");
        4096
    });
    let restart_frames = wal_limit / page_size.max(512);
    if let Err(e) = conn.busy_timeout(WAL_RESTART_WAIT) {
        tracing::warn!(error = %e, "could not shorten the checkpointer's busy timeout");
    }
    // The WAL's length when it was last restarted: it keeps that length until
    // the next write begins it anew, and restarting it again would do nothing.
    let mut restarted_at = None;
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        // Gone once every handle of the database is dropped.
        let (Some(lock), Some(writer)) = (checkpointing.upgrade(), writer.upgrade()) else { return };
        let _running = lock.lock().unwrap_or_else(|p| p.into_inner());
        match checkpoint(&conn, "PRAGMA wal_checkpoint(PASSIVE)") {
            Ok((_, frames)) if frames > restart_frames && restarted_at != Some(frames) => {
                match restart_wal(&conn, &writer) {
                    Ok((false, frames)) => restarted_at = Some(frames),
                    // A reader is still on old frames: the WAL goes on growing until the next round.
                    Ok((true, _)) => tracing::debug!(frames, "WAL restart deferred: a read is still using it"),
                    Err(e) => tracing::warn!(error = %e, "WAL restart checkpoint failed; retrying"),
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; retrying"),
        }
    }
}

/// One more PASSIVE checkpoint for the frames written during the last one,
/// still without holding the writer (so it then waits for fewer), then the
/// RESTART checkpoint with writes held, timed.
pub(super) fn restart_wal(conn: &Connection, writer: &Mutex<()>) -> rusqlite::Result<(bool, i64)> {
    checkpoint(conn, "PRAGMA wal_checkpoint(PASSIVE)")?;
    let writes_wait = writer.lock().unwrap_or_else(|p| p.into_inner());
    let began = std::time::Instant::now();
    let restart = checkpoint(conn, "PRAGMA wal_checkpoint(RESTART)");
    drop(writes_wait);
    crate::metrics::METRICS.wal_restart_seconds.observe(began.elapsed().as_secs_f64());
    restart
}

/// Runs one `PRAGMA wal_checkpoint(..)`; answers whether it was blocked
/// (SQLite's busy flag) and how many frames the WAL holds.
pub(super) fn checkpoint(conn: &Connection, pragma: &str) -> rusqlite::Result<(bool, i64)> {
    conn.query_row(pragma, [], |r| Ok((r.get::<_, i64>(0)? != 0, r.get(1)?)))
}
