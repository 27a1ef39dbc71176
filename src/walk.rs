//! Walking the paths the user gave: which files the tool looks at (SPEC 1).
//!
//! Owns: the `ignore` crate's parallel walker and its rules (`.gitignore`, `.ignore`,
//! hidden files, `node_modules`, `--exclude`, `--no-ignore`), the language filter, and
//! turning walk errors into one-line reasons. Does not own: reading or checking files
//! (see [`crate::run`]); that work runs on the walker's threads, inside the visitor
//! handed to [`walk`].

use std::io;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

use crate::language::Lang;

/// How to walk: the user's choices from the command line.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Walk files that `.gitignore`, `.ignore` and git's exclude files would skip
    /// (`--no-ignore`). Hidden files and `node_modules` stay skipped.
    pub no_ignore: bool,
    /// Gitignore-style globs of paths to leave out (`--exclude`), relative to the
    /// current directory. They never drop a file named explicitly on the command line.
    pub excludes: Vec<String>,
    /// Worker threads (`-j`); 0 picks one per core.
    pub threads: usize,
}

/// One thing the walker hands to a visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visit {
    /// A file the tool looks at, with the grammar to parse it with.
    File {
        /// The path as walked (relative when the user gave a relative path).
        path: PathBuf,
        /// Its grammar, from [`Lang::from_path`].
        lang: Lang,
    },
    /// A path the walker could not look at: the run goes on, and ends with exit code 2.
    Error {
        /// The path that failed.
        path: PathBuf,
        /// Why, in a few lowercase words (`no such file or directory`).
        reason: String,
    },
}

/// A visitor for one walker thread.
pub type Visitor<'s> = Box<dyn FnMut(Visit) + Send + 's>;

/// Walk `paths` on several threads. `make_visitor` is called once per thread; the visitor
/// it returns is called on that thread for every file the tool looks at and every error.
///
/// Explicit file paths are taken even when an ignore rule or `--exclude` matches them
/// (as ripgrep does), but only when [`Lang::from_path`] knows their language.
/// Symbolic links are followed, so that a broken link or a loop is reported.
pub fn walk<'s, F>(
    paths: &[PathBuf],
    options: &WalkOptions,
    mut make_visitor: F,
) -> anyhow::Result<()>
where
    F: FnMut() -> Visitor<'s>,
{
    let Some((first, rest)) = paths.split_first() else {
        return Ok(());
    };
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    builder
        .follow_links(true)
        // A `.gitignore` means what it says even in an unpacked tarball without `.git`.
        .require_git(false)
        .threads(options.threads)
        .overrides(exclude_overrides(&options.excludes)?)
        .filter_entry(|entry| entry.file_name() != "node_modules");
    if options.no_ignore {
        builder.standard_filters(false).hidden(true);
    }
    builder.build_parallel().run(|| {
        let mut visitor = make_visitor();
        Box::new(move |entry| {
            if let Some(visit) = classify(entry) {
                visitor(visit);
            }
            WalkState::Continue
        })
    });
    Ok(())
}

/// `--exclude GLOB…` as `ignore` overrides: each glob negated, so it only ever drops paths.
fn exclude_overrides(excludes: &[String]) -> anyhow::Result<ignore::overrides::Override> {
    let root = std::env::current_dir().context("cannot read the current directory")?;
    let mut overrides = OverrideBuilder::new(root);
    for glob in excludes {
        overrides
            .add(&format!("!{glob}"))
            .with_context(|| format!("invalid --exclude glob {glob:?}"))?;
    }
    overrides.build().context("invalid --exclude globs")
}

/// What a walker entry means for the tool, or `None` when it is of no interest
/// (directories, other languages, `.d.ts`, sockets and fifos).
fn classify(entry: Result<ignore::DirEntry, ignore::Error>) -> Option<Visit> {
    match entry {
        Ok(entry) => {
            let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
            let lang = Lang::from_path(entry.path())?;
            is_file.then(|| Visit::File {
                path: entry.into_path(),
                lang,
            })
        }
        Err(err) => classify_error(&err),
    }
}

/// A walk error as a [`Visit::Error`], or `None` for noise: a dangling link, or an
/// unreadable entry, met while walking whose name is not one the tool would look at.
fn classify_error(err: &ignore::Error) -> Option<Visit> {
    if let Some((ancestor, child)) = find_loop(err) {
        return Some(Visit::Error {
            path: child.to_path_buf(),
            reason: format!("symbolic link loop (points back to {})", ancestor.display()),
        });
    }
    let path = find_path(err).map(Path::to_path_buf).unwrap_or_default();
    let explicit = err.depth().is_none_or(|depth| depth == 0);
    let io_error = err.io_error();
    let not_found = io_error.is_some_and(|e| e.kind() == io::ErrorKind::NotFound);
    if !explicit && not_found && Lang::from_path(&path).is_none() {
        return None;
    }
    let reason = match io_error {
        Some(e) if not_found => match std::fs::read_link(&path) {
            Ok(target) => format!("broken symbolic link (to {})", target.display()),
            Err(_) => io_reason(e),
        },
        Some(e) => io_reason(e),
        None => innermost_message(err),
    };
    Some(Visit::Error { path, reason })
}

