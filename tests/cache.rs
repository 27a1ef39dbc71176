//! The results cache from the user's side (docs/cache.md): whatever changed between two
//! runs, a run with the cache prints what a run without it (`--no-cache`) prints, and it
//! analyses only the files whose entries are stale.
//!
//! `INNGEST_FIX_CACHE_STATS=1` makes the binary say on stderr how many files it served
//! from the cache and how many it analysed; `INNGEST_FIX_CACHE_VERSION` stands for
//! another version of the tool.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use assert_cmd::Command;

mod common;
use common::{inngest_fix, write, DEMO};

const CLIENT: &str = "export const inngest = {} as any;\n";

/// A handler whose return calls a helper of `./helpers` and one of the path alias
/// `@/lib/shape`: the movability proof reads both modules.
const HANDLER: &str = r#"import { inngest } from "./client";
import { format } from "./helpers";
import { shape } from "@/lib/shape";
export const fn = inngest.createFunction(
  { id: "demo" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return format(a, shape(event.data.id));
  },
);
"#;

const HELPERS: &str = "export const format = (a: number, b: unknown) => ({ a, b });\n";
/// The same helper, now mentioning `step`: the return may run a step and is not fixed.
const HELPERS_WITH_STEP: &str =
    "export const format = (a: number, b: unknown) => ({ a, b, step: 1 });\n";
const SHAPE: &str = "export const shape = (x: unknown) => x;\n";
const SHAPE_WITH_STEP: &str = "export const shape = (step: unknown) => step;\n";
const TSCONFIG: &str = r#"{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }"#;
const TSCONFIG_OTHER: &str = r#"{ "compilerOptions": { "paths": { "@/*": ["./other/*"] } } }"#;

/// A small project: the handler, its modules, a tsconfig alias, a fixable handler, and
/// files the prefilter drops.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "client.ts", CLIENT);
    write(root, "fn.ts", HANDLER);
    write(root, "helpers.ts", HELPERS);
    write(root, "src/lib/shape.ts", SHAPE);
    write(root, "other/lib/shape.ts", SHAPE_WITH_STEP);
    write(root, "tsconfig.json", TSCONFIG);
    write(root, "demo.ts", DEMO);
    for i in 0..5 {
        write(
            root,
            &format!("plain/p{i}.ts"),
            format!("export const p{i} = {i};\n"),
        );
    }
    dir
}

