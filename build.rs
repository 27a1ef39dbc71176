//! Extracts each rule's documentation from its own source, so that `--explain` and the
//! SARIF rule descriptions have one source: the leading `//!` comment of
//! `src/rules/<rule>.rs` or `src/rules/migration/<rule>.rs` (the rule's name is the file
//! name with `_` turned into `-`).
//!
//! Writes `$OUT_DIR/rule_docs.rs`: `const RULE_DOCS: &[(&str, &str)]`, sorted by name.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let mut rules = Vec::new();
    let mut paths = Vec::new();
    for dir in ["src/rules", "src/rules/migration", "src/app/rules"] {
        println!("cargo:rerun-if-changed={dir}");
        let entries = fs::read_dir(dir).expect("the rules directory exists");
        paths.extend(entries.map(|entry| entry.expect("the rules directory is readable").path()));
    }
    for path in paths {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().and_then(|e| e.to_str()) != Some("rs") || stem == "mod" {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let source = fs::read_to_string(&path).expect("rule file is UTF-8");
        let doc: Vec<&str> = source
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .map(|line| {
                let text = line.trim_start_matches("//!");
                text.strip_prefix(' ').unwrap_or(text)
            })
            .collect();
        if doc.is_empty() {
            continue;
        }
        rules.push((stem.replace('_', "-"), doc.join("\n")));
    }
    rules.sort();
    let mut out = String::from("/// Each rule's name and documentation, sorted by name.\n");
    out.push_str("pub const RULE_DOCS: &[(&str, &str)] = &[\n");
    for (name, doc) in &rules {
        writeln!(out, "    ({name:?}, {doc:?}),").expect("writing to a String");
    }
    out.push_str("];\n");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("rule_docs.rs"), out).expect("OUT_DIR is writable");
}
