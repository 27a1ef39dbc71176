//! The `inngest-fix` binary from the outside: modes, exit codes, the JSON document,
//! walking rules, bad input, patches that `git apply` accepts, and stdin mode.

use std::fs;
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{inngest_fix, stdout_of, write, DEMO};

/// [`DEMO`] as `--write` leaves it.
const DEMO_FIXED: &str = r#"import { inngest } from "./client";
export const fn = inngest.createFunction(
  { id: "demo" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, id: event.data.id };
    });
    return finalReturn;
  },
);
"#;

/// A return that moves a step call: reported for manual review, never rewritten.
const MANUAL: &str = r#"import { inngest } from "./client";
export const fn = inngest.createFunction(
  { id: "manual" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return { a, b: await step.run("b", async () => 2), id: event.data.id };
  },
);
"#;

/// A file the prefilter drops: it never mentions the Inngest entry point.
const PLAIN: &str = "export const add = (a: number, b: number) => a + b;\n";

/// Mentions the entry point but defines no Inngest function.
const MENTION: &str = "// calls inngest.createFunction elsewhere\nexport const x = 1;\n";

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap()
}

/// The JSON document of a run with `--format json`.
fn json_of(cmd: &mut Command) -> Value {
    let output = cmd.arg("--format=json").output().unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn scanned(dir: &Path, args: &[&str]) -> u64 {
    let document = json_of(inngest_fix(dir).args(args));
    document["summary"]["files_scanned"].as_u64().unwrap()
}

// ---------------------------------------------------------------- command line

#[test]
fn help_reads_like_a_manual() {
    let dir = tempfile::tempdir().unwrap();
    inngest_fix(dir.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("--dry-run"))
        .stdout(predicate::str::contains("--stdin-filename"))
        .stdout(predicate::str::contains("Exit codes"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    inngest_fix(dir.path())
        .args(["--write", "--check"])
        .assert()
        .code(2);
    inngest_fix(dir.path())
        .args(["--format", "xml"])
        .assert()
        .code(2);
    inngest_fix(dir.path())
        .args(["--var-name", "not valid"])
        .assert()
        .code(2);
    inngest_fix(dir.path())
        .args(["--step-id", "it's"])
        .assert()
        .code(2);
    inngest_fix(dir.path())
        .args(["--max-file-size", "lots"])
        .assert()
        .code(2);
    inngest_fix(dir.path())
        .args(["--stdin-filename", "a.ts", "b.ts"])
        .assert()
        .code(2);
}

#[test]
fn nothing_to_do_exits_0_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/plain.ts", PLAIN);
    write(dir.path(), "src/mention.ts", MENTION);
    for mode in ["--dry-run", "--write", "--check"] {
        inngest_fix(dir.path())
            .arg(mode)
            .assert()
            .code(0)
            .stdout("")
            .stderr(predicate::str::starts_with(
                "Scanned 2 files (0 with Inngest functions) in ",
            ))
            .stderr(predicate::str::contains(
                "no findings, 0 suppressed, no errors.",
            ));
    }
    assert_eq!(read(dir.path(), "src/plain.ts"), PLAIN);
}

#[test]
fn json_document_has_the_spec_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.ts", PLAIN);
    let document = json_of(&mut inngest_fix(dir.path()));
    assert_eq!(document["version"], 2);
    assert_eq!(document["findings"], Value::Array(vec![]));
    let summary = document["summary"].as_object().unwrap();
    let mut keys: Vec<&str> = summary.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "errors",
            "files_matched",
            "files_scanned",
            "findings",
            "fixed",
            "manual",
            "suppressed",
            "would_fix"
        ]
    );
    assert_eq!(summary["files_scanned"], 1);
}

#[test]
fn json_mode_still_prints_the_summary_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.ts", PLAIN);
    inngest_fix(dir.path())
        .arg("--format=json")
        .assert()
        .success()
        .stderr(predicate::str::starts_with("Scanned 1 file "));
}

// ---------------------------------------------------------------- walking

#[test]
fn walking_honours_gitignore_and_skips_node_modules_and_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", "dist/\n");
    write(root, "src/a.ts", PLAIN);
    write(root, "src/b.tsx", PLAIN);
    write(root, "src/c.cjs", PLAIN);
    write(root, "src/types.d.ts", PLAIN);
    write(root, "src/readme.md", PLAIN);
    write(root, "dist/a.js", PLAIN);
    write(root, "node_modules/pkg/index.js", PLAIN);
    write(root, "packages/app/node_modules/pkg/index.ts", PLAIN);
    write(root, ".cache/x.ts", PLAIN);
    assert_eq!(scanned(root, &[]), 3);
    // --no-ignore brings back dist/, not node_modules or hidden directories.
    assert_eq!(scanned(root, &["--no-ignore"]), 4);
}

