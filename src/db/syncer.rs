//! Full durability without stalling the writer. At `Durability::Full` the
//! writer commits with `synchronous=NORMAL` (SQLite writes the WAL frames but
//! does not fsync them) and hands each committed group's answers here. This
//! thread fsyncs the WAL file and only then answers them, while the writer
//! already runs the next group: the fsync of one group overlaps the work of
//! the next instead of holding it up.
//!
//! One fsync of the WAL makes durable everything written to it before the
//! call, so it covers every group queued here, and any group an answered
//! write could depend on (groups are answered in commit order). An answered
//! write therefore survives power loss exactly as with `synchronous=FULL`,
//! which is the same fsync done inside the commit. Checkpoints sync the WAL
//! themselves before they copy it into the data file, and SQLite syncs the WAL
//! header when it restarts the log, at either setting.
//!
//! Between its commit and the fsync a group's rows are visible to readers but
//! not yet durable, for about one fsync; no writer is answered in that time.

use std::{
    fs::{File, OpenOptions},
    path::{Path, PathBuf},
    sync::mpsc,
};

/// Called with the commit's outcome once the group is committed (or not).
pub(super) type Completion = Box<dyn FnOnce(Result<(), String>) + Send>;

/// The committed groups waiting for the WAL to reach the disk.
pub(super) type Committed = mpsc::Sender<Vec<Completion>>;

/// Answers each committed group once an fsync of the WAL that started after
/// its commit has returned; stops when the writer does.
pub(super) fn syncer_loop(wal: PathBuf, groups: mpsc::Receiver<Vec<Completion>>) {
    let mut dir_synced = false;
    answer_after(groups, || sync(&wal, &mut dir_synced));
}

/// Takes every group waiting, runs `sync` once for them all, then answers
/// them with its outcome; until the writer's end of the channel closes.
fn answer_after(groups: mpsc::Receiver<Vec<Completion>>, mut sync: impl FnMut() -> Result<(), String>) {
    while let Ok(first) = groups.recv() {
        let mut waiting = vec![first];
        waiting.extend(groups.try_iter());
        let began = std::time::Instant::now();
        let outcome = sync();
        crate::metrics::METRICS.wal_sync_seconds.observe(began.elapsed().as_secs_f64());
        if let Err(e) = &outcome {
            tracing::error!(error = %e, "the WAL could not be synced to disk; its writes are answered with errors");
        }
        for answer in waiting.into_iter().flatten() {
            answer(outcome.clone());
        }
    }
}

/// fdatasync of the WAL file (opened by path each time, so a log SQLite
/// recreated is the one synced), and once its folder, so the file's own
/// entry is on disk too.
fn sync(wal: &Path, dir_synced: &mut bool) -> Result<(), String> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(wal)
        .map_err(|e| format!("cannot open {} to sync it: {e}", wal.display()))?;
    file.sync_data().map_err(|e| format!("fsync of {} failed: {e}", wal.display()))?;
    if !*dir_synced {
        sync_dir(wal)?;
        *dir_synced = true;
    }
    Ok(())
}

#[cfg(unix)]
fn sync_dir(wal: &Path) -> Result<(), String> {
    let dir = match wal.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| format!("fsync of {} failed: {e}", dir.display()))
}

#[cfg(not(unix))]
fn sync_dir(_wal: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use super::*;

    /// A completion that records, when called, how many syncs had run.
    fn recorder(syncs: &Arc<AtomicUsize>, seen: &mpsc::Sender<(usize, Result<(), String>)>) -> Completion {
        let (syncs, seen) = (syncs.clone(), seen.clone());
        Box::new(move |outcome| {
            let _ = seen.send((syncs.load(Ordering::SeqCst), outcome));
        })
    }

    #[test]
    fn groups_are_answered_only_after_a_sync_that_began_after_their_commit() {
        let syncs = Arc::new(AtomicUsize::new(0));
        let (seen_tx, seen) = mpsc::channel();
        let (committed, groups) = mpsc::channel::<Vec<Completion>>();
        for _ in 0..3 {
            committed.send(vec![recorder(&syncs, &seen_tx), recorder(&syncs, &seen_tx)]).unwrap();
        }
        drop(committed);
        let counter = syncs.clone();
        answer_after(groups, move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
        drop(seen_tx);
        let answers: Vec<_> = seen.iter().collect();
        assert_eq!(answers.len(), 6);
        // Queued together, the three groups share one sync, and none is answered before it.
        assert_eq!(syncs.load(Ordering::SeqCst), 1);
        assert!(answers.iter().all(|(n, outcome)| *n == 1 && outcome.is_ok()));
    }

    #[test]
    fn a_failed_sync_answers_its_groups_with_the_error() {
        let syncs = Arc::new(AtomicUsize::new(0));
        let (seen_tx, seen) = mpsc::channel();
        let (committed, groups) = mpsc::channel::<Vec<Completion>>();
        committed.send(vec![recorder(&syncs, &seen_tx)]).unwrap();
        drop(committed);
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.db-wal");
        let mut dir_synced = false;
        answer_after(groups, || sync(&missing, &mut dir_synced));
        drop(seen_tx);
        let answers: Vec<_> = seen.iter().collect();
        assert_eq!(answers.len(), 1);
        let err = answers[0].1.as_ref().unwrap_err();
        assert!(err.contains("gone.db-wal"), "{err}");
    }

    #[test]
    fn a_wal_file_syncs() {
        let dir = tempfile::tempdir().unwrap();
        let wal = dir.path().join("x.db-wal");
        std::fs::write(&wal, b"frames").unwrap();
        let mut dir_synced = false;
        sync(&wal, &mut dir_synced).unwrap();
        assert!(dir_synced);
    }
}
