//! The data file's companions and their permissions.

use std::path::{Path, PathBuf};

/// `path` with SQLite's `-wal` or `-shm` suffix.
pub(super) fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The data file and its `-wal` and `-shm` hold every customer's data: a new
/// file is created readable by this user only (SQLite gives the `-wal` and
/// `-shm` it creates the main file's mode), and existing ones readable by
/// others (made by an older version, a copy, another tool) are tightened.
#[cfg(unix)]
pub(super) fn make_private(path: &Path) {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    // An empty file is a new database to SQLite. If it cannot be created,
    // SQLite's own open below fails and says what to do.
    let _ = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
    for file in [path.to_path_buf(), companion(path, "-wal"), companion(path, "-shm")] {
        let Ok(meta) = std::fs::metadata(&file) else { continue };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 == 0 {
            continue;
        }
        match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
            Ok(()) => tracing::warn!(
                file = %file.display(), was = format!("{mode:04o}"),
                "data file was readable by other users; its permissions are now 0600"
            ),
            Err(e) => tracing::warn!(
                file = %file.display(), was = format!("{mode:04o}"), error = %e,
                "data file is readable by other users and could not be made private"
            ),
        }
    }
}

#[cfg(not(unix))]
pub(super) fn make_private(_path: &Path) {}