#[test]
fn explicit_paths_are_taken_even_when_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", "generated.ts\n");
    write(root, "generated.ts", PLAIN);
    write(root, "node_modules/pkg/index.ts", PLAIN);
    assert_eq!(scanned(root, &[]), 0);
    assert_eq!(scanned(root, &["generated.ts"]), 1);
    assert_eq!(scanned(root, &["node_modules/pkg/index.ts"]), 1);
    assert_eq!(
        scanned(root, &["--exclude", "generated.ts", "generated.ts"]),
        1
    );
}

#[test]
fn exclude_globs_drop_paths() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/a.ts", PLAIN);
    write(root, "src/a.gen.ts", PLAIN);
    write(root, "src/legacy/old.ts", PLAIN);
    write(root, "lib/legacy/kept.ts", PLAIN);
    assert_eq!(scanned(root, &[]), 4);
    assert_eq!(scanned(root, &["--exclude", "*.gen.ts"]), 3);
    assert_eq!(
        scanned(root, &["--exclude", "*.gen.ts", "--exclude", "src/legacy"]),
        2
    );
    assert_eq!(scanned(root, &["--exclude", "legacy"]), 2);
}

#[test]
fn threads_do_not_change_the_output() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        write(
            dir.path(),
            &format!("src/f{i:02}.ts"),
            b"inngest.createFunction \xff\n",
        );
    }
    let run = |threads: &str| {
        let output = inngest_fix(dir.path())
            .args(["-j", threads])
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        stderr
            .lines()
            .filter(|l| l.starts_with("inngest-fix:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let one = run("1");
    assert_eq!(one.len(), 40);
    let mut sorted = one.clone();
    sorted.sort();
    assert_eq!(one, sorted, "errors are printed in path order");
    assert_eq!(run("4"), one);
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_files_get_one_line_each_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/good.ts", MENTION);
    write(
        root,
        "src/latin1.ts",
        b"// caf\xe9\ninngest.createFunction({ id: 'x' }, async () => {});\n",
    );
    write(root, "src/binary.ts", b"inngest.createFunction\0\x01\x02");
    write(
        root,
        "src/big.ts",
        format!("inngest.createFunction\n{}", "x".repeat(2000)),
    );
    // Not an error: without `createFunction` the file is never decoded.
    write(root, "src/latin1_unrelated.ts", b"// caf\xe9\n");
    let output = inngest_fix(root)
        .args(["--max-file-size", "1K", "src", "missing.ts"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("inngest-fix: error:"))
        .collect();
    assert_eq!(
        errors,
        [
            "inngest-fix: error: missing.ts: no such file or directory",
            "inngest-fix: error: src/big.ts: file is larger than 1 KiB (see --max-file-size)",
            "inngest-fix: error: src/binary.ts: binary file (it contains a NUL byte)",
            "inngest-fix: error: src/latin1.ts: not valid UTF-8 (first invalid byte on line 1)",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("Scanned 5 files"), "{stderr}");
    assert!(stderr.trim_end().ends_with("4 errors."), "{stderr}");
}

#[cfg(unix)]
#[test]
fn broken_symlinks_and_loops_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/a.ts", PLAIN);
    std::os::unix::fs::symlink("gone.ts", root.join("src/broken.ts")).unwrap();
    std::os::unix::fs::symlink("..", root.join("src/up")).unwrap();
    std::os::unix::fs::symlink("loop2.ts", root.join("src/loop1.ts")).unwrap();
    std::os::unix::fs::symlink("loop1.ts", root.join("src/loop2.ts")).unwrap();
    let output = inngest_fix(root).arg("src").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("inngest-fix: error: src/broken.ts: broken symbolic link (to gone.ts)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("inngest-fix: error: src/up: symbolic link loop"),
        "{stderr}"
    );
    assert!(
        stderr.contains("inngest-fix: error: src/loop1.ts: "),
        "{stderr}"
    );
}

#[test]
fn a_bom_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.ts", format!("\u{feff}{MENTION}"));
    inngest_fix(dir.path()).assert().success();
}

// ---------------------------------------------------------------- stdin

#[test]
fn stdin_passes_clean_source_through() {
    let dir = tempfile::tempdir().unwrap();
    inngest_fix(dir.path())
        .args(["--stdin-filename", "src/a.ts"])
        .write_stdin(MENTION)
        .assert()
        .success()
        .stdout(MENTION);
    inngest_fix(dir.path())
        .args(["--stdin-filename", "src/a.ts", "--check"])
        .write_stdin(MENTION)
        .assert()
        .success()
        .stdout("");
    // A name of another language: the text goes through untouched.
    inngest_fix(dir.path())
        .args(["--stdin-filename", "notes.md"])
        .write_stdin("inngest.createFunction\n")
        .assert()
        .success()
        .stdout("inngest.createFunction\n");
}

#[test]
fn stdin_bad_input_is_echoed_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let input: &[u8] = b"inngest.createFunction \xff\n";
    inngest_fix(dir.path())
        .args(["--stdin-filename", "a.ts"])
        .write_stdin(input)
        .assert()
        .code(2)
        .stdout(input)
        .stderr(predicate::str::contains(
            "inngest-fix: error: a.ts: not valid UTF-8",
        ));
}

// ---------------------------------------------------------------- behaviour with findings

#[test]
fn dry_run_prints_a_patch_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/fn.ts", DEMO);
    inngest_fix(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "--- a/src/fn.ts\n+++ b/src/fn.ts\n@@ ",
        ))
        .stdout(predicate::str::contains(
            "+    const finalReturn = await step.run(\"finalize-and-return\", async () => {\n",
        ))
        .stderr(predicate::str::contains(
            "src/fn.ts:7:5: unsafe-trailing-return ",
        ))
        .stderr(predicate::str::contains(
            "1 finding (1 fixable with --write)",
        ));
    assert_eq!(
        read(dir.path(), "src/fn.ts"),
        DEMO,
        "--dry-run changes nothing"
    );
}

