//! The results cache: what a run found in each file, kept for the next run, so that a
//! file that did not change (nor any file its findings depend on) is not read again
//! (docs/cache.md).
//!
//! An entry is keyed by the tool's version (the cache file's name and header), the
//! file's settings ([`crate::settings::Settings::fingerprint`]) and its absolute path;
//! it holds the file's [`Stamp`] and content hash, the run's word on it (the prefilter
//! dropped it, or its findings), and every other file its analysis consulted
//! ([`Consulted`]). It is served when the settings are the same, the file is the same
//! (same stamp, or same content hash when the stamp differs or the file was modified
//! within [`RACY`] of the entry), and every consulted fact still holds.
//!
//! Owns: the cache file (`results-<version>.bin` in the cache directory: a magic line,
//! a checksum, then the entries in postcard), loading it (anything unreadable, truncated,
//! of another version or failing its checksum is ignored: the run starts from empty),
//! checking entries, and writing it back atomically (temporary file + rename, so two runs
//! at once never leave a torn file; the last one wins). Does not own: which runs use it
//! and what is stored (see [`crate::run`]), nor recording what an analysis consulted
//! ([`crate::analysis::consulted`]).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::analysis::consulted::{content_hash, Consulted, Stamp};
use crate::diagnostic::Finding;

/// The default cache directory's name, at the project root.
pub const DIR_NAME: &str = ".inngest-fix-cache";

/// A file modified this close (nanoseconds) before its entry was written may have changed
/// again within the same timestamp: its content is hashed on every run until it is older.
pub const RACY: i64 = 2_000_000_000;

/// The first bytes of every cache file.
const MAGIC: &[u8] = b"inngest-fix results cache\n";

/// Bumped when [`Entry`] changes shape (the version key changes with the binary anyway).
const FORMAT: u32 = 1;

/// What the run made of a file, as the cache keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// The prefilter dropped it: it cannot define an Inngest function. Never parsed.
    Skipped,
    /// It was analysed: these are its findings (suppressed ones included).
    Analysed {
        /// It defines at least one Inngest function.
        has_inngest_functions: bool,
        /// Its findings, as the pipeline decided them.
        findings: Vec<Finding>,
    },
}

/// One file's entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// [`crate::settings::Settings::fingerprint`] of the settings it was checked with.
    settings: u64,
    /// The file as it was read.
    stamp: Stamp,
    /// Its content hash.
    hash: u64,
    /// When the entry was made (nanoseconds since the epoch), for [`RACY`].
    written: i64,
    /// The other files its analysis consulted, and what they were.
    consulted: Vec<Consulted>,
    outcome: Outcome,
}

/// What the cache file holds after its magic line and checksum.
#[derive(Serialize, Deserialize)]
struct Contents {
    format: u32,
    version: String,
    entries: HashMap<String, Entry>,
}

/// The state of a path now, looked up once per run.
#[derive(Debug, Clone, Copy)]
struct Now {
    stamp: Stamp,
    is_file: bool,
}

/// The cache of one run: the entries loaded, and those made or refreshed by this run.
pub struct Cache {
    dir: PathBuf,
    file: PathBuf,
    version: String,
    loaded: HashMap<String, Entry>,
    fresh: Mutex<Vec<(String, Entry)>>,
    /// Per path consulted by some entry: its stamp now (`None`: it does not exist).
    states: Mutex<HashMap<PathBuf, Option<Now>>>,
    /// Per path: its content hash now (`None`: it cannot be read).
    hashes: Mutex<HashMap<PathBuf, Option<u64>>>,
    served: AtomicUsize,
    analysed: AtomicUsize,
}

/// Nanoseconds since the epoch.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// The version of the tool that entries are valid for: the crate's version and the
/// binary's size and time (a rebuilt binary may judge files differently), or
/// `INNGEST_FIX_CACHE_VERSION` when set (tests stand for another version with it).
pub fn version_key() -> String {
    if let Some(version) = std::env::var_os("INNGEST_FIX_CACHE_VERSION") {
        return version.to_string_lossy().into_owned();
    }
    let binary = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| Stamp::of(&m))
        .map(|s| format!("{}-{}", s.len, s.mtime))
        .unwrap_or_default();
    format!("{} {binary}", env!("CARGO_PKG_VERSION"))
}

