//! Parse-only baseline for bench/run.sh: walk, prefilter and parse like inngest-fix, and
//! stop there. The gap between this and `inngest-fix --check` is the cost of the analysis
//! (finding handlers, step bindings, scopes, returns) and of printing.
//!
//! Same rules as the tool (SPEC 1, src/walk.rs and src/run.rs): the `ignore` crate's parallel
//! walker with its standard filters (.gitignore even without `.git`, .ignore, hidden files),
//! symlinks followed, `node_modules` skipped, files picked by `Lang::from_path` (which also
//! skips `.d.ts`), one read per file into a per-thread buffer (size checked first), the
//! `createFunction` byte prefilter, then one tree-sitter parse per file with the crate's own
//! thread-local parsers.
//!
//! Usage: cargo run --release --example parse_only -- [-j N] [--list-errors] [PATHS]...
//! `--list-errors` prints the path of every parsed file whose tree has ERROR or MISSING
//! nodes (used to check that bench/gen.py writes valid TypeScript).
//! Prints: `parsed N files (M walked, K passed the prefilter, E with errors, B bytes read)`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use ignore::{WalkBuilder, WalkState};
use inngest_fix::{language, prefilter, Lang};

#[derive(Default)]
struct Counts {
    walked: AtomicUsize,
    read_bytes: AtomicUsize,
    passed: AtomicUsize,
    parsed: AtomicUsize,
    with_errors: AtomicUsize,
    unreadable: AtomicUsize,
}

fn main() {
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut list_errors = false;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-j" | "--threads" => {
                threads = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| usage("-j needs a number"));
            }
            "--list-errors" => list_errors = true,
            "-h" | "--help" => usage(""),
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }

    let mut builder = WalkBuilder::new(&paths[0]);
    for p in &paths[1..] {
        builder.add(p);
    }
    builder
        .follow_links(true)
        .require_git(false)
        .threads(threads)
        // `node_modules` is skipped even where no .gitignore names it (SPEC 1).
        .filter_entry(|entry| entry.file_name() != "node_modules");

    let counts = Counts::default();
    builder.build_parallel().run(|| {
        let counts = &counts;
        let mut buffer = Vec::new();
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return WalkState::Continue;
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let Some(lang) = Lang::from_path(entry.path()) else {
                return WalkState::Continue;
            };
            counts.walked.fetch_add(1, Ordering::Relaxed);
            if read_file(entry.path(), &mut buffer).is_err() {
                counts.unreadable.fetch_add(1, Ordering::Relaxed);
                return WalkState::Continue;
            }
            let bytes = &buffer[..];
            counts.read_bytes.fetch_add(bytes.len(), Ordering::Relaxed);
            if !prefilter(bytes) {
                return WalkState::Continue;
            }
            counts.passed.fetch_add(1, Ordering::Relaxed);
            let Ok(source) = std::str::from_utf8(bytes) else {
                counts.unreadable.fetch_add(1, Ordering::Relaxed);
                return WalkState::Continue;
            };
            if let Some(tree) = language::parse(source, lang) {
                counts.parsed.fetch_add(1, Ordering::Relaxed);
                if tree.root_node().has_error() {
                    counts.with_errors.fetch_add(1, Ordering::Relaxed);
                    if list_errors {
                        eprintln!("parse errors: {}", entry.path().display());
                    }
                }
            }
            WalkState::Continue
        })
    });

    let get = |c: &AtomicUsize| c.load(Ordering::Relaxed);
    println!(
        "parsed {} files ({} walked, {} passed the prefilter, {} with errors, {} bytes read, {} unreadable)",
        get(&counts.parsed),
        get(&counts.walked),
        get(&counts.passed),
        get(&counts.with_errors),
        get(&counts.read_bytes),
        get(&counts.unreadable),
    );
}

/// The tool's limit (SPEC 6): larger files are not read.
const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Read a whole file into `buffer` as the tool does: stat the open file, then read.
fn read_file(path: &Path, buffer: &mut Vec<u8>) -> std::io::Result<()> {
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() > MAX_FILE_SIZE {
        return Err(std::io::Error::other("too large"));
    }
    buffer.clear();
    (&mut file).take(MAX_FILE_SIZE + 1).read_to_end(buffer)?;
    Ok(())
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("parse_only: {problem}");
    }
    eprintln!("usage: parse_only [-j N] [--list-errors] [PATHS]...");
    std::process::exit(2);
}