#[test]
fn write_applies_the_fix_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/fn.ts", DEMO);
    inngest_fix(dir.path())
        .arg("--write")
        .assert()
        .code(0)
        .stdout("")
        // What was written, in one line; nothing remains to print in full.
        .stderr(predicate::str::starts_with(
            "src/fn.ts: 1 fix written (unsafe-trailing-return)\nScanned 1 file",
        ))
        .stderr(predicate::str::contains("1 fixed, 0 remaining"));
    assert_eq!(read(dir.path(), "src/fn.ts"), DEMO_FIXED);
    // Idempotent: a second run has nothing to do.
    inngest_fix(dir.path())
        .arg("--check")
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn check_prints_findings_on_stdout_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/fn.ts", DEMO);
    let stdout = stdout_of(inngest_fix(dir.path()).arg("--check"));
    assert!(
        stdout.starts_with("src/fn.ts:7:5: unsafe-trailing-return "),
        "{stdout}"
    );
    // One finding: one location line, its code frame, help and docs pointer.
    let locations = stdout.lines().filter(|l| l.starts_with("src/fn.ts:"));
    assert_eq!(locations.count(), 1, "{stdout}");
    assert!(
        stdout.contains("  = help: `--write` wraps it in a final step\n"),
        "{stdout}"
    );
    let concise = stdout_of(inngest_fix(dir.path()).args(["--check", "--format=concise"]));
    assert_eq!(concise.lines().count(), 1, "{concise}");
    inngest_fix(dir.path()).arg("--check").assert().code(1);
    assert_eq!(read(dir.path(), "src/fn.ts"), DEMO);
}

#[test]
fn settings_shape_the_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/fn.ts", DEMO);
    inngest_fix(dir.path())
        .args(["--write", "--step-id", "finish", "--var-name", "result"])
        .assert()
        .code(0);
    let fixed = DEMO_FIXED
        .replace("finalize-and-return", "finish")
        .replace("finalReturn", "result");
    assert_eq!(read(dir.path(), "src/fn.ts"), fixed);
}

#[test]
fn json_reports_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/fn.ts", DEMO);
    write(dir.path(), "src/manual.ts", MANUAL);
    let document = json_of(&mut inngest_fix(dir.path()));
    let findings = document["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{document:#}");
    let fixable = &findings[0];
    assert_eq!(fixable["path"], "src/fn.ts");
    assert_eq!(
        (fixable["line"].as_u64(), fixable["column"].as_u64()),
        (Some(7), Some(5))
    );
    assert_eq!(fixable["end_line"], 7);
    assert_eq!(fixable["rule"], "unsafe-trailing-return");
    assert_eq!(fixable["function_id"], "demo");
    assert_eq!(fixable["fixable"], true);
    // Nothing was written (the default --dry-run): it would be fixed, it is not.
    assert_eq!(fixable["fixed"], false);
    assert_eq!(fixable["would_fix"], true);
    assert_eq!(fixable["reason"], Value::Null);
    let manual = &findings[1];
    assert_eq!(manual["path"], "src/manual.ts");
    assert_eq!(manual["fixable"], false);
    assert_eq!(manual["fixed"], false);
    assert!(manual["reason"].is_string());
    let summary = &document["summary"];
    assert_eq!(summary["files_matched"], 2);
    assert_eq!(summary["findings"], 2);
    assert_eq!(
        (summary["fixed"].as_u64(), summary["would_fix"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(summary["manual"], 1);
    // --format json keeps stdout for the document: no diff.
    assert_eq!(read(dir.path(), "src/fn.ts"), DEMO);
    // --write: the fix written is `fixed`, and what remains follows it.
    let document = json_of(inngest_fix(dir.path()).arg("--write"));
    let findings = document["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{document:#}");
    assert_eq!(
        (&findings[0]["fixed"], &findings[0]["would_fix"]),
        (&Value::Bool(true), &Value::Bool(false))
    );
    assert_eq!(findings[1]["path"], "src/manual.ts");
    assert_eq!(document["summary"]["fixed"], 1);
    assert_eq!(read(dir.path(), "src/fn.ts"), DEMO_FIXED);
}

#[test]
fn manual_findings_keep_write_at_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/manual.ts", MANUAL);
    inngest_fix(dir.path())
        .arg("--write")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "src/manual.ts:7:5: unsafe-trailing-return ",
        ))
        .stderr(predicate::str::contains("  = help: no automatic fix: "));
    assert_eq!(read(dir.path(), "src/manual.ts"), MANUAL);
}