impl Cache {
    /// The cache kept in `dir` for this version of the tool; empty when there is none
    /// or it cannot be trusted.
    pub fn open(dir: PathBuf) -> Cache {
        let version = version_key();
        let file = dir.join(format!(
            "results-{:016x}.bin",
            content_hash(version.as_bytes())
        ));
        let loaded = std::fs::read(&file)
            .ok()
            .and_then(|bytes| decode(&bytes, &version))
            .unwrap_or_default();
        Cache {
            dir,
            file,
            version,
            loaded,
            fresh: Mutex::new(Vec::new()),
            states: Mutex::new(HashMap::new()),
            hashes: Mutex::new(HashMap::new()),
            served: AtomicUsize::new(0),
            analysed: AtomicUsize::new(0),
        }
    }

    /// The outcome kept for the file at `path` (`key`: its absolute path), checked with
    /// settings of fingerprint `settings`, when the file is as `metadata` says and the
    /// entry still holds; `None` when it must be analysed. A file with findings comes
    /// with its text (read again, and hashed: the code frames show what was analysed).
    pub fn lookup(
        &self,
        key: &str,
        path: &Path,
        settings: u64,
        metadata: &std::fs::Metadata,
    ) -> Option<(Outcome, Option<String>)> {
        let found = self.valid_entry(key, path, settings, metadata);
        if found.is_some() {
            self.served.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    fn valid_entry(
        &self,
        key: &str,
        path: &Path,
        settings: u64,
        metadata: &std::fs::Metadata,
    ) -> Option<(Outcome, Option<String>)> {
        let entry = self.loaded.get(key)?;
        if entry.settings != settings {
            return None;
        }
        let stamp = Stamp::of(metadata);
        let same_stamp = entry.stamp == stamp && !racy(stamp.mtime, entry.written);
        let has_findings =
            matches!(&entry.outcome, Outcome::Analysed { findings, .. } if !findings.is_empty());
        let mut text = None;
        if !same_stamp || has_findings {
            let bytes = std::fs::read(path).ok()?;
            if content_hash(&bytes) != entry.hash {
                return None;
            }
            if has_findings {
                text = Some(String::from_utf8(bytes).ok()?);
            }
        }
        if !entry
            .consulted
            .iter()
            .all(|fact| self.holds(fact, entry.written))
        {
            return None;
        }
        if !same_stamp {
            // The same content under a new stamp (or no longer racy): remember the stamp,
            // so that the next run need not read the file.
            let written = now();
            if !racy(stamp.mtime, written) {
                self.push(
                    key.to_string(),
                    Entry {
                        stamp,
                        written,
                        ..entry.clone()
                    },
                );
            }
        }
        Some((entry.outcome.clone(), text))
    }

    /// Keep what the run made of a file: read as `metadata` says with content `bytes`,
    /// checked with settings of fingerprint `settings`, having consulted `consulted`.
    pub fn store(
        &self,
        key: String,
        settings: u64,
        metadata: &std::fs::Metadata,
        bytes: &[u8],
        consulted: Vec<Consulted>,
        outcome: Outcome,
    ) {
        // Entries are written as UTF-8: a fact about a path that is not is not kept.
        if consulted.iter().any(|fact| fact.path().to_str().is_none()) {
            return;
        }
        self.push(
            key,
            Entry {
                settings,
                stamp: Stamp::of(metadata),
                hash: content_hash(bytes),
                written: now(),
                consulted,
                outcome,
            },
        );
    }

    /// Count a file that was analysed rather than served.
    pub fn count_analysed(&self) {
        self.analysed.fetch_add(1, Ordering::Relaxed);
    }

    fn push(&self, key: String, entry: Entry) {
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh.push((key, entry));
        }
    }

    /// Whether a fact an entry relied on still holds.
    fn holds(&self, fact: &Consulted, written: i64) -> bool {
        match fact {
            Consulted::Probed { path, is_file } => {
                self.state(path).is_some_and(|now| now.is_file) == *is_file
            }
            Consulted::Listed { path, stamp } => self
                .state(path)
                .is_some_and(|now| now.stamp == *stamp && !racy(stamp.mtime, written)),
            Consulted::Read { path, stamp, hash } => match self.state(path) {
                Some(now) if now.stamp == *stamp && !racy(stamp.mtime, written) => true,
                Some(_) => self.hash_of(path) == Some(*hash),
                None => false,
            },
        }
    }

    fn state(&self, path: &Path) -> Option<Now> {
        if let Some(known) = self.states.lock().ok()?.get(path) {
            return *known;
        }
        let state = std::fs::metadata(path).ok().map(|m| Now {
            stamp: Stamp::of(&m),
            is_file: m.is_file(),
        });
        if let Ok(mut states) = self.states.lock() {
            states.insert(path.to_path_buf(), state);
        }
        state
    }

    fn hash_of(&self, path: &Path) -> Option<u64> {
        if let Some(known) = self.hashes.lock().ok()?.get(path) {
            return *known;
        }
        let hash = std::fs::read(path).ok().map(|bytes| content_hash(&bytes));
        if let Ok(mut hashes) = self.hashes.lock() {
            hashes.insert(path.to_path_buf(), hash);
        }
        hash
    }

    /// `(served, analysed)` so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.served.load(Ordering::Relaxed),
            self.analysed.load(Ordering::Relaxed),
        )
    }

    /// Write the cache back when this run changed anything: the entries loaded, with
    /// this run's over them. A cache that cannot be written costs the next run its
    /// speed, nothing else: the error is returned for a note, never fatal.
    pub fn save(self) -> std::io::Result<()> {
        let fresh = self.fresh.into_inner().unwrap_or_default();
        if fresh.is_empty() {
            return Ok(());
        }
        let mut entries = self.loaded;
        entries.extend(fresh);
        let contents = Contents {
            format: FORMAT,
            version: self.version,
            entries,
        };
        let payload = postcard::to_allocvec(&contents).map_err(std::io::Error::other)?;
        std::fs::create_dir_all(&self.dir)?;
        ensure_gitignore(&self.dir);
        let mut temp = tempfile::Builder::new()
            .prefix(".results-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)?;
        temp.write_all(MAGIC)?;
        temp.write_all(&content_hash(&payload).to_le_bytes())?;
        temp.write_all(&payload)?;
        temp.flush()?;
        temp.persist(&self.file).map_err(|err| err.error)?;
        remove_other_versions(&self.dir, &self.file);
        Ok(())
    }
}

