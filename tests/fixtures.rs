//! Fixture tests: every file in `tests/fixtures/` is a case, named for what it shows.
//!
//! For each fixture the test
//! - runs the library on it (with `--all-returns` for `all_returns_*` fixtures,
//!   `--unsafe-fixes` for `unsafe_fixes_*` fixtures, and `--select v4`, the migration
//!   rules alone, for `migrate_*` fixtures),
//! - asserts the counts its `// expect:` header gives (fixed, manual, reported,
//!   suppressed, all rules together) and, when the header has `rules=name:N,…`, the
//!   number of findings of each rule (suppressed ones included; a rule not listed must
//!   have none),
//! - snapshots the diagnostics and the diff into `snapshots/<fixture>.snap`,
//! - asserts the fixed text re-parses with no more errors than the original,
//! - asserts a second run on the fixed text changes nothing (idempotency).
//!
//! - asserts each fix is of the kind its rule declares in the registry
//!   (`inngest_fix::rules::registry`: safe, needs review, or none).
//!
//! The CLI-level guarantee (`--dry-run`'s patch applies to what `--write` writes) is
//! checked in `tests/cli.rs` (`dry_run_patch_applies_to_what_write_gives`), on a demo
//! handler in LF, CRLF, with a BOM and without a final newline, not on every fixture.

use std::collections::BTreeMap;

use inngest_fix::fix::Applicability;
use inngest_fix::rule::Fixes;
use inngest_fix::rules::registry;
use std::path::{Path, PathBuf};

use inngest_fix::{check_source, language, FileOutcome, Lang, Settings};

/// The counts a fixture's second line promises.
///
/// A finding is *manual* when it has a reason: that includes every finding of a rule
/// without an automatic fix (`nested-step`, `mutation-in-step`…), whose reason starts
/// with "no automatic fix". *Reported* findings have a fix that this run does not
/// apply (`--all-returns`, `--unsafe-fixes`).
#[derive(Debug, Default, PartialEq, Eq)]
struct Expect {
    fixed: usize,
    manual: usize,
    reported: usize,
    suppressed: usize,
    /// Findings per rule, when the header gives `rules=`.
    rules: Option<BTreeMap<String, usize>>,
}

fn parse_expect(text: &str, path: &Path) -> Expect {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("// expect:"))
        .unwrap_or_else(|| panic!("{}: no `// expect:` header", path.display()));
    let mut expect = Expect::default();
    for pair in line
        .trim()
        .trim_start_matches("// expect:")
        .split_whitespace()
    {
        let (key, value) = pair
            .split_once('=')
            .unwrap_or_else(|| panic!("{}: bad expect pair {pair}", path.display()));
        if key == "rules" {
            let mut rules = BTreeMap::new();
            for item in value.split(',').filter(|i| !i.is_empty()) {
                let (rule, count) = item
                    .split_once(':')
                    .unwrap_or_else(|| panic!("{}: bad rules item {item}", path.display()));
                rules.insert(rule.to_string(), count.parse().expect("rule count"));
            }
            expect.rules = Some(rules);
            continue;
        }
        let value: usize = value.parse().expect("count");
        match key {
            "fixed" => expect.fixed = value,
            "manual" => expect.manual = value,
            "reported" => expect.reported = value,
            "suppressed" => expect.suppressed = value,
            other => panic!("{}: unknown expect key {other}", path.display()),
        }
    }
    expect
}

/// The counts of `outcome`; per rule only when `with_rules` (the header asks for them).
fn counts(outcome: &FileOutcome, with_rules: bool) -> Expect {
    let mut c = Expect::default();
    if with_rules {
        let mut rules = BTreeMap::new();
        for f in &outcome.findings {
            *rules.entry(f.rule.to_string()).or_insert(0) += 1;
        }
        c.rules = Some(rules);
    }
    for f in &outcome.findings {
        if f.suppressed() {
            c.suppressed += 1;
        } else if f.fixed() {
            c.fixed += 1;
        } else if f.reason().is_some() {
            c.manual += 1;
        } else {
            c.reported += 1;
        }
    }
    c
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| Lang::from_path(p).is_some())
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "fixtures missing from {}", dir.display());
    paths
}

