//! `frontdesk backup PATH`: a copy that is either complete, consistent and
//! verified, or not there at all.
//!
//! The target is created exclusively (never overwriting anything) and
//! private before SQLite opens it. The copy is made with SQLite's online
//! backup API in steps, inside one read transaction on the source: in WAL
//! mode that snapshot does not hold up the server's writes, and the server's
//! writes cannot make the copy restart. The copy is then made a single
//! self-contained file and checked with `PRAGMA integrity_check`; on any
//! failure it is removed.

use std::{
    fs::OpenOptions,
    path::{Path, PathBuf},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use rusqlite::{
    Connection, OpenFlags,
    backup::{Backup, StepResult},
};

/// Pages copied per step.
const PAGES_PER_STEP: std::ffi::c_int = 256;
/// Pause before retrying a step that met a lock.
const RETRY_PAUSE: Duration = Duration::from_millis(50);
/// Give up when no page could be copied for this long.
const STALL_LIMIT: Duration = Duration::from_secs(30);

/// What was copied.
#[derive(Debug)]
pub struct Report {
    pub pages: i32,
}

/// Copies the database at `source` to the new file `dest`.
pub fn run(source: &Path, dest: &Path) -> anyhow::Result<Report> {
    let source = &crate::db::path::canonical(source);
    if !source.is_file() {
        bail!("there is no data file at {}: point FRONTDESK_DATA (--data) at the file to back up", source.display());
    }
    create_private(dest)?;
    let partial = RemoveUnlessKept(Some(dest.to_path_buf()));
    let pages = copy(source, dest)?;
    verify(source, dest)?;
    sync_dir(dest);
    partial.keep();
    Ok(Report { pages })
}

/// Creates `dest` empty (an empty file is a new database to SQLite), failing
/// if anything is there already, readable by this user only.
fn create_private(dest: &Path) -> anyhow::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(dest) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("{} already exists; choose a new path so no file is overwritten", dest.display())
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", dest.display())),
    }
}

fn copy(source: &Path, dest: &Path) -> anyhow::Result<i32> {
    // Read-write without create: a WAL reader needs the shared-memory file,
    // and a wrong path must not leave an empty database behind.
    let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_context(|| format!("cannot open {}", source.display()))?;
    src.busy_timeout(Duration::from_secs(5))?;
    // One snapshot for the whole copy (see the module comment).
    src.execute_batch("BEGIN")?;
    src.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .with_context(|| format!("cannot read {} as a SQLite database", source.display()))?;
    let mut dst = Connection::open(dest).with_context(|| format!("cannot open {}", dest.display()))?;
    let pages = {
        let backup = Backup::new(&src, &mut dst)?;
        let mut last_progress = Instant::now();
        let mut fewest_left = i32::MAX;
        loop {
            match backup.step(PAGES_PER_STEP).context("backup step failed")? {
                StepResult::Done => break,
                StepResult::More => {
                    let left = backup.progress().remaining;
                    if left < fewest_left {
                        fewest_left = left;
                        last_progress = Instant::now();
                    }
                }
                // Busy, Locked (the step can be retried), or anything a newer SQLite adds.
                _ => thread::sleep(RETRY_PAUSE),
            }
            if last_progress.elapsed() > STALL_LIMIT {
                bail!(
                    "the backup made no progress for {} s: the database stayed locked. Try again later",
                    STALL_LIMIT.as_secs()
                );
            }
        }
        backup.progress().pagecount
    };
    src.execute_batch("COMMIT")?;
    // The copy inherits WAL mode; make it one self-contained file.
    let mode: String = dst.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        bail!("could not switch the copy to a single file (journal mode stayed {mode})");
    }
    dst.close().map_err(|(_, e)| e)?;
    Ok(pages)
}

/// Only a copy SQLite itself finds intact counts as a backup.
fn verify(source: &Path, dest: &Path) -> anyhow::Result<()> {
    let conn = Connection::open_with_flags(dest, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let problems = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    if problems != ["ok"] {
        bail!(
            "the copy failed SQLite's integrity check, so it was removed: {}. \
             {} itself may be damaged; check it with `PRAGMA integrity_check`",
            problems.join("; "),
            source.display()
        );
    }
    Ok(())
}

/// Before the schema of `data` is migrated to `version`: a verified copy
/// `<data>.pre-v<version>.db` beside it, made as [`run`] makes a backup. An
/// existing copy of that name is never overwritten: the new one is then
/// `<data>.pre-v<version>-<unix time>.db`. Returns where it went.
pub fn pre_upgrade_copy(data: &Path, version: u32) -> anyhow::Result<PathBuf> {
    let mut dest = with_suffix(data, &format!(".pre-v{version}.db"));
    if dest.symlink_metadata().is_ok() {
        dest = with_suffix(data, &format!(".pre-v{version}-{}.db", crate::domain::time::unix_now()));
    }
    run(data, &dest)?;
    Ok(dest)
}

/// `path` with `suffix` appended to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes the new directory entry durable too; a failure only weakens crash safety.
pub(crate) fn sync_dir(dest: &Path) {
    let dir = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        tracing::warn!(error = %e, dir = %dir.display(), "could not sync the backup's folder");
    }
}

/// Removes the copy (and any journal SQLite left beside it) unless kept.
pub(crate) struct RemoveUnlessKept(pub(crate) Option<PathBuf>);

impl RemoveUnlessKept {
    pub(crate) fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for RemoveUnlessKept {
    fn drop(&mut self) {
        let Some(path) = self.0.take() else { return };
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&path, suffix));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_verifies_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("src.db");
        let db = crate::db::Db::open(&source).unwrap();
        db.write_blocking(|tx| -> crate::store::StoreResult<_> {
            Ok(tx.execute("INSERT INTO tenants (name) VALUES ('copied')", [])?)
        })
        .unwrap();
        let dest = dir.path().join("copy.db");
        let report = run(&source, &dest).unwrap();
        assert!(report.pages > 0);
        let copy = Connection::open(&dest).unwrap();
        let mode: String = copy.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete");
        let n: i64 = copy.query_row("SELECT count(*) FROM tenants WHERE name = 'copied'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let before = std::fs::read(&dest).unwrap();
        let err = run(&source, &dest).unwrap_err().to_string();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read(&dest).unwrap(), before, "the existing file is untouched");
    }

    #[test]
    fn pre_upgrade_copies_never_overwrite_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("data.db");
        crate::db::Db::open(&source).unwrap();
        let first = pre_upgrade_copy(&source, 7).unwrap();
        assert_eq!(first, dir.path().join("data.db.pre-v7.db"));
        let before = std::fs::read(&first).unwrap();
        let second = pre_upgrade_copy(&source, 7).unwrap();
        assert_ne!(second, first);
        assert!(second.to_string_lossy().contains(".pre-v7-"), "{}", second.display());
        assert_eq!(std::fs::read(&first).unwrap(), before, "the first copy is untouched");
    }

    #[test]
    fn a_missing_source_fails_without_creating_anything() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("copy.db");
        let err = run(&dir.path().join("nope.db"), &dest).unwrap_err().to_string();
        assert!(err.contains("no data file"), "{err}");
        assert!(!dest.exists());
        assert!(!dir.path().join("nope.db").exists());
    }
}
