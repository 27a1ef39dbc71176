//! Which other files a file's analysis consulted: the imported modules read by the
//! movability proof and the semantic model, the `tsconfig.json` and workspace manifests
//! that decided where an import leads, the paths probed on the way. The results cache
//! ([`crate::cache`] in the run) stores them with a file's findings, and an entry is
//! stale when any of them changed (docs/cache.md).
//!
//! Owns: the recorder (a stack of frames per thread: [`capture`] opens one, the readers
//! call [`read`], [`probe`] and [`listed`]), the [`Consulted`] facts and the file
//! [`Stamp`], and [`Memo`], the run-wide memo that keeps what its computation consulted
//! so that a later hit records the same facts. Does not own: what is read, nor checking
//! whether the facts still hold (the cache does that).
//!
//! Nothing is recorded outside a [`capture`] (the language server, `--no-cache`): the
//! readers' calls then cost a thread-local look.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

/// What identifies one version of a file without reading it: size, modification and
/// change times (nanoseconds since the epoch) and inode, as git's index keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time.
    pub mtime: i64,
    /// Status change time (0 where the platform has none).
    pub ctime: i64,
    /// Inode (0 where the platform has none).
    pub ino: u64,
}

impl Stamp {
    /// The stamp of the file `metadata` describes.
    pub fn of(metadata: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let nanos = |s: i64, ns: i64| s.saturating_mul(1_000_000_000).saturating_add(ns);
            Stamp {
                len: metadata.len(),
                mtime: nanos(metadata.mtime(), metadata.mtime_nsec()),
                ctime: nanos(metadata.ctime(), metadata.ctime_nsec()),
                ino: metadata.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime = metadata
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i64);
            Stamp {
                len: metadata.len(),
                mtime,
                ctime: 0,
                ino: 0,
            }
        }
    }
}

/// The xxh3 hash of a file's content, as the cache compares contents.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// One fact about another file that an analysis relied on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Consulted {
    /// Its content was read: it must still hash to `hash` (`stamp` spares the read
    /// while the file is untouched).
    Read {
        path: PathBuf,
        stamp: Stamp,
        hash: u64,
    },
    /// It was asked whether it is a file: the answer must be the same.
    Probed { path: PathBuf, is_file: bool },
    /// A directory's entries were listed: its stamp must be the same (a directory's
    /// modification time changes when an entry is added, removed or renamed).
    Listed { path: PathBuf, stamp: Stamp },
}

impl Consulted {
    /// The file or directory the fact is about.
    pub fn path(&self) -> &Path {
        match self {
            Consulted::Read { path, .. }
            | Consulted::Probed { path, .. }
            | Consulted::Listed { path, .. } => path,
        }
    }
}

thread_local! {
    /// The open frames of this thread, innermost last.
    static FRAMES: RefCell<Vec<Vec<Consulted>>> = const { RefCell::new(Vec::new()) };
}

/// Whether a frame is open on this thread (nothing to record otherwise).
fn recording() -> bool {
    FRAMES.with(|frames| !frames.borrow().is_empty())
}

fn record(fact: impl FnOnce() -> Consulted) {
    FRAMES.with(|frames| {
        if let Some(top) = frames.borrow_mut().last_mut() {
            top.push(fact());
        }
    });
}

/// Closes the frame it opened even when the computation panics (the run catches the
/// panics of an analysis and goes on with the next file on the same thread).
struct Frame;

impl Drop for Frame {
    fn drop(&mut self) {
        let closed = FRAMES.with(|frames| frames.borrow_mut().pop());
        // What an inner frame consulted, its outer frame consulted too.
        if let Some(closed) = closed {
            FRAMES.with(|frames| {
                if let Some(top) = frames.borrow_mut().last_mut() {
                    top.extend(closed);
                }
            });
        }
    }
}

/// Run `compute` with a frame of its own: what it consulted, sorted and without
/// repeats (the outer frame, if any, records it too).
pub fn capture<R>(compute: impl FnOnce() -> R) -> (R, Vec<Consulted>) {
    FRAMES.with(|frames| frames.borrow_mut().push(Vec::new()));
    let frame = Frame;
    let result = compute();
    let mut facts = FRAMES.with(|frames| frames.borrow().last().cloned().unwrap_or_default());
    drop(frame);
    facts.sort();
    facts.dedup();
    (result, facts)
}

