//! Fitting the tool into where it runs, from the outside: configuration files
//! (discovery, package.json fallback, flags winning, --show-config), rule selection,
//! --explain and --list-rules, stdin mode, --interactive driven through stdin. (The
//! command-line reference of docs/cli.md is checked by tests/docs.rs.)

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::{inngest_fix, stdout_of, write, DEMO};

/// The same handler behind a wrapper the tool does not know by default.
const WRAPPED: &str = r#"import { defineJob } from "./jobs";
export const fn = defineJob(
  { id: "wrapped" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return { a, id: event.data.id };
  },
);
"#;

/// `--check --format json`: the findings' paths and rules, and the diff's step IDs.
fn findings(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let out = stdout_of(
        inngest_fix(dir)
            .args(["--check", "--format=json"])
            .args(args),
    );
    let document: Value = serde_json::from_str(&out).unwrap();
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- configuration

#[test]
fn closest_config_wins_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "inngest-fix.toml", "step-id = \"root-step\"\n");
    write(root, "a.ts", DEMO);
    write(
        root,
        "pkg/inngest-fix.toml",
        "step-id = \"pkg-step\"\nvar-name = \"result\"\n",
    );
    write(root, "pkg/deep/b.ts", DEMO);
    let diff = stdout_of(inngest_fix(root).arg("."));
    let (a, b) = diff.split_once("+++ b/pkg/deep/b.ts").unwrap();
    assert!(a.contains("step.run(\"root-step\""), "{a}");
    assert!(a.contains("const finalReturn ="), "{a}");
    assert!(b.contains("step.run(\"pkg-step\""), "{b}");
    assert!(b.contains("const result ="), "{b}");
    // The same from inside the package, and for a file named on the command line.
    let diff = stdout_of(inngest_fix(&root.join("pkg")).arg("deep/b.ts"));
    assert!(diff.contains("step.run(\"pkg-step\""), "{diff}");
}

#[test]
fn package_json_is_the_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "inngest-fix.toml", "step-id = \"root-step\"\n");
    write(
        root,
        "app/package.json",
        r#"{"name": "app", "inngest-fix": {"step-id": "from-package", "all-returns": true}}"#,
    );
    write(root, "app/src/a.ts", DEMO);
    write(root, "lib/package.json", r#"{"name": "lib"}"#);
    write(root, "lib/b.ts", DEMO);
    let diff = stdout_of(inngest_fix(root).arg("."));
    let (app, lib) = diff.split_once("+++ b/lib/b.ts").unwrap();
    assert!(app.contains("\"from-package\""), "{app}");
    assert!(
        lib.contains("\"root-step\""),
        "a package.json without the key is skipped: {lib}"
    );
}

#[test]
fn flags_win_over_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "inngest-fix.toml",
        "step-id = \"from-file\"\nignore = [\"unsafe-trailing-return\"]\n",
    );
    write(root, "a.ts", DEMO);
    assert_eq!(findings(root, &["."]), [], "the file ignores the rule");
    let diff =
        stdout_of(inngest_fix(root).args(["--ignore", "unused-suppression", "--step-id", "cli"]));
    assert!(diff.contains("step.run(\"cli\""), "{diff}");
    let diff = stdout_of(inngest_fix(root).args(["--no-config"]));
    assert!(diff.contains("\"finalize-and-return\""), "{diff}");
}

#[test]
fn config_excludes_and_wrappers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "inngest-fix.toml",
        "exclude = [\"generated\"]\nwrappers = [\"defineJob\"]\n",
    );
    write(root, "generated/a.ts", DEMO);
    write(root, "src/jobs.ts", WRAPPED);
    let found = findings(root, &["."]);
    assert_eq!(
        found,
        [(
            "src/jobs.ts".to_string(),
            "unsafe-trailing-return".to_string()
        )]
    );
    // A file named on the command line is checked all the same.
    assert_eq!(findings(root, &["generated/a.ts"]).len(), 1);
    assert_eq!(
        findings(root, &["--no-config", "."]).len(),
        1,
        "no wrappers, no exclude"
    );
}