#[test]
fn suppressed_findings_are_counted_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let suppressed = DEMO.replace(
        "    return { a,",
        "    // inngest-fix-ignore: unsafe-trailing-return -- reviewed\n    return { a,",
    );
    write(dir.path(), "src/fn.ts", &suppressed);
    inngest_fix(dir.path())
        .arg("--check")
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("no findings, 1 suppressed"));
}

#[test]
fn bad_files_do_not_stop_good_ones_from_being_fixed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.ts", DEMO);
    write(dir.path(), "src/b.ts", b"inngest.createFunction \xff\n");
    inngest_fix(dir.path()).arg("--write").assert().code(2);
    assert_eq!(read(dir.path(), "src/a.ts"), DEMO_FIXED);
}

#[test]
fn stdin_fixes_source() {
    let dir = tempfile::tempdir().unwrap();
    inngest_fix(dir.path())
        .args(["--stdin-filename", "src/fn.ts"])
        .write_stdin(DEMO)
        .assert()
        .code(0)
        .stdout(DEMO_FIXED);
    inngest_fix(dir.path())
        .args(["--stdin-filename", "src/fn.ts", "--check"])
        .write_stdin(DEMO)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "src/fn.ts:7:5: unsafe-trailing-return ",
        ));
}

/// The dry-run patch, applied by `git apply` and by `patch -p1`, gives exactly what
/// `--write` writes: LF, CRLF, a BOM, and a file without a final newline.
#[test]
fn dry_run_patch_applies_to_what_write_gives() {
    let variants = [
        ("src/lf.ts", DEMO.to_string()),
        ("src/crlf.ts", DEMO.replace('\n', "\r\n")),
        ("src/bom.ts", format!("\u{feff}{DEMO}")),
        ("src/no_newline.ts", DEMO.trim_end().to_string()),
        ("src/dir with space/a.ts", DEMO.to_string()),
    ];
    let repo = tempfile::tempdir().unwrap();
    let written = tempfile::tempdir().unwrap();
    let patched = tempfile::tempdir().unwrap();
    for (path, text) in &variants {
        for root in [repo.path(), written.path(), patched.path()] {
            write(root, path, text);
        }
    }
    git(repo.path(), &["init", "-q"]);
    let output = inngest_fix(repo.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    fs::write(repo.path().join("fix.patch"), &output.stdout).unwrap();
    assert!(
        git(repo.path(), &["apply", "--check", "fix.patch"]),
        "git apply --check failed"
    );
    assert!(
        git(repo.path(), &["apply", "fix.patch"]),
        "git apply failed"
    );
    fs::write(patched.path().join("fix.patch"), &output.stdout).unwrap();
    let patch = StdCommand::new("patch")
        .args(["-p1", "-s", "-i", "fix.patch"])
        .current_dir(patched.path())
        .status();
    let patch_ok = patch.map(|status| status.success());
    inngest_fix(written.path()).arg("--write").assert().code(0);
    for (path, text) in &variants {
        let expected = fs::read(written.path().join(path)).unwrap();
        assert_ne!(expected, text.as_bytes(), "{path} was not fixed");
        assert_eq!(
            fs::read(repo.path().join(path)).unwrap(),
            expected,
            "git apply: {path}"
        );
        if let Ok(true) = patch_ok {
            assert_eq!(
                fs::read(patched.path().join(path)).unwrap(),
                expected,
                "patch: {path}"
            );
        }
    }
    assert!(
        matches!(patch_ok, Ok(true) | Err(_)),
        "patch -p1 rejected the patch"
    );
}

fn git(dir: &Path, args: &[&str]) -> bool {
    StdCommand::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .is_ok_and(|status| status.success())
}
