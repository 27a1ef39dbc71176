//! What a ruff, eslint or biome user expects from a linter's command line: the flags
//! they type from habit, quiet modes, `ALL` in rule lists, "did you mean" for misspelt
//! names, configuration errors that say where, counts written one way, and a `--help`
//! and README (and docs/install.md) that say what the tool is and how to install it.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

mod common;
use common::{inngest_fix, stdout_of, write, DEMO};

/// A directory holding one file with one fixable finding ([`DEMO`]).
fn demo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/fn.ts", DEMO);
    dir
}

/// stdout, stderr and exit code of a run.
fn run(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let output = inngest_fix(dir).args(args).output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code(),
    )
}

/// Elapsed times differ from run to run: `in 12ms` / `in 1.20s` become `in TIME`.
fn without_time(text: &str) -> String {
    text.lines()
        .map(|line| match (line.find(" in "), line.find(": ")) {
            (Some(start), Some(end)) if line.starts_with("Scanned ") && start < end => {
                format!("{} in TIME{}\n", &line[..start], &line[end..])
            }
            _ => format!("{line}\n"),
        })
        .collect()
}

// ---------------------------------------------------------------- flags from habit

#[test]
fn fix_is_write() {
    let (with_write, with_fix) = (demo_dir(), demo_dir());
    let (_, write_err, write_code) = run(with_write.path(), &["--write"]);
    let (_, fix_err, fix_code) = run(with_fix.path(), &["--fix"]);
    assert_eq!((write_code, fix_code), (Some(0), Some(0)));
    assert_eq!(without_time(&write_err), without_time(&fix_err));
    let read = |dir: &tempfile::TempDir| fs::read_to_string(dir.path().join("src/fn.ts")).unwrap();
    assert_eq!(read(&with_fix), read(&with_write));
    assert!(read(&with_fix).contains("finalize-and-return"));
}