/// A handler awaiting two project functions outside steps, each followed by a step.
const EFFECTS: &str = r#"import { inngest } from "./client";
import { loadVaultEntry, buildReport } from "./lib";
export const fn = inngest.createFunction(
  { id: "effects" },
  { event: "demo/effects" },
  async ({ event, step }) => {
    const entry = await loadVaultEntry(event.data.id);
    await buildReport(event.data.id);
    await step.run("use", () => entry.length);
  },
);
"#;

#[test]
fn config_names_pure_functions_and_side_effects() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/fn.ts", EFFECTS);
    let messages = |args: &[&str]| -> Vec<String> {
        let out = stdout_of(
            inngest_fix(root)
                .args(["--check", "--format=json"])
                .args(args),
        );
        let document: Value = serde_json::from_str(&out).unwrap();
        document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "side-effect-outside-step")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    // Without configuration `loadVaultEntry` is reported, `buildReport` reads as computation.
    let plain = messages(&["."]);
    assert_eq!(plain.len(), 1, "{plain:?}");
    assert!(plain[0].contains("loadVaultEntry"), "{plain:?}");
    write(
        root,
        "inngest-fix.toml",
        "pure = [\"loadVaultEntry\"]\nside-effects = [\"buildReport\"]\n",
    );
    let configured = messages(&["."]);
    assert_eq!(configured.len(), 1, "{configured:?}");
    assert!(configured[0].contains("buildReport"), "{configured:?}");
}

#[test]
fn a_broken_config_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.ts", DEMO);
    write(root, "inngest-fix.toml", "clients = [\"app\"]\n");
    let output = inngest_fix(root).arg("--check").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("inngest-fix.toml"), "{stderr}");
    assert!(stderr.contains("use `wrappers`"), "{stderr}");
    // Deeper down, discovered during the walk: one error line, the rest goes on.
    write(root, "inngest-fix.toml", "");
    write(root, "pkg/inngest-fix.toml", "step-id = 3\n");
    write(root, "pkg/b.ts", DEMO);
    write(root, "pkg/c.ts", DEMO);
    let output = inngest_fix(root).arg("--check").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.matches("pkg/inngest-fix.toml").count(),
        1,
        "{stderr}"
    );
    assert!(String::from_utf8(output.stdout)
        .unwrap()
        .contains("a.ts:7:5"));
}

#[test]
fn show_config_says_what_applies() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pkg/inngest-fix.toml",
        "var-name = \"out\"\nexclude = [\"gen\"]\n",
    );
    let out = stdout_of(inngest_fix(root).args(["--show-config", "pkg", "--all-returns"]));
    let (header, body) = out.split_once('\n').unwrap();
    assert!(header.starts_with("# configuration file: "), "{out}");
    assert!(header.ends_with("inngest-fix.toml"), "{out}");
    let shown: toml::Table = toml::from_str(body).unwrap();
    assert_eq!(shown["var-name"].as_str(), Some("out"));
    assert_eq!(shown["step-id"].as_str(), Some("finalize-and-return"));
    assert_eq!(shown["all-returns"].as_bool(), Some(true), "flags included");
    assert_eq!(shown["exclude"].as_array().map(Vec::len), Some(1));
    assert!(body.contains(
        "# select: the default rules (opt-in rules, such as the v4 migration, are not selected)"
    ));
    let out = stdout_of(inngest_fix(root).args(["--show-config", "--no-config"]));
    assert!(out.starts_with("# no configuration file"), "{out}");
}

// ---------------------------------------------------------------- rules

#[test]
fn select_and_ignore_choose_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let stale = DEMO.replace(
        "    const a = await",
        "    // inngest-fix-ignore\n    const a = await",
    );
    write(root, "a.ts", &stale);
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--no-config"];
        all.extend(args);
        findings(root, &all)
            .into_iter()
            .map(|(_, rule)| rule)
            .collect()
    };
    assert_eq!(rules(&[]), ["unused-suppression", "unsafe-trailing-return"]);
    assert_eq!(
        rules(&["--select", "unused-suppression"]),
        ["unused-suppression"]
    );
    assert_eq!(
        rules(&["--ignore=unused-suppression"]),
        ["unsafe-trailing-return"]
    );
    assert_eq!(
        rules(&[
            "--select=ALL",
            "--ignore",
            "unsafe-trailing-return,unused-suppression"
        ]),
        Vec::<String>::new()
    );
    inngest_fix(root)
        .args(["--select", "no-such-rule"])
        .assert()
        .code(2);
    // A directive naming only rules this run does not check cannot show it is stale.
    let named = DEMO.replace(
        "    const a = await",
        "    // inngest-fix-ignore: unsafe-trailing-return\n    const a = await",
    );
    write(root, "a.ts", &named);
    assert_eq!(rules(&[]), ["unused-suppression", "unsafe-trailing-return"]);
    assert_eq!(
        rules(&["--select", "unused-suppression"]),
        Vec::<String>::new()
    );
}

