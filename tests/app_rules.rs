//! The app-wide rules on fixtures spread over several files (`tests/app_fixtures/`): the
//! binary is run on each folder as a user would, and its output is the snapshot.
//!
//! - `one_app_two_files/`: one client (`client.ts`) imported by two files that both define
//!   `send-email` (duplicate-function-id across files), a six-field cron, sleeps that do not
//!   parse or exceed the engine's maximum, events sent from an API route;
//! - `two_apps/`: the same function ID under two clients (`admin`, `shop-two`): not a
//!   duplicate; a `TZ=` cron (valid) and `@daily` (the engine's parser takes no descriptors);
//! - `flow_control/`: one function whose every flow-control value the engine accepts
//!   (`concurrency.limit: 0` is no limit), one whose every value it rejects or ignores.

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_inngest-fix"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .args(["--color=never", "--no-config"])
        .args(args)
        .output()
        .expect("the binary runs");
    (
        String::from_utf8(output.stdout).expect("UTF-8 output"),
        output.status.code().unwrap_or(-1),
    )
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name.to_string(), without_timing(text));
    });
}

/// The summary's "in 12ms" varies from run to run.
fn without_timing(text: &str) -> String {
    text.lines()
        .map(|line| match (line.find(" in "), line.find("ms:")) {
            (Some(start), Some(end)) if line.starts_with("Scanned") && start < end => {
                format!("{} in [TIME]{}", &line[..start], &line[end + 2..])
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn one_app_in_two_files() {
    let (out, code) = run(&["--check", "tests/app_fixtures/one_app_two_files"]);
    assert_eq!(code, 1);
    assert_eq!(out.matches("duplicate-function-id").count(), 2, "{out}");
    snapshot("app_one_app_two_files", &out);
}

#[test]
fn the_same_id_in_two_apps_is_not_a_duplicate() {
    let (out, _) = run(&["--check", "tests/app_fixtures/two_apps"]);
    assert!(!out.contains("duplicate-function-id"), "{out}");
    assert!(out.contains("`@daily`"), "{out}");
    assert!(
        !out.contains("TZ=Europe/Paris 0 3"),
        "a valid TZ= cron: {out}"
    );
    snapshot("app_two_apps", &out);
}

#[test]
fn flow_control_values_the_engine_rejects_or_ignores() {
    let (out, _) = run(&[
        "--check",
        "--format",
        "json",
        "tests/app_fixtures/flow_control",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let lines: Vec<u64> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "invalid-flow-control")
        .map(|f| f["line"].as_u64().expect("line"))
        .collect();
    // The accepted function (lines 6-20) has none; the wrong one one per bad value.
    assert!(lines.iter().all(|&l| l > 21), "{lines:?}");
    assert_eq!(lines.len(), 14, "{lines:?}");
    let (text, _) = run(&["--check", "tests/app_fixtures/flow_control"]);
    snapshot("app_flow_control", &text);
}

#[test]
fn event_rules_are_opt_in() {
    let (out, _) = run(&["--check", "tests/app_fixtures/one_app_two_files"]);
    assert!(!out.contains("event-without-listener"));
    let (out, _) = run(&[
        "--check",
        "--select",
        "event-without-listener,trigger-without-sender",
        "tests/app_fixtures/one_app_two_files",
    ]);
    assert!(out.contains("`user/sign-up`"), "{out}");
    assert!(
        !out.contains("`user/signup`"),
        "sent and listened to: {out}"
    );
    snapshot("app_event_rules", &out);
}

#[test]
fn a_suppression_comment_silences_an_app_finding() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.ts"),
        "import { Inngest } from \"inngest\";\nconst inngest = new Inngest({ id: \"x\" });\n\
         // inngest-fix-ignore: invalid-cron\n\
         export const f = inngest.createFunction({ id: \"f\" }, { cron: \"@hourly\" }, async () => 1);\n",
    )
    .expect("write");
    let path = dir.path().join("a.ts");
    let (out, code) = run(&["--check", "--format", "json", path.to_str().expect("path")]);
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["summary"]["suppressed"], 1, "{out}");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(0), "{out}");
}

#[test]
fn long_sleep_sets_the_suspicious_threshold() {
    let dir = "tests/app_fixtures/one_app_two_files";
    let (out, _) = run(&["--check", dir]);
    assert!(!out.contains("`1 day`"), "under 30 days by default: {out}");
    let (out, _) = run(&["--check", "--long-sleep", "0", dir]);
    assert!(
        out.contains("`step.sleep` duration `1 day` (1d) is longer than 0s (`--long-sleep`)"),
        "{out}"
    );
}

#[test]
fn one_id_in_two_packages_is_two_deployments() {
    // `web/` and `old-copy/` each have a package.json: an app and a stale copy of it, with
    // one client ID and one function ID, are not one app (seen on real code).
    let (out, _) = run(&["--check", "tests/app_fixtures/two_packages"]);
    assert!(!out.contains("duplicate-function-id"), "{out}");
    // The same two files in one package are one app: the later one is reported.
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/app_fixtures/two_packages/web/jobs.ts"),
            dir.path().join(format!("{name}.ts")),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("package.json"), "{}").unwrap();
    let (out, _) = run(&["--check", dir.path().to_str().unwrap()]);
    assert_eq!(
        out.matches(": duplicate-function-id function ID").count(),
        1,
        "{out}"
    );
}

#[test]
fn test_files_reuse_ids_on_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let jobs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/app_fixtures/two_packages/web/jobs.ts"),
    )
    .unwrap();
    std::fs::write(dir.path().join("jobs.ts"), &jobs).unwrap();
    std::fs::write(dir.path().join("jobs.test.ts"), &jobs).unwrap();
    std::fs::create_dir(dir.path().join("__tests__")).unwrap();
    std::fs::write(dir.path().join("__tests__/more.ts"), &jobs).unwrap();
    let (out, _) = run(&["--check", dir.path().to_str().unwrap()]);
    assert!(!out.contains(": duplicate-function-id "), "{out}");
}