fn find_loop(err: &ignore::Error) -> Option<(&Path, &Path)> {
    match err {
        ignore::Error::Loop { ancestor, child } => Some((ancestor, child)),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => find_loop(err),
        _ => None,
    }
}

fn find_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            find_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(find_path),
        _ => None,
    }
}

/// The message of the error under the path and depth wrappers (the path is printed apart).
fn innermost_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            innermost_message(err)
        }
        ignore::Error::Partial(errs) => errs
            .iter()
            .map(innermost_message)
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// An I/O error as a reason for people: lowercase, without Rust's `(os error N)` tail.
pub fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => return "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => return "permission denied".to_string(),
        _ => {}
    }
    let text = err.to_string();
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "unknown I/O error".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::sync::Mutex;

    fn walk_to_vec(paths: &[PathBuf], options: &WalkOptions) -> Vec<Visit> {
        let found = Mutex::new(Vec::new());
        walk(paths, options, || {
            let found = &found;
            Box::new(move |visit| found.lock().unwrap().push(visit))
        })
        .unwrap();
        let mut found = found.into_inner().unwrap();
        found.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        found
    }

    fn file_names(visits: &[Visit]) -> Vec<String> {
        let mut names: Vec<String> = visits
            .iter()
            .filter_map(|visit| match visit {
                Visit::File { path, .. } => Some(path.file_name()?.to_string_lossy().into_owned()),
                Visit::Error { .. } => None,
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn walks_only_known_languages_and_skips_node_modules() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("src/node_modules/pkg")).unwrap();
        fs::create_dir_all(root.join(".hidden")).unwrap();
        fs::write(root.join("src/a.ts"), "").unwrap();
        fs::write(root.join("src/b.d.ts"), "").unwrap();
        fs::write(root.join("src/c.json"), "").unwrap();
        fs::write(root.join("src/d.mjs"), "").unwrap();
        fs::write(root.join("src/node_modules/pkg/e.ts"), "").unwrap();
        fs::write(root.join(".hidden/f.ts"), "").unwrap();
        let found = walk_to_vec(&[root.to_path_buf()], &WalkOptions::default());
        assert_eq!(file_names(&found), ["a.ts", "d.mjs"]);
    }

    #[test]
    fn honours_gitignore_without_git_and_no_ignore_overrides_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(".gitignore"), "dist/\n").unwrap();
        fs::create_dir(root.join("dist")).unwrap();
        fs::write(root.join("dist/out.js"), "").unwrap();
        fs::write(root.join("keep.ts"), "").unwrap();
        let found = walk_to_vec(&[root.to_path_buf()], &WalkOptions::default());
        assert_eq!(file_names(&found), ["keep.ts"]);
        let options = WalkOptions {
            no_ignore: true,
            ..WalkOptions::default()
        };
        let found = walk_to_vec(&[root.to_path_buf()], &options);
        assert_eq!(file_names(&found), ["keep.ts", "out.js"]);
    }

    #[test]
    fn explicit_ignored_file_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(".ignore"), "skipped.ts\n").unwrap();
        fs::write(root.join("skipped.ts"), "").unwrap();
        let found = walk_to_vec(&[root.to_path_buf()], &WalkOptions::default());
        assert!(file_names(&found).is_empty());
        let found = walk_to_vec(&[root.join("skipped.ts")], &WalkOptions::default());
        assert_eq!(file_names(&found), ["skipped.ts"]);
    }

    #[test]
    fn missing_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.ts");
        let found = walk_to_vec(std::slice::from_ref(&missing), &WalkOptions::default());
        assert_eq!(
            found,
            [Visit::Error {
                path: missing,
                reason: "no such file or directory".to_string()
            }]
        );
    }

    #[cfg(unix)]
    #[test]
    fn broken_link_and_loop_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::os::unix::fs::symlink(root.join("gone.ts"), root.join("broken.ts")).unwrap();
        std::os::unix::fs::symlink(root.join("gone.md"), root.join("broken.md")).unwrap();
        fs::create_dir(root.join("sub")).unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/up")).unwrap();
        let found = walk_to_vec(&[root.to_path_buf()], &WalkOptions::default());
        let reasons: Vec<&str> = found
            .iter()
            .filter_map(|visit| match visit {
                Visit::Error { reason, .. } => Some(reason.as_str()),
                Visit::File { .. } => None,
            })
            .collect();
        assert_eq!(reasons.len(), 2, "{found:?}");
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("broken symbolic link")),
            "{found:?}"
        );
        assert!(
            reasons.iter().any(|r| r.starts_with("symbolic link loop")),
            "{found:?}"
        );
    }

    #[test]
    fn io_reasons_read_well() {
        let err = io::Error::from_raw_os_error(21);
        assert!(!io_reason(&err).contains("os error"));
        assert!(io_reason(&err).starts_with(char::is_lowercase));
    }
}