/// What a run prints (stdout, stderr without the timing of the summary line) and its
/// exit code.
#[derive(Debug, PartialEq, Eq)]
struct Printed {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn printed(cmd: &mut Command) -> Printed {
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    Printed {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: without_stats_and_timing(&stderr),
    }
}

/// stderr without the cache's statistics line and the summary's elapsed time.
fn without_stats_and_timing(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| !line.starts_with("cache: "))
        .map(|line| match (line.find(" in "), line.find(": ")) {
            (Some(at), Some(colon)) if line.starts_with("Scanned ") && at < colon => {
                format!("{}{}", &line[..at], &line[colon..])
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The binary with the cache's statistics on stderr.
fn run(dir: &Path) -> Command {
    let mut cmd = inngest_fix(dir);
    cmd.env("INNGEST_FIX_CACHE_STATS", "1")
        .env_remove("INNGEST_FIX_CACHE_DIR")
        .env_remove("INNGEST_FIX_CACHE_VERSION");
    cmd
}

/// `(served, analysed)` from the statistics line of a run's stderr.
fn counts(stderr: &[u8]) -> (usize, usize) {
    let stderr = String::from_utf8_lossy(stderr);
    let line = stderr
        .lines()
        .find(|line| line.starts_with("cache: "))
        .unwrap_or_else(|| panic!("no cache statistics on stderr: {stderr}"));
    // cache: 3 served, 7 analysed
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (numbers[0], numbers[1])
}

/// A run with the cache and a run without it print the same, in text and JSON; returns
/// the cached run's `(served, analysed)`.
fn same_as_cold(dir: &Path, args: &[&str]) -> (usize, usize) {
    let cold = printed(run(dir).arg("--no-cache").args(args));
    let output = run(dir).args(args).output().unwrap();
    let warm = Printed {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout.clone()).unwrap(),
        stderr: without_stats_and_timing(&String::from_utf8_lossy(&output.stderr)),
    };
    assert_eq!(warm, cold, "with the cache ({args:?})");
    let cold_json = printed(run(dir).arg("--no-cache").arg("--format=json").args(args));
    let warm_json = printed(run(dir).arg("--format=json").args(args));
    assert_eq!(warm_json, cold_json, "with the cache, JSON ({args:?})");
    counts(&output.stderr)
}

fn check(dir: &Path) -> (usize, usize) {
    same_as_cold(dir, &["--check"])
}

#[test]
fn a_warm_run_prints_what_a_cold_run_prints_and_reads_nothing() {
    let dir = project();
    let root = dir.path();
    let first = run(root).arg("--check").output().unwrap();
    assert_eq!(counts(&first.stderr), (0, 11));
    let gitignore = fs::read_to_string(root.join(".inngest-fix-cache/.gitignore")).unwrap();
    assert_eq!(gitignore.lines().last(), Some("*"), "{gitignore}");
    assert_eq!(check(root), (11, 0));
    // The finding whose fix is proven, and the one whose fix waits: both as cold.
    let text = printed(run(root).arg("--check"));
    assert!(
        text.stdout.contains("demo.ts:7:5: unsafe-trailing-return"),
        "{text:?}"
    );
    assert!(
        text.stdout.contains("fn.ts:9:5: unsafe-trailing-return"),
        "{text:?}"
    );
}

#[test]
fn no_cache_writes_nothing() {
    let dir = project();
    run(dir.path())
        .args(["--check", "--no-cache"])
        .output()
        .unwrap();
    assert!(!dir.path().join(".inngest-fix-cache").exists());
}

#[test]
fn an_edited_file_is_analysed_again() {
    let dir = project();
    let root = dir.path();
    check(root);
    write(root, "demo.ts", DEMO.replace("id: event.data.id", "id: 1"));
    assert_eq!(check(root).1, 1);
}

#[test]
fn an_edited_imported_module_makes_its_importers_stale() {
    let dir = project();
    let root = dir.path();
    check(root);
    write(root, "helpers.ts", HELPERS_WITH_STEP);
    // helpers.ts itself and fn.ts, whose proof read it.
    assert_eq!(check(root).1, 2);
    let text = printed(run(root).arg("--check"));
    assert!(
        text.stdout.contains("which mentions `step` (helpers.ts)"),
        "{text:?}"
    );
}

#[test]
fn an_edited_path_alias_makes_its_users_stale() {
    let dir = project();
    let root = dir.path();
    check(root);
    write(root, "tsconfig.json", TSCONFIG_OTHER);
    assert_eq!(check(root).1, 1, "fn.ts alone resolves the alias");
    let text = printed(run(root).arg("--check"));
    assert!(
        text.stdout
            .contains("no automatic fix: the return expression may run a step"),
        "{text:?}"
    );
}

#[test]
fn a_module_created_where_an_import_was_unresolved_makes_it_stale() {
    let dir = project();
    let root = dir.path();
    fs::remove_file(root.join("helpers.ts")).unwrap();
    check(root);
    write(root, "helpers.ts", HELPERS);
    check(root);
}

#[test]
fn an_edited_configuration_file_changes_the_files_it_applies_to() {
    let dir = project();
    let root = dir.path();
    check(root);
    write(root, "inngest-fix.toml", "step-id = \"wrap-up\"\n");
    assert_eq!(check(root).0, 0, "every file's settings changed");
    write(
        root,
        "inngest-fix.toml",
        "ignore = [\"unsafe-trailing-return\"]\n",
    );
    check(root);
    write(root, "plain/inngest-fix.toml", "step-id = \"other\"\n");
    // Only the files under plain/ have new settings.
    assert_eq!(check(root).1, 5);
}

#[test]
fn another_version_of_the_tool_does_not_trust_the_cache() {
    let dir = project();
    let root = dir.path();
    check(root);
    let output = run(root)
        .env("INNGEST_FIX_CACHE_VERSION", "99.0.0")
        .arg("--check")
        .output()
        .unwrap();
    assert_eq!(counts(&output.stderr), (0, 11));
}

#[test]
fn a_file_replaced_with_the_same_size_and_time_is_compared_by_content() {
    let dir = project();
    let root = dir.path();
    let before = "    return { a, id: event.data.id };";
    let after = "    return { a, id: \"event.data.\" };";
    assert_eq!(before.len(), after.len());
    let path = root.join("demo.ts");
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let set_time = |path: &Path| {
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap()
    };
    set_time(&path);
    check(root);
    fs::write(&path, DEMO.replace(before, after)).unwrap();
    set_time(&path);
    assert_eq!(fs::metadata(&path).unwrap().len(), DEMO.len() as u64);
    assert_eq!(check(root).1, 1);
    let text = printed(run(root).arg("--check"));
    assert!(
        text.stdout
            .contains("return after steps reads `a` (a step result) outside"),
        "{text:?}"
    );
}

#[test]
fn a_truncated_or_foreign_cache_file_is_ignored_and_rebuilt() {
    let dir = project();
    let root = dir.path();
    check(root);
    let cache = root.join(".inngest-fix-cache");
    let files: Vec<_> = fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let bytes = fs::read(&files[0]).unwrap();
    fs::write(&files[0], &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(check(root), (0, 11));
    assert_eq!(check(root), (11, 0), "rebuilt");
    fs::write(&files[0], b"not a cache at all").unwrap();
    assert_eq!(check(root), (0, 11));
    // A cache whose entries are well formed but lie (every byte flipped in the middle)
    // is rejected by its checksum.
    let mut bytes = fs::read(&files[0]).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(&files[0], &bytes).unwrap();
    assert_eq!(check(root), (0, 11));
}

#[test]
fn two_runs_at_once_leave_a_cache_that_gives_the_cold_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "client.ts", CLIENT);
    for i in 0..60 {
        write(
            root,
            &format!("f{i}.ts"),
            DEMO.replace("\"demo\"", &format!("\"demo-{i}\"")),
        );
        write(
            root,
            &format!("p{i}.ts"),
            format!("export const p{i} = {i};\n"),
        );
    }
    let cold = printed(run(root).args(["--check", "--no-cache"]));
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_inngest-fix"))
            .current_dir(root)
            .args(["--check", "--color=never"])
            .env_remove("INNGEST_FIX_CACHE_DIR")
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap(), b.join().unwrap())
    });
    for output in [a, b] {
        assert_eq!(String::from_utf8(output.stdout).unwrap(), cold.stdout);
    }
    let (served, analysed) = check(root);
    assert_eq!(served + analysed, 121);
    assert_eq!(check(root), (121, 0));
}

