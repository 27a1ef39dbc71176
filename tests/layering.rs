//! The crate's modules import one way: each top-level module of `src/` may use only the
//! modules of lower layers (below), never one of its own layer or above. So there are no
//! import cycles, and data types never depend on the code that produces or prints them.
//!
//! The test reads every `crate::…` path in the sources (comments left out), including
//! `use crate::{a, b::c}` groups, and checks it against [`LAYERS`]. A new module must be
//! placed in a layer here, and docs/architecture.md's table should say where.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Lowest first. A module may import from the layers before its own.
const LAYERS: &[&[&str]] = &[
    // "Did you mean", used by rule names and configuration keys; interned strings.
    &["suggest", "interned"],
    // Grammars and the rules' generated documentation.
    &["language"],
    // What a rule is (name, group, fix title) and its documentation, from its source.
    &["rule"],
    // What the code says: Inngest functions, handlers, steps, scopes, returns.
    &["analysis"],
    // Fixes as data, and the text-editing machinery rules share.
    &["fix"],
    // The data contract, the settings a file is checked with, suppression comments.
    &["diagnostic", "settings", "suppression"],
    // One file per rule.
    // The app-wide rules and the event graph, from every file's app facts (below the
    // rules: the registry lists the app rules).
    &["app"],
    &["rules"],
    // One file's pipeline: rules → select → suppress → decide → apply → verify.
    &["pipeline"],
    // What a run reports (the printers' input).
    &["report"],
    // Files: walking, configuration files, safe writes.
    &["walk", "write"],
    &["config"],
    // The results cache of repeated runs.
    &["cache"],
    // Output, one module per format.
    &["printer"],
    // One run, from paths to exit code.
    &["run"],
    // The language server: the per-file pipeline on an editor's text, and a run's scan of
    // the workspace for the app-wide findings.
    &["server"],
    // Entry points: the command line, `--explain`.
    &["cli", "explain"],
];

/// Items of `lib.rs` itself that a module may use (not re-exports: those hide which
/// module is imported).
const ROOT_ITEMS: &[&str] = &["prefilter"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text without `//` comments (doc comments and links included).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string (a URL) cuts the line short: harmless here.
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first identifier of `text`.
fn identifier(text: &str) -> &str {
    let text = text.trim_start();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level names that `crate::` paths in `text` start with.
fn crate_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let preceded_by_ident = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[at + "crate::".len()..];
        if preceded_by_ident {
            continue; // `inngest_fix_crate::`, not this crate
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::{c, d}, e}`: the first identifier of each top-level item.
            let mut depth = 0;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        names.insert(identifier(&group[item_start..i]).to_string());
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.insert(identifier(&group[item_start..i]).to_string());
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            names.insert(identifier(rest).to_string());
        }
    }
    names.remove("");
    names
}

#[test]
fn modules_import_only_from_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut seen_modules = BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default();
        let module = first.trim_end_matches(".rs");
        if module == "lib" || module == "main" {
            continue;
        }
        seen_modules.insert(module.to_string());
        let Some(own) = layer_of(module) else {
            let problem = format!("src/{first}: module `{module}` is in no layer");
            if !problems.contains(&problem) {
                problems.push(problem);
            }
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read source");
        for name in crate_names(&without_comments(&text)) {
            if name == module || ROOT_ITEMS.contains(&name.as_str()) {
                continue;
            }
            match layer_of(&name) {
                Some(layer) if layer < own => {}
                Some(_) => problems.push(format!(
                    "{}: `{module}` imports `crate::{name}`, which is not in a lower layer",
                    relative.display()
                )),
                None => problems.push(format!(
                    "{}: `crate::{name}` is not a module (import it from the module that \
                     defines it, not through a re-export of lib.rs)",
                    relative.display()
                )),
            }
        }
    }
    for layer in LAYERS {
        for module in *layer {
            assert!(
                seen_modules.contains(*module),
                "layer lists `{module}`, which is not a module of src/"
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_parser_of_paths_reads_groups_and_skips_comments() {
    let text = "use crate::{a, b::{c, d}, e::f};\nlet x = crate::g::h(); // crate::nope\n";
    let names: Vec<String> = crate_names(&without_comments(text)).into_iter().collect();
    assert_eq!(names, ["a", "b", "e", "g"]);
}
