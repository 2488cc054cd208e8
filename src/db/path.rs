//! The data file's one name. SQLite names the `-wal` and `-shm` after the
//! path it is given, while it writes through any symlink; the syncer, the
//! lock and the backups must use the same name, so every entry point
//! resolves `FRONTDESK_DATA` once with [`canonical`] and derives the rest
//! from the result.

use std::path::{Path, PathBuf};

/// Symlink hops followed before giving up (the kernel's own limit is 40).
const MAX_HOPS: usize = 40;

/// `path` with every symlink resolved and made absolute. A file that does not
/// exist yet is its canonical folder joined with its name; a dangling symlink
/// is followed to where it points, so the file is created there. A path whose
/// folder cannot be resolved either is returned as given, so the open that
/// follows fails with its own message about the folder.
pub fn canonical(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_HOPS {
        if let Ok(resolved) = current.canonicalize() {
            return resolved;
        }
        match std::fs::read_link(&current) {
            Ok(target) => current = parent_of(&current).join(target),
            Err(_) => break,
        }
    }
    let Some(name) = current.file_name() else { return path.to_path_buf() };
    match parent_of(&current).canonicalize() {
        Ok(dir) => dir.join(name),
        Err(_) => path.to_path_buf(),
    }
}

/// The folder holding `path` (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_links_to_existing_missing_and_relative_targets() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().canonicalize().unwrap();
        let target_dir = real_dir.join("real");
        std::fs::create_dir(&target_dir).unwrap();
        let file = target_dir.join("data.db");
        std::fs::write(&file, b"").unwrap();

        let link = real_dir.join("link.db");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(canonical(&link), file);
        assert_eq!(canonical(&file), file);

        // Not there yet: the folder is resolved, the name kept.
        let folder_link = real_dir.join("folder");
        std::os::unix::fs::symlink(&target_dir, &folder_link).unwrap();
        assert_eq!(canonical(&folder_link.join("new.db")), target_dir.join("new.db"));

        // A dangling relative link: where it points, so SQLite creates it there.
        let dangling = real_dir.join("dangling.db");
        std::os::unix::fs::symlink("real/later.db", &dangling).unwrap();
        assert_eq!(canonical(&dangling), target_dir.join("later.db"));

        // No folder: unchanged, for the open to report.
        let nowhere = Path::new("/nonexistent-dir/sub/x.db");
        assert_eq!(canonical(nowhere), nowhere);
    }
}
