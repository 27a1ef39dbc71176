//! Rule `v4-non-npm-sdk`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds a file whose `inngest` is not the npm package of the project but a 3.x release
//! pinned elsewhere: a URL (`https://esm.sh/inngest@3.16.1`), a Deno `npm:` specifier
//! (`npm:inngest@3`), or a bare `inngest` that the nearest `deno.json` (or `deno.jsonc`)
//! maps to one of those. The other v4 rules leave such a file alone; this one reports it.
//! So is a file that imports no `inngest` at all but is imported by such a file in its
//! directory (`import { createSync } from "./functions.ts"` next to
//! `https://esm.sh/inngest@3.16.1`): its `createFunction` calls run on the client it is
//! handed, from that 3.x SDK.
//!
//! ## Why is this bad?
//! Bumping `inngest` in `package.json` does not reach that file: rewriting it to the v4
//! call forms would run them on the 3.x SDK it still loads (TypeScript: "Expected 3
//! arguments"; at run time, a function without a handler).
//!
//! ## Example
//! ```ts
//! import { Inngest } from "https://esm.sh/inngest@3.16.1";
//! ```
//! Migrate it on purpose: point the import (or the import map) at inngest 4,
//! `https://esm.sh/inngest@4.24.0` or `npm:inngest@4.24.0`, and run `--select v4` again.
//!
//! ## Fix safety
//! No automatic fix: whether that runtime should move to v4 now is the owner's choice.

use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Tree};

use super::module_imports;
use super::packages::INNGEST_TARGET;
use crate::rules::Diagnostic;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-non-npm-sdk";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// One import of a 3.x `inngest` that is not the npm package.
pub struct PinnedSdk<'t> {
    /// The module's string literal.
    pub literal: Node<'t>,
    /// What the file imports (`https://esm.sh/inngest@3.16.1`, `inngest`).
    pub module: String,
    /// Where the SDK comes from (`https://esm.sh/inngest@3.16.1`, `npm:inngest@3`).
    pub target: String,
    /// The version it is pinned to, as written (`3.16.1`, `3`).
    pub version: String,
    /// The import map that maps it, for a bare specifier.
    pub import_map: Option<PathBuf>,
}

/// The imports of `inngest` 3.x from a URL, `npm:` or an import map.
pub fn pinned_v3_imports<'t>(
    tree: &'t Tree,
    source: &str,
    path: Option<&Path>,
) -> Vec<PinnedSdk<'t>> {
    let mut import_map: Option<Option<(PathBuf, serde_json::Value)>> = None;
    let mut found = Vec::new();
    for import in module_imports(tree, source) {
        let module = import.module;
        let (target, map_path) = if pinned_version(&module).is_some() {
            (module.clone(), None)
        } else if module == "inngest" || module.starts_with("inngest/") {
            let map = import_map.get_or_insert_with(|| path.and_then(nearest_deno_config));
            let Some((map_path, config)) = map else {
                continue;
            };
            let Some(target) = mapped(config, &module) else {
                continue;
            };
            (target, Some(map_path.clone()))
        } else {
            continue;
        };
        let Some(version) = pinned_version(&target) else {
            continue;
        };
        if major(&version).is_some_and(|m| m < 4) {
            found.push(PinnedSdk {
                literal: import.source,
                module,
                target,
                version,
                import_map: map_path,
            });
        }
    }
    found
}

/// Report each import of a pinned 3.x SDK.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    report(file.pinned_v3_sdks(), out);
    if let Some(importer) = file.pinned_importer() {
        let calls: Vec<Node> = file.functions.iter().map(|f| f.call).collect();
        check_imported(importer, &calls, out);
    }
}

/// A sibling file that imports a pinned 3.x SDK and imports this file: the client this
/// file's functions are handed comes from there.
pub struct PinnedImporter {
    /// The importing file.
    pub path: PathBuf,
    /// What it imports the SDK from, and the version.
    pub target: String,
    pub version: String,
}

/// The sibling of `file` (same directory) that imports a pinned 3.x `inngest` and imports
/// `file` itself (`./name.ts`, `./name`), for a file with functions but no `inngest`
/// import of its own.
pub fn pinned_importer(file: &Path) -> Option<PinnedImporter> {
    let name = file.file_name()?.to_str()?;
    let stem = file.file_stem()?.to_str()?;
    let directory = file.parent()?;
    let directory = if directory.as_os_str().is_empty() {
        Path::new(".")
    } else {
        directory
    };
    // Recorded (the listing and each sibling read): the results cache must know the finding
    // depends on them.
    crate::analysis::consulted::listed(directory);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(directory)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()) != Some(name))
        .collect();
    entries.sort();
    // A directory of generated files is not a Deno function: a bound on the reads.
    for sibling in entries.into_iter().take(200) {
        let Some(lang) = crate::language::Lang::from_path(&sibling) else {
            continue;
        };
        if lang == crate::language::Lang::Json {
            continue;
        }
        let Some(text) = crate::analysis::consulted::read_to_string(&sibling) else {
            continue;
        };
        let imports_file = [format!("./{name}"), format!("./{stem}")]
            .iter()
            .any(|spec| {
                text.contains(&format!("'{spec}'")) || text.contains(&format!("\"{spec}\""))
            });
        if !imports_file || !text.contains("inngest") {
            continue;
        }
        let Some(tree) = crate::language::parse(&text, lang) else {
            continue;
        };
        let found = crate::analysis::syntax::with_table(&tree, || {
            pinned_v3_imports(&tree, &text, Some(&sibling))
                .first()
                .map(|sdk| (sdk.target.clone(), sdk.version.clone()))
        });
        if let Some((target, version)) = found {
            return Some(PinnedImporter {
                path: sibling,
                target,
                version,
            });
        }
    }
    None
}