#[test]
fn diff_is_dry_run() {
    let dir = demo_dir();
    let (dry_out, _, dry_code) = run(dir.path(), &["--dry-run"]);
    let (diff_out, _, diff_code) = run(dir.path(), &["--diff"]);
    assert_eq!((dry_code, diff_code), (Some(1), Some(1)));
    assert!(
        diff_out.starts_with("--- a/src/fn.ts\n+++ b/src/fn.ts\n"),
        "{diff_out}"
    );
    assert_eq!(diff_out, dry_out);
    assert_eq!(
        fs::read_to_string(dir.path().join("src/fn.ts")).unwrap(),
        DEMO
    );
    inngest_fix(dir.path())
        .args(["--diff", "--fix"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn output_format_is_format() {
    let dir = demo_dir();
    let by_format = stdout_of(inngest_fix(dir.path()).args(["--check", "--format", "json"]));
    let by_output_format =
        stdout_of(inngest_fix(dir.path()).args(["--check", "--output-format=json"]));
    assert!(by_format.starts_with("{\n  \"version\": 2,"), "{by_format}");
    assert_eq!(by_output_format, by_format);
}

#[test]
fn quiet_prints_findings_only_and_qq_nothing() {
    let dir = demo_dir();
    let (out, err, code) = run(dir.path(), &["--check", "-q", "--format=concise"]);
    assert_eq!(code, Some(1));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("src/fn.ts:7:5: unsafe-trailing-return "),
        "{out}"
    );
    assert_eq!(err, "", "no summary line");
    let (out, err, code) = run(dir.path(), &["--quiet"]);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("--- a/src/fn.ts"), "the diff stays: {out}");
    assert!(!err.contains("Scanned"), "{err}");
    for args in [
        &["--check", "-qq"][..],
        &["-qq"],
        &["-q", "-q", "--format", "json"],
    ] {
        let (out, err, code) = run(dir.path(), args);
        assert_eq!(
            (out.as_str(), err.as_str(), code),
            ("", "", Some(1)),
            "{args:?}"
        );
    }
    let (out, err, code) = run(dir.path(), &["--fix", "-qq"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", Some(0)));
    let (out, err, code) = run(dir.path(), &["--check", "-qq", "missing.ts"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", Some(2)));
}

#[test]
fn select_and_ignore_all_work_as_in_ruff() {
    let dir = demo_dir();
    let stale = DEMO.replace(
        "    const a = await",
        "    // inngest-fix-ignore\n    const a = await",
    );
    write(dir.path(), "src/stale.ts", &stale);
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--check", "-q", "--format=concise"];
        all.extend(args);
        let (out, _, _) = run(dir.path(), &all);
        out.lines()
            .map(|line| line.split(' ').nth(1).unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        rules(&[]),
        [
            "unsafe-trailing-return",
            "unused-suppression",
            "unsafe-trailing-return"
        ]
    );
    assert_eq!(rules(&["--ignore", "ALL"]), Vec::<String>::new());
    assert_eq!(
        rules(&["--ignore", "ALL", "--select", "unused-suppression"]),
        ["unused-suppression"],
        "a rule named wins over ALL"
    );
    assert_eq!(
        rules(&["--select", "ALL", "--ignore", "unsafe-trailing-return"]),
        ["unused-suppression"]
    );
    inngest_fix(dir.path())
        .args(["--check", "--ignore=ALL"])
        .assert()
        .code(0);
}

// ---------------------------------------------------------------- did you mean

#[test]
fn misspelt_rules_get_did_you_mean_everywhere() {
    let dir = demo_dir();
    let (out, err, code) = run(dir.path(), &["--explain", "unsafe-trailing-retrun"]);
    assert_eq!((out.as_str(), code), ("", Some(2)));
    assert_eq!(
        err,
        "inngest-fix: error: unknown rule `unsafe-trailing-retrun`; \
         did you mean `unsafe-trailing-return`?\n"
    );
    let (_, err, _) = run(dir.path(), &["--explain", "frobnicate"]);
    assert_eq!(
        err,
        "inngest-fix: error: unknown rule `frobnicate` (`inngest-fix --list-rules` lists the rules)\n",
        "no rule is close: no guess, and no dump of every rule"
    );
    for flag in ["--select", "--ignore"] {
        let (_, err, code) = run(dir.path(), &[flag, "nested_step"]);
        assert_eq!(code, Some(2));
        assert!(
            err.contains("unknown rule `nested_step`; did you mean `nested-step`?"),
            "{err}"
        );
        assert!(
            !err.contains("unawaited-send"),
            "no list of every rule: {err}"
        );
    }
    let (_, err, _) = run(dir.path(), &["--select", "all"]);
    assert!(err.contains("did you mean `ALL`?"), "{err}");

    // In a suppression comment: the unused-suppression finding says which rule was meant.
    let typo = DEMO.replace(
        "    return { a",
        "    // inngest-fix-ignore: unsafe-trailing-retrun\n    return { a",
    );
    write(dir.path(), "src/fn.ts", &typo);
    let out = stdout_of(inngest_fix(dir.path()).args(["--check", "--format=concise"]));
    assert!(
        out.contains(
            "src/fn.ts:7:8: unused-suppression suppression comment silences nothing: unknown \
             rule `unsafe-trailing-retrun`; did you mean `unsafe-trailing-return`?"
        ),
        "{out}"
    );
}

// ---------------------------------------------------------------- configuration errors

#[test]
fn config_errors_say_line_column_and_did_you_mean() {
    let dir = demo_dir();
    write(
        dir.path(),
        "inngest-fix.toml",
        "# settings\nstepid = \"wrap-up\"\n",
    );
    let (out, err, code) = run(dir.path(), &["--check"]);
    assert_eq!((out.as_str(), code), ("", Some(2)));
    assert_eq!(
        err,
        "inngest-fix: error: inngest-fix.toml:2:1: unknown key `stepid`; did you mean `step-id`?\n"
    );
    write(
        dir.path(),
        "inngest-fix.toml",
        "select = [\n  \"unsafe-trailing-return\",\n  \"nestedstep\",\n]\n",
    );
    let (_, err, _) = run(dir.path(), &["--check"]);
    assert_eq!(
        err,
        "inngest-fix: error: inngest-fix.toml:3:4: select: unknown rule `nestedstep`; \
         did you mean `nested-step`?\n"
    );
    // Found during the walk, in package.json: one line for the file, the run goes on.
    write(dir.path(), "inngest-fix.toml", "");
    write(
        dir.path(),
        "pkg/package.json",
        "{\n  \"name\": \"pkg\",\n  \"inngest-fix\": { \"var_name\": \"out\" }\n}\n",
    );
    write(dir.path(), "pkg/fn.ts", DEMO);
    let (out, err, code) = run(dir.path(), &["--check", "-q"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "inngest-fix: error: pkg/package.json: invalid configuration at line 3, column 20: \
         in \"inngest-fix\": unknown key `var_name`; did you mean `var-name`?\n"
    );
    assert!(out.contains("src/fn.ts:7:5"), "{out}");
}

// ---------------------------------------------------------------- numbers

#[test]
fn counts_are_grouped_in_threes() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1_000 {
        write(dir.path(), &format!("f{i}.ts"), "export const x = 1;\n");
    }
    write(dir.path(), "demo.ts", DEMO);
    let (_, err, _) = run(dir.path(), &["--check"]);
    assert!(
        err.starts_with("Scanned 1,001 files (1 with Inngest functions) in "),
        "{err}"
    );
}

// ---------------------------------------------------------------- help and README

#[test]
fn help_says_what_the_tool_is_and_lists_its_rules() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["-h", "--help"] {
        let help = stdout_of(inngest_fix(dir.path()).arg(flag));
        assert!(
            help.starts_with("A linter and codemod for Inngest functions"),
            "{help}"
        );
        for alias in ["--fix", "--diff", "--output-format", "--quiet"] {
            assert!(help.contains(alias), "{flag} shows {alias}");
        }
    }
    let help = stdout_of(inngest_fix(dir.path()).arg("--help"));
    let rules = stdout_of(inngest_fix(dir.path()).arg("--list-rules"));
    // The table's rows: after the header, up to the blank line before the note.
    for line in rules.lines().skip(1).take_while(|line| !line.is_empty()) {
        let rule = line.split_whitespace().next().unwrap();
        assert!(help.contains(rule), "--help names the rule {rule}");
    }
}

#[test]
fn list_rules_is_a_table_to_read_at_a_glance_and_json_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let table = stdout_of(inngest_fix(dir.path()).arg("--list-rules"));
    snapshot("list_rules", &table);
    assert!(table.starts_with("RULE "), "{table}");
    for line in table.lines() {
        assert!(line.chars().count() <= 120, "too long: {line}");
    }
    let json = stdout_of(inngest_fix(dir.path()).args(["--list-rules", "--format", "json"]));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = rows.as_array().unwrap();
    let rows_in_table = table.lines().skip(1).take_while(|l| !l.is_empty()).count();
    assert_eq!(rows.len(), rows_in_table);
    let row = rows
        .iter()
        .find(|r| r["name"] == "unsafe-trailing-return")
        .unwrap();
    assert_eq!(
        (&row["group"], &row["fix"], &row["preset"]),
        (
            &serde_json::json!("default"),
            &serde_json::json!("safe"),
            &serde_json::Value::Null
        )
    );
    assert!(
        row["summary"].as_str().unwrap().len() > 40,
        "the whole summary: {row}"
    );
    let migration = rows
        .iter()
        .find(|r| r["name"] == "v4-create-function")
        .unwrap();
    assert_eq!(migration["preset"], "v4");
}

#[test]
fn readme_says_how_to_install_without_placeholders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let install = readme
        .split("\n## Install\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has an Install section");
    assert!(
        install.contains("cargo install --locked --path ."),
        "{install}"
    );
    // Nothing is published: the README says so rather than promising `npx inngest-fix`.
    assert!(install.contains("no published release"), "{install}");
    assert!(!install.contains("npm install -D inngest-fix"), "{install}");
    let rust_version = fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("rust-version = \"")?
                .strip_suffix('"')
                .map(String::from)
        })
        .expect("Cargo.toml states a rust-version");
    assert!(
        readme.contains(&format!("Rust {rust_version} or later")),
        "README.md states the minimum Rust version {rust_version}"
    );
    let docs_install = fs::read_to_string(root.join("docs/install.md")).unwrap();
    for said in [
        "cargo install --locked --path .",
        "cargo install --locked --git URL",
        "node npm/build.js",
        &format!("Rust {rust_version} or later"),
    ] {
        assert!(docs_install.contains(said), "docs/install.md says {said}");
    }
    // Every code block can be pasted: no `<this repository>`-style placeholders.
    let mut pages = vec![readme.clone()];
    for entry in fs::read_dir(root.join("docs")).unwrap() {
        pages.push(fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    for page in &pages {
        for (i, block) in page.split("```").enumerate().filter(|(i, _)| i % 2 == 1) {
            if block.starts_with("text\n$ inngest-fix --help") {
                continue; // the generated reference shows clap's `<ARG>` value names
            }
            for line in block.lines() {
                let placeholder = line.contains("<this") || line.contains("<a tag");
                assert!(!placeholder, "code block {i}: {line}");
            }
        }
    }
    for flag in [
        "--fix",
        "--diff",
        "--output-format",
        "-qq",
        "--select ALL",
        "--statistics",
    ] {
        assert!(readme.contains(flag), "the README's tour shows {flag}");
    }
}

// ---------------------------------------------------------------- statistics

#[test]
fn statistics_count_findings_per_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (out, err, code) = run(root, &["--statistics", "examples/shop"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "6  unsafe-trailing-return       5 fixable with --write, 1 for manual review\n\
         1  mutation-in-step             1 for manual review\n\
         1  nondeterminism-outside-step  1 fixable with --unsafe-fixes\n",
        "no diff and no finding lines, only the table"
    );
    assert!(
        err.starts_with("Scanned 14 files (9 with Inngest functions) in "),
        "{err}"
    );
    let (out, _, _) = run(
        root,
        &[
            "--statistics",
            "--check",
            "--unsafe-fixes",
            "--output-format=json",
            "examples/shop",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        rows[2],
        serde_json::json!({"rule": "nondeterminism-outside-step", "count": 1, "fixable": 1,
                           "fixed": 1, "manual": 0})
    );
    assert_eq!(rows.as_array().map(Vec::len), Some(3));
}

// ---------------------------------------------------------------- text output

/// A snapshot in `snapshots/`, named as given.
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
fn text_shows_frames_help_and_docs_on_the_example_app() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (out, _, code) = run(root, &["--check", "--no-config", "examples/shop"]);
    assert_eq!(code, Some(1));
    snapshot("text_examples_shop_check", &out);
    // Every finding: its location line, a frame, a help line and the docs pointer.
    let blocks: Vec<&str> = out.split("\n\n").filter(|b| !b.is_empty()).collect();
    assert_eq!(blocks.len(), 8, "{out}");
    for block in &blocks {
        assert!(block.starts_with("examples/shop/src/"), "{block}");
        assert!(block.contains(" |     "), "a frame: {block}");
        assert!(block.contains("  = help: "), "{block}");
        assert!(
            block.contains("  = docs: inngest-fix --explain "),
            "{block}"
        );
    }
    // Related locations show in the frame, labelled.
    assert!(
        out.contains("                                        ---- read after a step\n"),
        "{out}"
    );
    // Nothing is said twice, and the frame and help lines stay readable.
    for block in &blocks {
        for flag in ["--write", "--unsafe-fixes", "--all-returns"] {
            assert!(block.matches(flag).count() <= 1, "{flag} twice: {block}");
        }
        for line in block.lines().skip(1) {
            assert!(line.chars().count() <= 110, "{line}");
        }
    }
    // --format concise keeps one line per finding.
    let (concise, _, _) = run(
        root,
        &[
            "--check",
            "--no-config",
            "--format",
            "concise",
            "examples/shop",
        ],
    );
    assert_eq!(concise.lines().count(), 8, "{concise}");
}

#[test]
fn text_in_write_mode_says_what_was_fixed() {
    let dir = tempfile::tempdir().unwrap();
    // `inngest/functions` and `lib` as in the example: the functions import
    // `../../lib/money`, and a module that cannot be read is taken to run steps.
    let root = dir.path().join("inngest");
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop/src");
    for entry in fs::read_dir(shop.join("inngest/functions")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        write(
            &root,
            &format!("functions/{name}"),
            fs::read(&path).unwrap(),
        );
    }
    for module in ["money.ts", "services.ts"] {
        write(
            dir.path(),
            &format!("lib/{module}"),
            fs::read(shop.join("lib").join(module)).unwrap(),
        );
    }
    let (out, err, code) = run(&root, &["--write", "functions"]);
    assert_eq!(
        (out.as_str(), code),
        ("", Some(1)),
        "manual findings remain"
    );
    snapshot("text_examples_shop_write", &without_time(&err));
    // What --write printed in full is what remains: the next --check finds exactly that,
    // at the same positions (those of the files as written), and nothing the run did not
    // mention.
    let (after, _, code) = run(&root, &["--check", "functions"]);
    assert_eq!(code, Some(1), "{after}");
    snapshot("text_examples_shop_check_after_write", &after);
    let locations = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| {
                line.starts_with("functions/")
                    && line.contains(": ")
                    && !line.contains(" written (")
            })
            .map(|line| line.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(locations(&err), locations(&after), "{err}\n---\n{after}");
    assert!(!locations(&after).is_empty());
    // One line per file says what was written; --show-fixes lists each fix instead.
    assert!(
        err.contains("functions/order-placed.ts: 1 fix written (unsafe-trailing-return)\n"),
        "{err}"
    );
    assert!(
        !err.contains("help: fixed:"),
        "fixed findings are not printed in full: {err}"
    );
}

#[test]
fn show_fixes_lists_each_fix_written_and_quiet_keeps_only_what_remains() {
    let dir = demo_dir();
    let (_, err, code) = run(dir.path(), &["--write", "--show-fixes"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        without_time(&err),
        "src/fn.ts:7:5: unsafe-trailing-return return after steps reads `a` (a step result) and \
         `event` (event data) outside any step (fixed: wrapped in a final step)\n\
         Scanned 1 file (1 with Inngest functions) in TIME: 1 fixed, 0 remaining, 0 suppressed, \
         no errors.\n"
    );
    let dir = demo_dir();
    let (out, err, code) = run(dir.path(), &["--write", "-q"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", Some(0)));
}

// ---------------------------------------------------------------- nothing to check, stdin

#[test]
fn a_path_with_nothing_to_check_is_said_not_passed_silently() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.md", "# notes\n");
    let (out, err, code) = run(dir.path(), &["--check", "notes.md"]);
    assert_eq!((out.as_str(), code), ("", Some(0)));
    assert_eq!(
        without_time(&err),
        "inngest-fix: warning: no TypeScript or JavaScript file to check in notes.md (checked: \
         .ts .tsx .mts .cts .js .jsx .mjs .cjs, not .d.ts; `-` reads standard input)\n\
         Scanned 0 files (0 with Inngest functions) in TIME: no findings, 0 suppressed, no \
         errors.\n"
    );
    // A run that checked a file says nothing of the kind, even when it found nothing.
    write(dir.path(), "a.ts", "export const a = 1;\n");
    let (_, err, code) = run(dir.path(), &["--check", "a.ts", "notes.md"]);
    assert_eq!(code, Some(0));
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn dash_reads_standard_input_as_ruff_and_biome_do() {
    let dir = tempfile::tempdir().unwrap();
    let output = inngest_fix(dir.path())
        .args(["--check", "-"])
        .write_stdin(DEMO)
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.starts_with("stdin.ts:7:5: unsafe-trailing-return "),
        "{out}"
    );
    // Without --check, the fixed text on stdout, as --stdin-filename does.
    let output = inngest_fix(dir.path())
        .args(["-"])
        .write_stdin(DEMO)
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("const finalReturn = await step.run("), "{out}");
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.starts_with("stdin.ts: 1 fix written"), "{err}");
}

#[test]
fn a_colour_terminal_gets_the_same_layout_as_plain_text() {
    let dir = demo_dir();
    let coloured = assert_cmd::Command::new(env!("CARGO_BIN_EXE_inngest-fix"))
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .args(["--color=always", "--check"])
        .output()
        .unwrap();
    let coloured = String::from_utf8(coloured.stdout).unwrap();
    assert!(
        coloured.contains('\u{1b}'),
        "colours were asked for: {coloured}"
    );
    let (plain, _, _) = run(dir.path(), &["--check"]);
    // Escapes take no column: once they are removed the text is the plain one, so the
    // `= help:` and `= docs:` lines line up under the gutter.
    let mut stripped = String::new();
    let mut chars = coloured.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            stripped.push(c);
        }
    }
    assert_eq!(stripped, plain);
    assert!(plain.contains("\n  = help: "), "{plain}");
}