#[test]
fn explain_prints_the_rule_docs() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(inngest_fix(dir.path()).args(["--explain", "unused-suppression"]));
    assert!(
        out.starts_with("# unused-suppression\n\n## What it does\n"),
        "{out}"
    );
    for section in ["## Why is this bad?", "## Example", "## Fix safety"] {
        assert!(out.contains(section), "{section}");
    }
    let output = inngest_fix(dir.path())
        .args(["--explain", "nope"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("unknown rule `nope`"), "{stderr}");
    let list = stdout_of(inngest_fix(dir.path()).arg("--list-rules"));
    assert!(list
        .lines()
        .any(|l| l.trim_start().starts_with("unsafe-trailing-return ")));
    assert!(list
        .lines()
        .any(|l| l.trim_start().starts_with("unused-suppression ")));
}

// ---------------------------------------------------------------- stdin

#[test]
fn stdin_mode_follows_the_usual_exit_codes_and_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pkg/inngest-fix.toml", "step-id = \"from-file\"\n");
    // Fixed source on stdout, exit 0: nothing left to do.
    let output = inngest_fix(root)
        .args(["--stdin-filename", "pkg/fn.ts"])
        .write_stdin(DEMO)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let fixed = String::from_utf8(output.stdout).unwrap();
    assert!(fixed.contains("step.run(\"from-file\""), "{fixed}");
    assert!(!fixed.contains("--- a/"), "source, not a diff");
    // --check: diagnostics only, exit 1.
    let output = inngest_fix(root)
        .args([
            "--stdin-filename",
            "pkg/fn.ts",
            "--check",
            "--format",
            "github",
        ])
        .write_stdin(DEMO)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(
        out.starts_with("::warning file=pkg/fn.ts,line=7,col=5,"),
        "{out}"
    );
}

// ---------------------------------------------------------------- interactive

#[test]
fn interactive_applies_the_accepted_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in ["a.ts", "b.ts", "c.ts"] {
        write(root, name, DEMO);
    }
    let output = inngest_fix(root)
        .args(["--no-config", "--interactive", "."])
        .write_stdin("y\nwhat\nn\nq\n")
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert_eq!(out.matches("] Apply the ").count(), 3, "{out}");
    assert!(
        out.contains("[1/3] Apply the unsafe-trailing-return fix to a.ts?"),
        "{out}"
    );
    assert!(out.contains("Please answer y, n, a or q"), "{out}");
    assert!(out.contains("--- a/b.ts\n+++ b/b.ts\n"), "{out}");
    let read = |name: &str| fs::read_to_string(root.join(name)).unwrap();
    assert!(read("a.ts").contains("finalize-and-return"));
    assert_eq!(read("b.ts"), DEMO);
    assert_eq!(read("c.ts"), DEMO);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("a.ts:7:5: unsafe-trailing-return"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: fixed: ") && stderr.contains("= help: skipped: "),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "declined findings remain");
    // `a` accepts the rest without asking; the result is what --write gives.
    let output = inngest_fix(root)
        .args(["--no-config", "-i", "."])
        .write_stdin("a\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(read("b.ts"), read("a.ts"));
    assert_eq!(read("c.ts"), read("a.ts"));
}

/// A handler with two fixable trailing returns, one per branch.
const TWO_FIXES: &str = r#"import { inngest } from "./client";
export const fn = inngest.createFunction(
  { id: "branches" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    if (a > 0) {
      return { a, flag: true };
    } else {
      return { a, id: event.data.id };
    }
  },
);
"#;

/// Two fixable returns that call `fmt` from `./util`: fixable only when the file's path
/// is known (the import is read and runs no step).
const TWO_FIXES_WITH_IMPORT: &str = r#"import { inngest } from "./client";
import { fmt } from "./util";
export const fn = inngest.createFunction(
  { id: "branches" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    if (a > 0) {
      return { label: fmt(a) };
    } else {
      return { label: fmt(a), id: event.data.id };
    }
  },
);
"#;

/// `--interactive` checks the file again with only the accepted fix: with the file's
/// path, as the first check did, so that its relative imports are still read.
#[test]
fn interactive_rechecks_a_file_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/two.ts", TWO_FIXES_WITH_IMPORT);
    write(
        root,
        "src/util.ts",
        "export function fmt(n: number): string {\n  return `#${n}`;\n}\n",
    );
    let output = inngest_fix(root)
        .args(["--no-config", "--interactive", "src/two.ts"])
        .write_stdin("y\nn\n")
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("[2/2] Apply fix 2 of 2"), "{out}");
    let written = fs::read_to_string(root.join("src/two.ts")).unwrap();
    assert_eq!(
        written.matches("finalize-and-return").count(),
        1,
        "{written}"
    );
    assert!(
        written.contains("        return { label: fmt(a) };"),
        "{written}"
    );
    assert!(
        written.contains("      return { label: fmt(a), id: event.data.id };"),
        "{written}"
    );
}

