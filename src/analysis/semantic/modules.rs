//! Relative modules a handler's file imports: can a function from them run a step?
//!
//! A module is taken to reach a step when its code mentions the name `step` anywhere
//! (a parameter, a property, `import { step } from "inngest"`, `ctx.step.run`), or when
//! a relative module it imports or re-exports does, transitively. Coarse on purpose: a
//! module is read once per run, whatever the number of handlers that import it, and
//! saying "it may" costs only an unneeded manual review. A module that cannot be found
//! or read is taken to reach a step. Each file is read and scanned at most once per run,
//! shared by all threads.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::analysis::{code_children, for_each_descendant, functions::string_literal, text};
use crate::language::Lang;

/// What a module specifier leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No module reached mentions `step`.
    Clean,
    /// This file, reached from the module, mentions `step`.
    Steps(PathBuf),
    /// The module or one it imports cannot be found or read.
    Unreadable,
}

/// What one file says about itself.
#[derive(Debug, Clone)]
struct Scan {
    mentions_step: bool,
    /// Relative specifiers it imports, re-exports or requires.
    imports: Vec<String>,
}

/// `./x`, `../x`, `.`: resolved against the importing file.
pub fn is_relative(specifier: &str) -> bool {
    specifier == "."
        || specifier == ".."
        || specifier.starts_with("./")
        || specifier.starts_with("../")
}

/// Whether the module `specifier` (relative to `directory`) or any relative module it
/// reaches mentions `step`.
pub fn reaches_step(directory: &Path, specifier: &str) -> Verdict {
    let Some(start) = resolve(directory, specifier) else {
        return Verdict::Unreadable;
    };
    let mut pending = vec![start];
    let mut seen: Vec<PathBuf> = Vec::new();
    while let Some(path) = pending.pop() {
        if seen.contains(&path) {
            continue;
        }
        seen.push(path.clone());
        let Some(scan) = scanned(&path) else {
            return Verdict::Unreadable;
        };
        if scan.mentions_step {
            return Verdict::Steps(path);
        }
        let directory = path.parent().unwrap_or(Path::new("."));
        for specifier in &scan.imports {
            match resolve(directory, specifier) {
                Some(next) => pending.push(next),
                None => return Verdict::Unreadable,
            }
        }
    }
    Verdict::Clean
}

/// The file a relative specifier names: as written, with a TypeScript or JavaScript
/// extension added (or swapped for the TypeScript one: `./x.js` is `./x.ts` in
/// TypeScript's ESM convention), or an `index` file of that directory.
fn resolve(directory: &Path, specifier: &str) -> Option<PathBuf> {
    const EXTENSIONS: [&str; 8] = ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];
    let base = directory.join(specifier);
    let mut candidates = vec![base.clone()];
    let as_written = base.to_string_lossy().into_owned();
    for (js, ts) in [
        (".js", ".ts"),
        (".js", ".tsx"),
        (".jsx", ".tsx"),
        (".mjs", ".mts"),
        (".cjs", ".cts"),
    ] {
        if let Some(stem) = as_written.strip_suffix(js) {
            candidates.push(PathBuf::from(format!("{stem}{ts}")));
        }
    }
    for extension in EXTENSIONS {
        candidates.push(PathBuf::from(format!("{as_written}.{extension}")));
    }
    for extension in EXTENSIONS {
        candidates.push(base.join(format!("index.{extension}")));
    }
    // Declarations only: no code runs from them.
    candidates.push(PathBuf::from(format!("{as_written}.d.ts")));
    candidates.into_iter().find(|c| c.is_file())
}

/// The scan of one file, from the run-wide cache; `None` when it cannot be read.
fn scanned(path: &Path) -> Option<Scan> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Option<Scan>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok()?.get(path) {
        return found.clone();
    }
    let scan = scan(path);
    if let Ok(mut cache) = cache.lock() {
        cache.insert(path.to_path_buf(), scan.clone());
    }
    scan
}

fn scan(path: &Path) -> Option<Scan> {
    let name = path.to_string_lossy();
    if name.ends_with(".d.ts") {
        return Some(Scan {
            mentions_step: false,
            imports: Vec::new(),
        });
    }
    let metadata = std::fs::metadata(path).ok()?;
    if metadata.len() > 10 * 1024 * 1024 {
        return None;
    }
    let source = std::fs::read_to_string(path).ok()?;
    // A cheap look first: a file that never spells `step` nor imports anything relative
    // needs no parse.
    let spells_step = memchr::memmem::find(source.as_bytes(), b"step").is_some();
    let imports_relative = source.contains("'./")
        || source.contains("\"./")
        || source.contains("'../")
        || source.contains("\"../");
    if !spells_step && !imports_relative {
        return Some(Scan {
            mentions_step: false,
            imports: Vec::new(),
        });
    }
    let is_ts = name.ends_with(".ts") || name.ends_with(".mts") || name.ends_with(".cts");
    let lang = if is_ts { Lang::TypeScript } else { Lang::Tsx };
    let tree = crate::language::parse(&source, lang)?;
    let mut mentions_step = false;
    let mut imports = Vec::new();
    for_each_descendant(tree.root_node(), |node| match node.kind_name() {
        "identifier"
        | "property_identifier"
        | "shorthand_property_identifier"
        | "shorthand_property_identifier_pattern" => {
            mentions_step |= text(node, &source) == "step";
        }
        "import_statement" | "export_statement" => {
            if let Some(specifier) = node
                .field("source")
                .and_then(|s| string_literal(s, &source))
                .filter(|s| is_relative(s))
            {
                imports.push(specifier);
            }
        }
        "call_expression" => {
            let loads = node.field("function").is_some_and(|f| {
                f.kind_name() == "import"
                    || (f.kind_name() == "identifier" && text(f, &source) == "require")
            });
            if let Some(specifier) = loads
                .then(|| node.field("arguments"))
                .flatten()
                .and_then(|a| code_children(a).next())
                .and_then(|s| string_literal(s, &source))
                .filter(|s| is_relative(s))
            {
                imports.push(specifier);
            }
        }
        _ => {}
    });
    Some(Scan {
        mentions_step,
        imports,
    })
}