/// Whether a file modified at `mtime` may have changed again, unseen, after an entry
/// written at `written` read it.
fn racy(mtime: i64, written: i64) -> bool {
    mtime.saturating_add(RACY) >= written
}

/// The entries of a cache file, when it is whole, of this format and version.
fn decode(bytes: &[u8], version: &str) -> Option<HashMap<String, Entry>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (checksum, payload) = rest.split_at_checked(8)?;
    if u64::from_le_bytes(checksum.try_into().ok()?) != content_hash(payload) {
        return None;
    }
    let contents: Contents = postcard::from_bytes(payload).ok()?;
    (contents.format == FORMAT && contents.version == version).then_some(contents.entries)
}

/// A `.gitignore` of `*` in the cache directory: it is never committed.
fn ensure_gitignore(dir: &Path) {
    let path = dir.join(".gitignore");
    if !path.exists() {
        // Two runs may race to create it: either wins, with the same content.
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| {
                file.write_all(b"# Created by inngest-fix: its results cache.\n*\n")
            });
    }
}

/// The cache files of other versions of the tool, and temporary files older than an
/// hour (left by killed runs), are of no more use.
fn remove_other_versions(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let other_version = name.starts_with("results-") && name.ends_with(".bin") && path != keep;
        let stale_temp = name.starts_with(".results-")
            && name.ends_with(".tmp")
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600);
        if other_version || stale_temp {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_file_round_trips_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.ts");
        std::fs::write(&file, "x").unwrap();
        let metadata = std::fs::metadata(&file).unwrap();
        let cache = Cache::open(dir.path().join("cache"));
        let key = file.to_string_lossy().into_owned();
        assert_eq!(cache.lookup(&key, &file, 1, &metadata), None);
        cache.store(
            key.clone(),
            1,
            &metadata,
            b"x",
            Vec::new(),
            Outcome::Skipped,
        );
        cache.save().unwrap();
        let cache = Cache::open(dir.path().join("cache"));
        assert_eq!(
            cache.lookup(&key, &file, 1, &metadata),
            Some((Outcome::Skipped, None))
        );
        assert_eq!(cache.lookup(&key, &file, 2, &metadata), None, "settings");
        let bytes = std::fs::read(&cache.file).unwrap();
        assert!(decode(&bytes, &cache.version).is_some());
        assert!(decode(&bytes[..bytes.len() - 1], &cache.version).is_none());
        assert!(decode(&bytes, "another version").is_none());
    }
}