#[test]
fn interactive_asks_fix_by_fix_and_writes_only_the_accepted_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "two.ts", TWO_FIXES);
    let output = inngest_fix(root)
        .args(["--no-config", "--interactive", "two.ts"])
        .write_stdin("n\ny\n")
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(
        out.contains("[1/2] Apply fix 1 of 2 (unsafe-trailing-return) to two.ts (line 8)?"),
        "{out}"
    );
    assert!(
        out.contains("[2/2] Apply fix 2 of 2 (unsafe-trailing-return) to two.ts (line 10)?"),
        "{out}"
    );
    // Each diff shows one fix alone.
    assert_eq!(out.matches("+    const finalReturn").count(), 0, "{out}");
    assert_eq!(out.matches("+      const finalReturn").count(), 2, "{out}");
    let written = fs::read_to_string(root.join("two.ts")).unwrap();
    assert_eq!(
        written.matches("finalize-and-return").count(),
        1,
        "{written}"
    );
    assert!(
        written.contains("      return { a, flag: true };"),
        "{written}"
    );
    assert!(
        written.contains("        return { a, id: event.data.id };"),
        "{written}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("two.ts:8:7: unsafe-trailing-return"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: skipped: ") && stderr.contains("= help: fixed: "),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "the declined fix remains");
    // What is left is exactly the declined fix: --write finishes the job.
    let rest = inngest_fix(root)
        .args(["--no-config", "--write", "two.ts"])
        .output()
        .unwrap();
    assert_eq!(rest.status.code(), Some(0));
    let done = fs::read_to_string(root.join("two.ts")).unwrap();
    assert_eq!(done.matches("finalize-and-return").count(), 2, "{done}");
}

// ---------------------------------------------------------------- colour

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.ts", DEMO);
    let check = |args: &[&str], no_color: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_inngest-fix"));
        cmd.current_dir(root)
            .env_remove("NO_COLOR")
            .env_remove("CI");
        if let Some(value) = no_color {
            cmd.env("NO_COLOR", value);
        }
        let output = cmd
            .args(["--no-config", "--check"])
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        (stdout.contains('\x1b'), stderr.contains('\x1b'))
    };
    // auto: pipes are not terminals, so no colour, and never a progress line.
    assert_eq!(check(&[], None), (false, false));
    assert_eq!(check(&["--color=auto"], Some("1")), (false, false));
    // always wins over NO_COLOR, as in ripgrep; never is never.
    assert_eq!(check(&["--color=always"], Some("1")), (true, true));
    assert_eq!(check(&["--color=never"], None), (false, false));
}

/// A handler whose return after steps is not in tail position (an early return).
const EARLY_RETURN: &str = r#"import { inngest } from "./client";
export const fn = inngest.createFunction(
  { id: "early" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    if (event.data.stop) {
      return { a, stopped: true };
    }
    await step.run("b", async () => 2);
  },
);
"#;

