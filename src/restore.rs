//! `frontdesk restore BACKUP`: put a verified copy of a backup in place of
//! the data file, keeping the file it replaces.
//!
//! 1. Take the data file's lock ([`crate::db::lock`]): a running server
//!    holds it, so a restore under a live server is refused and nothing is
//!    touched. Held until the end, so no server starts halfway.
//! 2. Copy the backup beside the data file (`<data>.restoring-<pid>`) with
//!    the verified online copy of `frontdesk backup`: it must open as SQLite,
//!    pass `PRAGMA integrity_check`, and carry a schema version this build
//!    knows (above 0, at most the latest). Any failure removes the copy and
//!    leaves the data file as it was.
//! 3. Fold the current file's WAL into it (checkpoint, then
//!    `journal_mode=DELETE`) and rename it to `<data>.replaced-<unix time>`.
//!    If it cannot be opened, its `-wal` moves along with it instead, so no
//!    committed write is lost either way; the `-shm` (an index SQLite
//!    rebuilds) is removed.
//! 4. Rename the copy onto the data path (mode 0600) and sync the folder.
//!
//! The next `frontdesk serve` migrates an older copy as usual, with its own
//! pre-upgrade copy first.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, anyhow, bail};
use rusqlite::{Connection, OpenFlags};

use crate::db::backup::{RemoveUnlessKept, sync_dir, with_suffix};
use crate::db::{latest_version, lock::DataLock};

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// Where the previous data file went (None when there was none).
    pub replaced: Option<PathBuf>,
    /// The restored file's schema version.
    pub version: u32,
    pub pages: i32,
}

/// Replaces the data file at `data` with a verified copy of `backup`.
pub fn run(data: &Path, backup: &Path) -> anyhow::Result<Restored> {
    // Whatever path names the file: the lock, the copy and the replaced file go beside the real one.
    let data = &crate::db::path::canonical(data);
    if !backup.is_file() {
        bail!("there is no backup file at {}", backup.display());
    }
    let _lock = DataLock::acquire(data)?;
    if let (Ok(a), Ok(b)) = (data.canonicalize(), backup.canonicalize())
        && a == b
    {
        bail!("{} is the data file itself; name a backup to restore", backup.display());
    }
    let copy = with_suffix(data, &format!(".restoring-{}", std::process::id()));
    // Only a restore that died halfway leaves one; we hold the lock, so it is stale.
    drop(RemoveUnlessKept(Some(copy.clone())));
    let report =
        crate::db::backup::run(backup, &copy).map_err(|e| anyhow!("{} cannot be restored: {e:#}", backup.display()))?;
    let partial = RemoveUnlessKept(Some(copy.clone()));
    let version = schema_version(&copy).map_err(|e| anyhow!("{} cannot be restored: {e:#}", backup.display()))?;
    let known = latest_version();
    if version > known {
        bail!(
            "{} has schema version {version}, newer than this build of frontdesk knows ({known}). \
             It was written by a newer frontdesk: restore it with that version, or choose an older backup",
            backup.display()
        );
    }
    if version == 0 {
        bail!("{} is a SQLite file but not a frontdesk data file (schema version 0)", backup.display());
    }
    let replaced = if data.symlink_metadata().is_ok() { Some(set_aside(data)?) } else { None };
    std::fs::rename(&copy, data)
        .with_context(|| format!("cannot move the verified copy {} to {}", copy.display(), data.display()))?;
    partial.keep();
    sync_dir(data);
    Ok(Restored { replaced, version, pages: report.pages })
}

fn schema_version(path: &Path) -> anyhow::Result<u32> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// `<data>.replaced-<unix time>`, with `-2`, `-3`, ... when that is taken.
fn replaced_name(data: &Path) -> PathBuf {
    let base = format!(".replaced-{}", crate::domain::time::unix_now());
    let mut name = with_suffix(data, &base);
    let mut n = 2;
    while name.symlink_metadata().is_ok() {
        name = with_suffix(data, &format!("{base}-{n}"));
        n += 1;
    }
    name
}

/// Moves the current data file aside, self-contained when SQLite can make
/// it so, else together with its `-wal`. Returns its new name.
fn set_aside(data: &Path) -> anyhow::Result<PathBuf> {
    let dest = replaced_name(data);
    let folded = fold_wal(data);
    if let Err(e) = &folded {
        tracing::warn!(error = %format!("{e:#}"), "could not fold the WAL into the replaced data file; keeping its -wal beside it");
    }
    std::fs::rename(data, &dest).with_context(|| format!("cannot rename {} to {}", data.display(), dest.display()))?;
    let wal = with_suffix(data, "-wal");
    if wal.symlink_metadata().is_ok() {
        if folded.is_ok() {
            let _ = std::fs::remove_file(&wal);
        } else {
            let kept = with_suffix(&dest, "-wal");
            std::fs::rename(&wal, &kept)
                .with_context(|| format!("cannot rename {} to {}", wal.display(), kept.display()))?;
        }
    }
    let _ = std::fs::remove_file(with_suffix(data, "-shm"));
    Ok(dest)
}

/// Copies every committed WAL frame into the data file and makes it a single
/// file (SQLite deletes the `-wal` when this last connection closes).
fn fold_wal(data: &Path) -> anyhow::Result<()> {
    let conn = Connection::open_with_flags(data, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let (busy, _, _): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    if busy != 0 {
        bail!("the checkpoint was blocked by another connection");
    }
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        bail!("the journal mode stayed {mode}");
    }
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant_count(path: &Path) -> i64 {
        let c = Connection::open(path).unwrap();
        c.query_row("SELECT count(*) FROM tenants", [], |r| r.get(0)).unwrap()
    }

    /// A current data file in WAL mode, without the server's threads around it.
    fn data_file(path: &Path) -> Connection {
        let c = Connection::open(path).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        for (_, sql) in crate::db::migrations() {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", latest_version()).unwrap();
        c
    }

    #[test]
    fn replaces_the_data_file_and_keeps_the_old_one_with_its_wal_folded_in() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data.db");
        let conn = data_file(&data);
        conn.execute("INSERT INTO tenants (name) VALUES ('in backup')", []).unwrap();
        let backup = dir.path().join("b.db");
        crate::db::backup::run(&data, &backup).unwrap();
        // Written after the backup and left in the WAL, as a stopped server may leave it.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute("INSERT INTO tenants (name) VALUES ('after backup')", []).unwrap();
        drop(conn);
        assert!(std::fs::metadata(with_suffix(&data, "-wal")).unwrap().len() > 0);
        let r = run(&data, &backup).unwrap();
        assert_eq!(r.version, latest_version());
        let replaced = r.replaced.unwrap();
        assert!(replaced.to_string_lossy().contains(".replaced-"));
        assert!(!with_suffix(&replaced, "-wal").exists(), "the replaced file is self-contained");
        assert!(!with_suffix(&data, "-wal").exists());
        assert_eq!(tenant_count(&replaced), 2, "nothing of the replaced file is lost");
        assert_eq!(tenant_count(&data), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("restoring"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn refuses_a_file_that_is_not_a_database_and_touches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data.db");
        drop(data_file(&data));
        let before = std::fs::read(&data).unwrap();
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
        let err = format!("{:#}", run(&data, &junk).unwrap_err());
        assert!(err.contains("cannot be restored"), "{err}");
        assert_eq!(std::fs::read(&data).unwrap(), before);
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["data.db", "data.db.lock", "junk.db"]);
    }
}