fn settings_for(path: &Path) -> Settings {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // `migrate_*`: the migration preset alone (`--select v4`); `migrate_wrapper_*` and
    // `wrapper_*` configure the wrapper `defineJob`.
    let migration = name.starts_with("migrate_");
    Settings {
        all_returns: name.starts_with("all_returns_"),
        unsafe_fixes: name.starts_with("unsafe_fixes_")
            || name.starts_with("migrate_unsafe_fixes_"),
        select: migration.then(|| vec!["v4".to_string()]),
        extra_create_function_names: if name.starts_with("migrate_wrapper_")
            || name.starts_with("wrapper_")
        {
            vec!["defineJob".to_string()]
        } else {
            Vec::new()
        },
        // Relative imports resolve against the fixture (`tests/fixtures/modules/`).
        source_path: Some(path.to_path_buf()),
        ..Settings::default()
    }
}

/// The snapshot: diagnostics, then the unified diff of the fix.
fn render(name: &str, source: &str, outcome: &FileOutcome) -> String {
    let mut out = String::new();
    for f in &outcome.findings {
        let status = if f.suppressed() {
            "suppressed".to_string()
        } else if f.fixed() {
            "fixed".to_string()
        } else if let Some(reason) = f.reason() {
            format!("manual: {reason}")
        } else {
            "reported".to_string()
        };
        out.push_str(&format!(
            "{}:{}:{}: {} {} [{}]\n",
            name, f.range.line, f.range.column, f.rule, f.message, status
        ));
    }
    if let Some(error) = &outcome.internal_error {
        out.push_str(&format!("internal error: {error}\n"));
    }
    out.push_str("---\n");
    if let Some(fixed) = &outcome.fixed_source {
        let diff = similar::TextDiff::from_lines(source, fixed.as_str());
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string(),
        );
    }
    // Make CR visible so CRLF handling shows in review.
    out.replace('\r', "␍")
}

fn error_count(text: &str, lang: Lang) -> usize {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    language::error_count(&language::parse(text, lang).expect("parse"))
}

#[test]
fn every_fixture() {
    let mut failures = Vec::new();
    for path in fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        let lang = Lang::from_path(&path).unwrap();
        let settings = settings_for(&path);
        let outcome = check_source(&source, lang, &settings);

        let expect = parse_expect(&source, &path);
        let got = counts(&outcome, expect.rules.is_some());
        if got != expect {
            failures.push(format!("{name}: expected {expect:?}, got {got:?}"));
        }
        // Every fix is of the kind its rule declares in the registry.
        for finding in &outcome.findings {
            let Some(applicability) = finding.applicability() else {
                continue;
            };
            let declared = registry::get(finding.rule).map(|rule| rule.fixes);
            let allowed = match applicability {
                Applicability::Safe | Applicability::NonTrailing => {
                    matches!(declared, Some(Fixes::Safe | Fixes::NeedsReview))
                }
                Applicability::NeedsReview => declared == Some(Fixes::NeedsReview),
            };
            if !allowed {
                failures.push(format!(
                    "{name}: {} has a {applicability:?} fix, the registry says {declared:?}",
                    finding.rule
                ));
            }
        }
        if outcome.internal_error.is_some() {
            failures.push(format!(
                "{name}: internal error {:?}",
                outcome.internal_error
            ));
        }
        if let Some(fixed) = &outcome.fixed_source {
            if error_count(fixed, lang) > error_count(&source, lang) {
                failures.push(format!("{name}: the fix adds syntax errors"));
            }
            let again = check_source(fixed, lang, &settings);
            if again.fixed_source.is_some() {
                failures.push(format!("{name}: a second run changes the file again"));
            }
            assert_eq!(
                fixed.starts_with('\u{feff}'),
                source.starts_with('\u{feff}'),
                "{name}: BOM kept"
            );
        } else if expect.fixed > 0 {
            failures.push(format!("{name}: nothing fixed"));
        }

        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => name.clone(),
        }, {
            insta::assert_snapshot!(name.clone(), render(&name, &source, &outcome));
        });
    }
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
}