#[test]
fn waiting_for_all_returns_follows_each_files_own_config() {
    // The root sets all-returns; the package `b` turns it off again. The hint for b's
    // early return comes from b's configuration, not from the configuration of `.`.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "inngest-fix.toml", "all-returns = true\n");
    write(root, "a/early.ts", EARLY_RETURN);
    write(root, "b/inngest-fix.toml", "all-returns = false\n");
    write(root, "b/early.ts", EARLY_RETURN);
    let output = inngest_fix(root)
        .args(["--check", "--format=concise", "."])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        out.contains("a/early.ts:8:7: unsafe-trailing-return return after steps reads `a` (a step result) outside any step (fixable)\n"),
        "{out}"
    );
    // What the fix waits for is said once (the concise line no longer repeats it as
    // "(fixable with --all-returns)" after the message's own note).
    assert!(
        out.contains(
            "b/early.ts:8:7: unsafe-trailing-return return after steps reads `a` (a step result) outside any \
             step (not in tail position: `--all-returns` fixes it)\n"
        ),
        "{out}"
    );
    let text = stdout_of(inngest_fix(root).args(["--check", "."]));
    assert!(
        text.contains("  = help: not in tail position: `--all-returns` fixes it\n"),
        "{text}"
    );
    assert_eq!(text.matches("--all-returns").count(), 1, "{text}");
    assert!(
        stderr.contains("2 findings (1 fixable with --write, 1 fixable with --all-returns)"),
        "{stderr}"
    );
}

/// A handler with three fixable trailing returns, one per branch.
const THREE_FIXES: &str = r#"import { inngest } from "./client";
export const fn = inngest.createFunction(
  { id: "branches" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    if (a > 1) {
      return { a, flag: true };
    } else if (a > 0) {
      return { a, other: event.data.other };
    } else {
      return { a, id: event.data.id };
    }
  },
);
"#;

#[test]
fn interactive_counts_declined_fixes_as_skipped() {
    // `y` then `n`, then the end of input (quit): one fix written, two skipped. They are
    // trailing returns: nothing about them waits for --all-returns.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "three.ts", THREE_FIXES);
    let output = inngest_fix(root)
        .args(["--no-config", "-i", "three.ts"])
        .write_stdin("y\nn\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("--all-returns"), "{stderr}");
    assert_eq!(stderr.matches("= help: skipped: ").count(), 2, "{stderr}");
    assert!(
        stderr.contains("1 fixed, 2 remaining (2 skipped), 0 suppressed, no errors."),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn check_with_unsafe_fixes_says_what_write_needs() {
    // A needs-review fix counts as fixable with `--write --unsafe-fixes`, not with plain
    // `--write`, which would not apply it.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "stamp.ts",
        r#"import { inngest } from "./client";
export const fn = inngest.createFunction(
  { id: "stamp" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const startedAt = Date.now();
    await step.run("a", async () => 1);
    await step.run("b", async () => startedAt);
  },
);
"#,
    );
    let output = inngest_fix(root)
        .args(["--no-config", "--check", "--unsafe-fixes", "stamp.ts"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("1 finding (1 fixable with --write --unsafe-fixes)"),
        "{stderr}"
    );
    // Without the flag, it waits for it.
    let output = inngest_fix(root)
        .args(["--no-config", "--check", "stamp.ts"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("1 finding (1 fixable with --unsafe-fixes)"),
        "{stderr}"
    );
}

#[test]
fn write_removes_the_temporary_files_a_killed_run_left() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/a.ts", DEMO);
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for name in [".inngest-fix-Xy12Ab.tmp", ".other-tool-Xy12Ab.tmp"] {
        write(root, &format!("src/{name}"), "half a file");
        let file = fs::File::options()
            .write(true)
            .open(root.join("src").join(name))
            .unwrap();
        file.set_modified(hour_ago).unwrap();
    }
    // A temporary file of a run that may still be going on is left alone.
    write(root, "src/.inngest-fix-Fresh1.tmp", "another run's");
    let output = inngest_fix(root)
        .args(["--no-config", "--write", "src"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let mut left: Vec<String> = fs::read_dir(root.join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [".inngest-fix-Fresh1.tmp", ".other-tool-Xy12Ab.tmp", "a.ts"]
    );
}