#[test]
fn one_edited_module_reanalyses_it_and_the_files_that_named_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "client.ts", CLIENT);
    write(root, "tsconfig.json", TSCONFIG);
    write(root, "helpers.ts", HELPERS);
    write(root, "src/lib/shape.ts", SHAPE);
    for i in 0..3 {
        write(root, &format!("uses/u{i}.ts"), HANDLER.replace("./", "../"));
    }
    for i in 0..20 {
        write(
            root,
            &format!("other/f{i}.ts"),
            DEMO.replace("./client", "../client"),
        );
        write(
            root,
            &format!("plain/p{i}.ts"),
            format!("export const p{i} = {i};\n"),
        );
    }
    let total = 3 + 3 + 40;
    assert_eq!(check(root), (0, total));
    assert_eq!(check(root), (total, 0));
    write(root, "helpers.ts", HELPERS_WITH_STEP);
    assert_eq!(
        check(root),
        (total - 4, 4),
        "helpers.ts and its three importers"
    );
    write(
        root,
        "other/f3.ts",
        DEMO.replace("./client", "../client").replace("a, id", "id"),
    );
    assert_eq!(check(root), (total - 1, 1));
}

#[test]
fn dry_run_and_write_agree_with_a_cold_run() {
    let dir = project();
    let root = dir.path();
    run(root).arg("--check").output().unwrap();
    same_as_cold(root, &[]);
    // Files with a fix are never served: the diff is built again.
    let (_, analysed) = same_as_cold(root, &[]);
    assert!(analysed >= 2, "demo.ts and fn.ts have fixes");
    run(root).arg("--write").assert().success();
    assert!(fs::read_to_string(root.join("demo.ts"))
        .unwrap()
        .contains("finalize-and-return"));
    check(root);
}

#[test]
fn the_cache_directory_can_move() {
    let dir = project();
    let root = dir.path();
    let elsewhere = tempfile::tempdir().unwrap();
    run(root)
        .arg("--check")
        .arg("--cache-dir")
        .arg(elsewhere.path().join("flag"))
        .output()
        .unwrap();
    assert!(elsewhere.path().join("flag/.gitignore").is_file());
    run(root)
        .arg("--check")
        .env("INNGEST_FIX_CACHE_DIR", elsewhere.path().join("env"))
        .output()
        .unwrap();
    assert!(elsewhere.path().join("env/.gitignore").is_file());
    write(
        root,
        "inngest-fix.toml",
        "cache-dir = \"build/lint-cache\"\n",
    );
    let output = run(root).arg("--check").output().unwrap();
    assert_eq!(counts(&output.stderr).1, 11);
    assert!(root.join("build/lint-cache/.gitignore").is_file());
    assert!(!root.join(".inngest-fix-cache").exists());
}