/// Record facts consulted earlier (a memo's hit).
fn replay(facts: &[Consulted]) {
    if facts.is_empty() {
        return;
    }
    FRAMES.with(|frames| {
        if let Some(top) = frames.borrow_mut().last_mut() {
            top.extend_from_slice(facts);
        }
    });
}

/// `path` was read, as `metadata` described it, and held `bytes`.
pub fn read(path: &Path, metadata: &std::fs::Metadata, bytes: &[u8]) {
    if recording() {
        record(|| Consulted::Read {
            path: path.to_path_buf(),
            stamp: Stamp::of(metadata),
            hash: content_hash(bytes),
        });
    }
}

/// Read `path` whole, recording it (or, when it cannot be read, that it is not a
/// readable file).
pub fn read_to_string(path: &Path) -> Option<String> {
    let read_file = || -> std::io::Result<(std::fs::Metadata, String)> {
        let mut file = std::fs::File::open(path)?;
        let metadata = file.metadata()?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut file, &mut text)?;
        Ok((metadata, text))
    };
    match read_file() {
        Ok((metadata, text)) => {
            read(path, &metadata, text.as_bytes());
            Some(text)
        }
        Err(_) => {
            record(|| Consulted::Probed {
                path: path.to_path_buf(),
                is_file: false,
            });
            None
        }
    }
}

/// Whether `path` is a file, recording the question and its answer.
pub fn probe(path: &Path) -> bool {
    let is_file = path.is_file();
    record(|| Consulted::Probed {
        path: path.to_path_buf(),
        is_file,
    });
    is_file
}

/// The entries of directory `path` are about to be listed.
pub fn listed(path: &Path) {
    if recording() {
        match std::fs::metadata(path) {
            Ok(metadata) => record(|| Consulted::Listed {
                path: path.to_path_buf(),
                stamp: Stamp::of(&metadata),
            }),
            Err(_) => record(|| Consulted::Probed {
                path: path.to_path_buf(),
                is_file: false,
            }),
        }
    }
}

/// A run-wide memo, shared by all threads, that remembers what each computation
/// consulted: a hit records those facts again, in the frame of the file that asked.
pub struct Memo<K, V> {
    map: OnceLock<Mutex<HashMap<K, Remembered<V>>>>,
}

/// A memo's value and what computing it consulted.
type Remembered<V> = (V, Arc<[Consulted]>);

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    /// An empty memo (for a `static`).
    pub const fn new() -> Self {
        Memo {
            map: OnceLock::new(),
        }
    }

    /// The value of `key`, computed by `compute` the first time it is asked.
    pub fn get_or_compute(&self, key: K, compute: impl FnOnce() -> V) -> V {
        let map = self.map.get_or_init(Default::default);
        if let Some((value, facts)) = map.lock().ok().and_then(|m| m.get(&key).cloned()) {
            replay(&facts);
            return value;
        }
        let (value, facts) = capture(compute);
        if let Ok(mut map) = map.lock() {
            map.insert(key, (value.clone(), facts.into()));
        }
        value
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Memo<K, V> {
    fn default() -> Self {
        Memo::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_nest_and_memo_hits_record_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.ts");
        std::fs::write(&file, "x").unwrap();
        static MEMO: Memo<PathBuf, bool> = Memo::new();
        let ask = || MEMO.get_or_compute(file.clone(), || probe(&file));
        let (found, facts) = capture(|| capture(ask).0);
        assert!(found);
        assert_eq!(
            facts,
            [Consulted::Probed {
                path: file.clone(),
                is_file: true
            }]
        );
        // The second ask is a hit: nothing is probed, the fact is recorded all the same.
        std::fs::remove_file(&file).unwrap();
        let (found, facts) = capture(ask);
        assert!(found);
        assert_eq!(facts.len(), 1);
        // Outside a frame nothing is kept.
        assert!(!recording());
        probe(&file);
        assert!(!recording());
    }
}
