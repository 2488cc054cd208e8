//! The data file's lock: a server holds an exclusive lock on `<data>.lock`
//! for its whole life, and `frontdesk restore` takes the same lock before it
//! touches anything, so a restore can never swap the file under a running
//! server (and two servers never share one data file).
//!
//! It is an advisory `flock(2)` lock taken through `std::fs::File::try_lock`:
//! the kernel drops it when the process ends however it ends (even
//! `kill -9`), so a crash never leaves a stale lock behind. The lock file
//! itself stays (empty) and means nothing without the lock.

use std::{
    fs::{File, OpenOptions, TryLockError},
    path::{Path, PathBuf},
};

/// Held while alive; dropping it releases the lock.
#[derive(Debug)]
pub struct DataLock {
    _file: File,
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "the data file {data} is in use by another frontdesk process (a running server, or a restore): \
         {lock} is locked. Stop that process first"
    )]
    Held { data: String, lock: String },
    #[error(
        "cannot open the lock file {lock}: {source}. Check that the data file's folder exists and is writable by \
         this user, or point FRONTDESK_DATA (--data) somewhere writable"
    )]
    Io { lock: String, source: std::io::Error },
}

/// `<data>.lock`.
pub fn lock_path(data: &Path) -> PathBuf {
    let mut name = data.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl DataLock {
    /// Takes the lock without waiting: `Held` when another process has it.
    /// The lock is named after the canonical data path, so a symlink and the
    /// file it names share one lock.
    pub fn acquire(data: &Path) -> Result<DataLock, LockError> {
        let path = lock_path(&super::path::canonical(data));
        let shown = || path.display().to_string();
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(|source| LockError::Io { lock: shown(), source })?;
        match file.try_lock() {
            Ok(()) => Ok(DataLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held { data: data.display().to_string(), lock: shown() }),
            Err(TryLockError::Error(source)) => Err(LockError::Io { lock: shown(), source }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("x.db");
        let first = DataLock::acquire(&data).unwrap();
        assert_eq!(first.path(), lock_path(&data));
        let err = DataLock::acquire(&data).unwrap_err();
        assert!(matches!(err, LockError::Held { .. }), "{err}");
        assert!(err.to_string().contains("in use"), "{err}");
        drop(first);
        DataLock::acquire(&data).unwrap();
    }
}
