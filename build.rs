//! Extracts each rule's documentation from its own source, so that `--explain`, the
//! generated docs and the SARIF rule descriptions have one source: the leading `//!`
//! comment of every file under `src/` that starts with "//! Rule `" (a rule's file; the
//! rule itself is declared in it as `pub const RULE`, read by `src/rule.rs` through
//! `file!()`).
//!
//! Writes `$OUT_DIR/rule_docs.rs`: `const RULE_DOCS: &[(&str, &str)]`, each file's path as
//! `file!()` spells it (`src/rules/nested_step.rs`) and its documentation, sorted by path.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let mut paths = Vec::new();
    sources(Path::new("src"), &mut paths);
    paths.sort();
    let mut docs = Vec::new();
    for path in paths {
        let source = fs::read_to_string(&path).expect("source file is UTF-8");
        if !source.starts_with("//! Rule `") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let doc: Vec<&str> = source
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .map(|line| {
                let text = line.trim_start_matches("//!");
                text.strip_prefix(' ').unwrap_or(text)
            })
            .collect();
        let file = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        docs.push((file, doc.join("\n")));
    }
    let mut out =
        String::from("/// Each rule file's path (as `file!()` gives it) and documentation.\n");
    out.push_str("pub const RULE_DOCS: &[(&str, &str)] = &[\n");
    for (file, doc) in &docs {
        writeln!(out, "    ({file:?}, {doc:?}),").expect("writing to a String");
    }
    out.push_str("];\n");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("rule_docs.rs"), out).expect("OUT_DIR is writable");
}

/// Every `.rs` file under `dir`; each directory is watched, so a new rule file reruns this.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let entries = fs::read_dir(dir).expect("src is readable");
    for entry in entries {
        let path = entry.expect("src is readable").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
