//! Writing fixed files safely (SPEC 6).
//!
//! Owns: replacing one file's content so that an interrupted run leaves it either old or
//! new, never half-written: a temporary file in the same directory, written and synced,
//! given the original's permissions (and owner, where allowed), then renamed over the
//! original. A file that changed on disk since it was read is not overwritten. Does not
//! own: deciding what to write ([`crate::run`]).
//!
//! A symbolic link is written through: its target gets the new content and the link stays.
//! Hard links to the file are not updated (the rename gives the path a new inode), as
//! with `sed -i` and most formatters.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Why a file was not replaced. Either way it still holds its old content.
#[derive(Debug)]
pub enum WriteError {
    /// The file's bytes on disk are no longer those the fix was computed from.
    ChangedOnDisk,
    /// The file is read-only: the tool does not override that.
    ReadOnly,
    /// Reading, writing, syncing or renaming failed.
    Io(anyhow::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::ChangedOnDisk => {
                f.write_str("changed on disk since it was read; not written")
            }
            WriteError::ReadOnly => f.write_str("file is read-only; not written"),
            WriteError::Io(err) => write!(f, "not written: {err:#}"),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<anyhow::Error> for WriteError {
    fn from(err: anyhow::Error) -> Self {
        WriteError::Io(err)
    }
}

/// Replace the content of `path` with `contents`, if the file still holds `expected`.
pub fn replace_file(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    // Write through symbolic links: the link stays, its target changes.
    let target = fs::canonicalize(path).context("cannot resolve the path")?;
    let dir = target
        .parent()
        .context("the file has no parent directory")?;
    let metadata = fs::metadata(&target).context("cannot read the file's metadata")?;
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .context("cannot create a temporary file beside it")?;
    temp.write_all(contents)
        .context("cannot write the temporary file")?;
    temp.as_file()
        .set_permissions(metadata.permissions())
        .context("cannot copy the file's permissions")?;
    keep_owner(temp.as_file(), &metadata);
    temp.as_file()
        .sync_all()
        .context("cannot sync the temporary file")?;
    // As late as possible: someone (an editor, a formatter) may have saved meanwhile.
    let current = fs::read(&target).context("cannot read the file again")?;
    if current != expected {
        return Err(WriteError::ChangedOnDisk);
    }
    temp.persist(&target).map_err(|err| {
        anyhow::Error::new(err.error).context("cannot rename the temporary file over it")
    })?;
    sync_dir(dir);
    Ok(())
}

/// The prefix and suffix of the temporary files [`replace_file`] creates.
const TEMP_PREFIX: &str = ".inngest-fix-";
const TEMP_SUFFIX: &str = ".tmp";

/// How much older than the run a temporary file must be to count as stale: a run that
/// overlaps this one may be writing its own temporary file right now.
const STALE_MARGIN: std::time::Duration = std::time::Duration::from_secs(60);

/// Remove the temporary files that a killed run left in `dir`: regular files named like
/// the ones [`replace_file`] creates (`.inngest-fix-XXXXXX.tmp`), last modified at least
/// a minute before `run_start`. Nothing else is touched. Returns how many were removed;
/// a file that cannot be removed is left alone.
pub fn remove_stale_temp_files(dir: &Path, run_start: std::time::SystemTime) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let Some(cutoff) = run_start.checked_sub(STALE_MARGIN) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let ours = name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
            && name.starts_with(TEMP_PREFIX)
            && name.ends_with(TEMP_SUFFIX);
        if !ours {
            continue;
        }
        // `symlink_metadata`: a link of that name is not ours to follow.
        let stale = entry.path().symlink_metadata().is_ok_and(|m| {
            m.file_type().is_file() && m.modified().is_ok_and(|modified| modified < cutoff)
        });
        if stale && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Give the new file the old one's owner and group. Best effort: only root may give a
/// file away, and a file the user owns needs nothing.
#[cfg(unix)]
fn keep_owner(file: &fs::File, metadata: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_file: &fs::File, _metadata: &fs::Metadata) {}

/// Make the rename itself durable. Best effort: not every filesystem syncs directories.
#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".inngest-fix-"))
            .collect()
    }

    #[test]
    fn replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ts");
        fs::write(&path, "old\n").unwrap();
        replace_file(&path, b"old\n", b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn refuses_a_file_changed_since_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ts");
        fs::write(&path, "edited meanwhile\n").unwrap();
        let err = replace_file(&path, b"old\n", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "edited meanwhile\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = replace_file(&dir.path().join("gone.ts"), b"", b"x").unwrap_err();
        assert!(matches!(err, WriteError::Io(_)), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.mjs");
        fs::write(&path, "old\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o754)).unwrap();
        replace_file(&path, b"old\n", b"new\n").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o754);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_read_only_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ts");
        fs::write(&path, "old\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        let err = replace_file(&path, b"old\n", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::ReadOnly), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.ts");
        let link = dir.path().join("link.ts");
        fs::write(&real, "old\n").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace_file(&link, b"old\n", b"new\n").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new\n");
    }

    #[test]
    fn stale_temp_files_of_a_killed_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let make = |name: &str, modified: std::time::SystemTime| {
            let file = fs::File::create(dir.path().join(name)).unwrap();
            file.set_modified(modified).unwrap();
        };
        make(".inngest-fix-a1B2c3.tmp", old);
        make(".inngest-fix-fresh1.tmp", std::time::SystemTime::now());
        make(".other-tool-a1B2c3.tmp", old);
        make("notes.tmp", old);
        make(".inngest-fix-.tmp", old);
        let removed = remove_stale_temp_files(dir.path(), std::time::SystemTime::now());
        assert_eq!(removed, 1);
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".inngest-fix-.tmp",
                ".inngest-fix-fresh1.tmp",
                ".other-tool-a1B2c3.tmp",
                "notes.tmp"
            ]
        );
    }
}
