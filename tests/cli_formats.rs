//! The output formats from the outside, on a few shared fixtures: snapshots of `text`,
//! `concise`, `json`, `json-lines`, `sarif` and `github` output (in `snapshots/`), the SARIF log
//! validated against the official SARIF 2.1.0 JSON schema, and the SARIF fixes applied
//! back to the file to check they give what `--write` gives.
//!
//! `tests/data/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 schema
//! (`sarif-2.1.0-rtm.5.json`, the final 2.1.0 schema) as shipped in the npm package
//! `@microsoft/jest-sarif` 1.0.0-beta.0 (MIT), `lib/schemas/`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The shared fixtures the formats are shown on: fixes in two branches, a manual
/// finding, a finding waiting for --all-returns, suppressions used and unused.
const FIXTURES: &[&str] = &[
    "if_else_branch_returns.ts",
    "manual_step_call_in_return.ts",
    "early_return_after_steps.ts",
    "unused_suppression_stale_and_misspelled.ts",
];

/// The fixtures copied into a fresh directory under `src/`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    fs::create_dir_all(dir.path().join("src")).unwrap();
    for name in FIXTURES {
        fs::copy(fixtures.join(name), dir.path().join("src").join(name)).unwrap();
    }
    dir
}

fn inngest_fix(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_inngest-fix"));
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .args(["--color=never", "--no-config"]);
    cmd
}

struct Output {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let output = inngest_fix(dir).args(args).output().unwrap();
    Output {
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        code: output.status.code().unwrap_or(-1),
    }
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name.to_string(), text);
    });
}

#[test]
fn text_check() {
    let dir = project();
    let out = run(dir.path(), &["--check", "src"]);
    assert_eq!(out.code, 1);
    snapshot("format_text_check", &out.stdout);
}

#[test]
fn concise_check() {
    let dir = project();
    let out = run(dir.path(), &["--check", "--format", "concise", "src"]);
    assert_eq!(out.code, 1);
    snapshot("format_concise_check", &out.stdout);
}

#[test]
fn json_document() {
    let dir = project();
    let out = run(dir.path(), &["--check", "--format", "json", "src"]);
    assert_eq!(out.code, 1);
    let _: Value = serde_json::from_str(&out.stdout).unwrap();
    snapshot("format_json", &out.stdout);
}

#[test]
fn json_lines_stream() {
    let dir = project();
    let out = run(dir.path(), &["--check", "--format", "json-lines", "src"]);
    assert_eq!(out.code, 1);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let (summary, findings) = lines.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["version"], 2);
    assert_eq!(summary["findings"].as_u64(), Some(findings.len() as u64));
    assert!(findings.iter().all(|f| f["type"] == "finding"));
    // The same findings as the JSON document, in the same order.
    let document: Value =
        serde_json::from_str(&run(dir.path(), &["--check", "--format", "json", "src"]).stdout)
            .unwrap();
    let without_type: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.as_object_mut().unwrap().remove("type");
            f
        })
        .collect();
    assert_eq!(Value::Array(without_type), document["findings"]);
    snapshot("format_json_lines", &out.stdout);
}

#[test]
fn github_annotations() {
    let dir = project();
    let out = run(dir.path(), &["--check", "--format", "github", "src"]);
    assert_eq!(out.code, 1);
    assert!(out
        .stdout
        .lines()
        .all(|l| l.starts_with("::warning file=src/")));
    assert!(out.stderr.starts_with("Scanned "), "{}", out.stderr);
    snapshot("format_github", &out.stdout);
}

#[test]
fn github_errors_are_error_annotations() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.ts"), b"inngest.createFunction(\xff)").unwrap();
    let out = run(dir.path(), &["--check", "--format", "github", "."]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        "::error file=bad.ts,title=inngest-fix::not valid UTF-8 (first invalid byte on line 1)\n"
    );
}

fn sarif_schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_schema();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn sarif_log_is_valid_and_has_fixes() {
    let dir = project();
    let out = run(dir.path(), &["--check", "--format", "sarif", "src"]);
    assert_eq!(out.code, 1);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    // The schema does catch a broken log: a region's line must be at least 1.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!sarif_schema().is_valid(&broken));
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "inngest-fix");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        assert!(rule["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(rule["help"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("## Fix safety")));
    }
    let results = run["results"].as_array().unwrap();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let with_fixes = results.iter().filter(|r| r.get("fixes").is_some()).count();
    let fixed = results
        .iter()
        .filter(|r| r["properties"]["fixed"] == true)
        .count();
    assert!(fixed > 0);
    assert_eq!(with_fixes, fixed, "every fixed finding carries its fix");
    snapshot("format_sarif", &out.stdout);
}

#[test]
fn sarif_of_errors_and_write_mode_is_valid() {
    let dir = project();
    fs::write(dir.path().join("src/bad.ts"), b"inngest.createFunction(\0)").unwrap();
    let out = run(dir.path(), &["--write", "--format", "sarif", "src"]);
    assert_eq!(out.code, 2);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["level"],
        "error"
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().all(|r| r.get("fixes").is_none()),
        "already written"
    );
}

/// Apply a SARIF log's fixes to the files, as a SARIF viewer would.
fn apply_sarif_fixes(dir: &Path, log: &Value) {
    let mut by_file: std::collections::BTreeMap<PathBuf, Vec<(usize, usize, String)>> =
        Default::default();
    for result in log["runs"][0]["results"].as_array().unwrap() {
        for fix in result["fixes"].as_array().into_iter().flatten() {
            for change in fix["artifactChanges"].as_array().unwrap() {
                let path = dir.join(change["artifactLocation"]["uri"].as_str().unwrap());
                let text = fs::read_to_string(&path).unwrap();
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                // Byte offsets of 1-based lines and columns (columns count code points).
                let offset = |line: u64, column: u64| {
                    let line = line as usize - 1;
                    let start: usize = lines[..line.min(lines.len())].iter().map(|l| l.len()).sum();
                    let within: usize = lines.get(line).map_or(0, |l| {
                        l.chars()
                            .take(column as usize - 1)
                            .map(char::len_utf8)
                            .sum()
                    });
                    start + within
                };
                for replacement in change["replacements"].as_array().unwrap() {
                    let region = &replacement["deletedRegion"];
                    let start = offset(
                        region["startLine"].as_u64().unwrap(),
                        region["startColumn"].as_u64().unwrap(),
                    );
                    let end = offset(
                        region["endLine"].as_u64().unwrap(),
                        region["endColumn"].as_u64().unwrap(),
                    );
                    let inserted = replacement["insertedContent"]["text"].as_str().unwrap();
                    by_file.entry(path.clone()).or_default().push((
                        start,
                        end,
                        inserted.to_string(),
                    ));
                }
            }
        }
    }
    for (path, mut edits) in by_file {
        let mut text = fs::read_to_string(&path).unwrap();
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (start, end, inserted) in edits {
            text.replace_range(start..end, &inserted);
        }
        fs::write(path, text).unwrap();
    }
}

#[test]
fn sarif_fixes_give_what_write_gives() {
    let viewer = project();
    let out = run(viewer.path(), &["--check", "--format", "sarif", "src"]);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    apply_sarif_fixes(viewer.path(), &log);
    let written = project();
    run(written.path(), &["--write", "src"]);
    for name in FIXTURES {
        let path = Path::new("src").join(name);
        assert_eq!(
            fs::read_to_string(viewer.path().join(&path)).unwrap(),
            fs::read_to_string(written.path().join(&path)).unwrap(),
            "{name}"
        );
    }
}