/// Report the functions of a file whose client comes from a pinned importer.
pub fn check_imported(importer: &PinnedImporter, calls: &[Node], out: &mut Vec<Diagnostic>) {
    for call in calls {
        out.push(super::manual(
            NAME,
            *call,
            format!(
                "`{}` is inngest {} here too: this file imports no `inngest`, and {} (which \
                 imports it) hands its functions that SDK's client, not the npm package: the \
                 v4 rules leave this file on v3",
                importer.target,
                importer.version,
                importer.path.display()
            ),
            "migrate it together with that file: point its SDK at inngest 4, then run \
             `--select v4` again"
                .to_string(),
        ));
    }
}

/// Report each pinned import.
fn report(sdks: &[PinnedSdk], out: &mut Vec<Diagnostic>) {
    for sdk in sdks {
        let through = match &sdk.import_map {
            Some(map) => format!(" from `{}` (mapped by {})", sdk.target, map.display()),
            None => String::new(),
        };
        let suggestion = if sdk.target.starts_with("npm:") {
            format!("npm:inngest@{INNGEST_TARGET}")
        } else {
            sdk.target.replacen(
                &format!("inngest@{}", sdk.version),
                &format!("inngest@{INNGEST_TARGET}"),
                1,
            )
        };
        out.push(super::manual(
            NAME,
            sdk.literal,
            format!(
                "`{}` is inngest {}{through}, not the npm package: the v4 rules leave this file \
                 on v3",
                sdk.module, sdk.version
            ),
            format!(
                "bumping `inngest` in package.json does not reach this file; to migrate it, \
                 point {} at `{suggestion}`, then run `--select v4` again",
                if sdk.import_map.is_some() {
                    "the import map"
                } else {
                    "the import"
                }
            ),
        ));
    }
}

/// The version after `inngest@` in a URL or `npm:` specifier (`3.16.1`, `v3.1.0`, `3`):
/// `None` when the specifier is neither, or names no version.
fn pinned_version(specifier: &str) -> Option<String> {
    let remote = specifier.contains("://") || specifier.starts_with("npm:");
    if !remote {
        return None;
    }
    let at = specifier.find("inngest@")?;
    let before = specifier[..at].chars().last();
    if !matches!(before, Some('/') | Some(':')) {
        return None;
    }
    let rest = &specifier[at + "inngest@".len()..];
    let version: String = rest
        .chars()
        .take_while(|c| !matches!(c, '/' | '?' | '#'))
        .collect();
    (!version.is_empty()).then_some(version)
}

/// The major version a pinned version starts with (`^3.1`, `v3`, `3.16.1` → 3).
fn major(version: &str) -> Option<u64> {
    let digits: String = version
        .trim_start_matches(['^', '~', '=', 'v'])
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// The nearest `deno.json` or `deno.jsonc` above `file` that has an import map (its
/// `imports`, or the file its `importMap` names).
fn nearest_deno_config(file: &Path) -> Option<(PathBuf, serde_json::Value)> {
    for directory in file.ancestors().skip(1) {
        for name in ["deno.json", "deno.jsonc"] {
            let path = directory.join(name);
            let Some(config) = read_json(&path) else {
                continue;
            };
            if config.get("imports").is_some() {
                return Some((path, config));
            }
            if let Some(map) = config.get("importMap").and_then(|m| m.as_str()) {
                let map_path = directory.join(map);
                return read_json(&map_path).map(|map| (map_path, map));
            }
        }
        if directory.join(".git").exists() {
            break;
        }
    }
    None
}

/// A JSON file, or a JSONC file whose comments are whole lines.
fn read_json(path: &Path) -> Option<serde_json::Value> {
    // Recorded: the results cache must know the finding depends on the file.
    let text = crate::analysis::consulted::read_to_string(path)?;
    serde_json::from_str(&text).ok().or_else(|| {
        let without: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        serde_json::from_str(&without).ok()
    })
}

/// What an import map maps `module` to: the exact entry, or a `prefix/` entry.
fn mapped(config: &serde_json::Value, module: &str) -> Option<String> {
    let imports = config.get("imports")?.as_object()?;
    if let Some(target) = imports.get(module).and_then(|t| t.as_str()) {
        return Some(target.to_string());
    }
    imports.iter().find_map(|(prefix, target)| {
        let target = target.as_str()?;
        let rest = module.strip_prefix(prefix.as_str())?;
        (prefix.ends_with('/')).then(|| format!("{target}{rest}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_remote_specifiers() {
        assert_eq!(
            pinned_version("https://esm.sh/inngest@3.16.1").as_deref(),
            Some("3.16.1")
        );
        assert_eq!(
            pinned_version("https://esm.sh/inngest@3.16.1/next").as_deref(),
            Some("3.16.1")
        );
        assert_eq!(pinned_version("npm:inngest@3").as_deref(), Some("3"));
        assert_eq!(pinned_version("npm:inngest").as_deref(), None);
        assert_eq!(pinned_version("inngest").as_deref(), None);
        assert_eq!(pinned_version("https://esm.sh/notinngest@3"), None);
        assert_eq!(major("^3.1"), Some(3));
        assert_eq!(major("v4.0.0"), Some(4));
    }

    #[test]
    fn import_maps_by_entry_and_prefix() {
        let config: serde_json::Value = serde_json::from_str(
            r#"{ "imports": { "inngest": "npm:inngest@3.40.0", "inngest/": "npm:/inngest@3.40.0/" } }"#,
        )
        .unwrap();
        assert_eq!(
            mapped(&config, "inngest").as_deref(),
            Some("npm:inngest@3.40.0")
        );
        assert_eq!(
            mapped(&config, "inngest/next").as_deref(),
            Some("npm:/inngest@3.40.0/next")
        );
    }
}
