//! `inngest-fix graph`: the event flow of `tests/app_fixtures/one_app_two_files` (a client,
//! two functions with one ID, a v3 trigger list with a cron, `step.invoke` of an imported
//! function, `step.sendEvent`, an API route that sends) in each format; the DOT output is
//! rendered by Graphviz's `dot` when it is installed.

use std::path::Path;
use std::process::{Command, Stdio};

fn graph(format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_inngest-fix"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "graph",
            "--format",
            format,
            "tests/app_fixtures/one_app_two_files",
        ])
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
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
fn mermaid() {
    let out = graph("mermaid");
    assert!(out.starts_with("flowchart LR\n"));
    assert!(out.contains(" -. invoke .-> "), "{out}");
    snapshot("graph_mermaid", &out);
}

#[test]
fn dot() {
    let out = graph("dot");
    snapshot("graph_dot", &out);
    let Ok(mut dot) = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: Graphviz `dot` is not installed; the DOT output was not rendered");
        return;
    };
    use std::io::Write;
    dot.stdin
        .take()
        .expect("stdin")
        .write_all(out.as_bytes())
        .expect("write to dot");
    let rendered = dot.wait_with_output().expect("dot runs");
    assert!(
        rendered.status.success() && rendered.stderr.is_empty(),
        "dot: {}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert!(String::from_utf8_lossy(&rendered.stdout).contains("<svg"));
}

#[test]
fn json() {
    let out = graph("json");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let nodes = json["nodes"].as_array().expect("nodes");
    assert!(nodes
        .iter()
        .all(|n| n["line"].as_u64().is_some_and(|l| l > 0)));
    snapshot("graph_json", &out);
}
