//! A fix creates no finding its run did not report: `--write`, then `--check` on what was
//! written, finds nothing that the first run did not list as remaining (issue 22, point 3).
//!
//! Run on every fixture under `tests/fixtures` (with the settings `tests/fixtures.rs`
//! gives it), and, when `WRITE_THEN_CHECK_DIRS` names directories (`:`-separated, such
//! as the corpora of real code), on every file under them that has Inngest functions.
//! A finding of the second run is new when no finding of the first run that remained
//! (not fixed) has its rule and message.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use inngest_fix::{check_source, FileOutcome, Lang, Settings};

/// The settings `tests/fixtures.rs` checks a fixture with.
fn fixture_settings(path: &Path) -> Settings {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    Settings {
        all_returns: name.starts_with("all_returns_"),
        unsafe_fixes: name.starts_with("unsafe_fixes_")
            || name.starts_with("migrate_unsafe_fixes_"),
        select: name.starts_with("migrate_").then(|| vec!["v4".to_string()]),
        extra_create_function_names: if name.starts_with("migrate_wrapper_")
            || name.starts_with("wrapper_")
        {
            vec!["defineJob".to_string()]
        } else {
            Vec::new()
        },
        source_path: Some(path.to_path_buf()),
        ..Settings::default()
    }
}

/// A message with its line numbers blanked: a fix above a finding moves it.
fn without_lines(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        out.push_str(&rest[..at + 5]);
        rest = rest[at + 5..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push('N');
    }
    out.push_str(rest);
    out
}

/// What the second run finds that the first did not leave: `rule: message` lines.
fn new_findings(source: &str, lang: Lang, settings: &Settings) -> Vec<String> {
    let first = check_source(source, lang, settings);
    let Some(fixed) = &first.fixed_source else {
        return Vec::new();
    };
    let second = check_source(fixed, lang, settings);
    let mut remaining: HashMap<(String, String), usize> = HashMap::new();
    for f in first.findings.iter().filter(|f| !f.fixed()) {
        *remaining
            .entry((f.rule.to_string(), without_lines(f.rule_message())))
            .or_default() += 1;
    }
    let mut new = Vec::new();
    for f in &second.findings {
        let key = (f.rule.to_string(), without_lines(f.rule_message()));
        match remaining.get_mut(&key) {
            Some(n) if *n > 0 => *n -= 1,
            _ => new.push(format!("{}: {}", f.rule, f.rule_message())),
        }
    }
    let _: &FileOutcome = &second;
    new
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "node_modules") {
            continue;
        }
        if path.is_dir() {
            files_under(&path, out);
        } else if Lang::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

#[test]
fn a_fix_creates_no_finding_on_any_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths = Vec::new();
    files_under(&dir, &mut paths);
    paths.sort();
    assert!(paths.len() >= 10, "fixtures missing from {}", dir.display());
    let mut failures = Vec::new();
    for path in paths {
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        let lang = Lang::from_path(&path).expect("a fixture's language");
        for new in new_findings(&source, lang, &fixture_settings(&path)) {
            failures.push(format!("{}: {new}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "findings the fixes created:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_fix_creates_no_finding_on_the_corpora() {
    let Ok(dirs) = std::env::var("WRITE_THEN_CHECK_DIRS") else {
        return; // the corpora are not part of the repository
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in dirs.split(':').filter(|d| !d.is_empty()) {
        let mut paths = Vec::new();
        files_under(Path::new(dir), &mut paths);
        paths.sort();
        for path in paths {
            let Ok(source) = std::fs::read_to_string(&path) else {
                continue;
            };
            if !source.contains("createFunction") {
                continue;
            }
            let lang = Lang::from_path(&path).expect("language");
            let settings = Settings {
                source_path: Some(path.clone()),
                ..Settings::default()
            };
            checked += 1;
            for new in new_findings(&source, lang, &settings) {
                failures.push(format!("{}: {new}", path.display()));
            }
        }
    }
    eprintln!(
        "write then check: {checked} files, {} new findings",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "findings the fixes created:\n{}",
        failures.join("\n")
    );
}
