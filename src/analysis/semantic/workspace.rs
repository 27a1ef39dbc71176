//! Workspace packages of a monorepo: a bare specifier such as `@acme/jobs` names a module of
//! the project when a package of the workspace has that `name` in its `package.json`.
//!
//! The workspace is the nearest directory above the importing file whose `package.json`
//! has `workspaces` (npm, yarn, bun: an array, or `{ "packages": [...] }`) or that holds a
//! `pnpm-workspace.yaml` (its `packages:` list). Patterns are directories, `dir/*` (one
//! level) or `dir/**` (any depth, `node_modules` skipped); `!` patterns exclude. A package's
//! entry is the first file among its `exports` (`"."`), `module`, `main` and `types`
//! fields, then `src/index.*` and `index.*`, skipping declaration files while a source
//! file is found: the code, not its types, is what runs. Each workspace is read once per
//! run, shared by all threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::consulted::{self, Memo};

/// The packages of one workspace, by `package.json` name.
#[derive(Debug, Default)]
pub struct Workspace {
    packages: HashMap<String, PathBuf>,
}

impl Workspace {
    /// The directory of the workspace package `name`, if the workspace has one.
    pub fn package(&self, name: &str) -> Option<&Path> {
        self.packages.get(name).map(PathBuf::as_path)
    }
}

/// The package name and subpath of a bare specifier: `@a/b/c` is (`@a/b`, `c`), `x/y` is
/// (`x`, `y`).
pub fn split_specifier(specifier: &str) -> (&str, &str) {
    let mut slashes = specifier.match_indices('/').map(|(at, _)| at);
    let cut = if specifier.starts_with('@') {
        slashes.nth(1)
    } else {
        slashes.next()
    };
    match cut {
        Some(at) => (&specifier[..at], &specifier[at + 1..]),
        None => (specifier, ""),
    }
}

/// The workspace holding `directory` (empty when there is none).
pub fn for_directory(directory: &Path) -> Arc<Workspace> {
    static BY_DIRECTORY: Memo<PathBuf, Arc<Workspace>> = Memo::new();
    BY_DIRECTORY.get_or_compute(directory.to_path_buf(), || match root_of(directory) {
        Some((root, patterns)) => by_root(&root, &patterns),
        None => Arc::default(),
    })
}

/// One workspace per root, whatever directory asked.
fn by_root(root: &Path, patterns: &[String]) -> Arc<Workspace> {
    static BY_ROOT: Memo<PathBuf, Arc<Workspace>> = Memo::new();
    BY_ROOT.get_or_compute(root.to_path_buf(), || {
        Arc::new(read_workspace(root, patterns))
    })
}

/// The nearest workspace root above `directory`, with its package patterns.
fn root_of(directory: &Path) -> Option<(PathBuf, Vec<String>)> {
    let mut current = Some(directory);
    while let Some(dir) = current {
        let pnpm = dir.join("pnpm-workspace.yaml");
        if consulted::probe(&pnpm) {
            let text = consulted::read_to_string(&pnpm).unwrap_or_default();
            return Some((dir.to_path_buf(), pnpm_patterns(&text)));
        }
        if let Some(json) = read_json(&dir.join("package.json")) {
            let workspaces = json.get("workspaces");
            let list = workspaces
                .and_then(|w| w.as_array().or_else(|| w.get("packages")?.as_array()))
                .map(|l| {
                    l.iter()
                        .filter_map(|p| p.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                });
            if let Some(list) = list {
                return Some((dir.to_path_buf(), list));
            }
        }
        current = dir.parent();
    }
    None
}

/// The `packages:` list of a `pnpm-workspace.yaml` (the block form, one `- item` a line).
fn pnpm_patterns(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_packages = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            in_packages = trimmed.starts_with("packages:");
            continue;
        }
        if let Some(item) = trimmed.strip_prefix('-').filter(|_| in_packages) {
            let item = item.trim().trim_matches(|c| c == '"' || c == '\'');
            if !item.is_empty() {
                found.push(item.to_string());
            }
        }
    }
    found
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    let text = consulted::read_to_string(path)?;
    serde_json::from_str(&text).ok()
}

/// Every package the patterns name, by its `package.json` name.
fn read_workspace(root: &Path, patterns: &[String]) -> Workspace {
    let mut directories: Vec<PathBuf> = Vec::new();
    let mut excluded: Vec<PathBuf> = Vec::new();
    for pattern in patterns {
        let (target, pattern) = match pattern.strip_prefix('!') {
            Some(rest) => (&mut excluded, rest),
            None => (&mut directories, pattern.as_str()),
        };
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        if let Some(base) = pattern.strip_suffix("/**") {
            deep_directories(&root.join(base), 4, target);
        } else if let Some(base) = pattern.strip_suffix("/*") {
            consulted::listed(&root.join(base));
            if let Ok(entries) = std::fs::read_dir(root.join(base)) {
                target.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
            }
        } else if !pattern.contains('*') {
            target.push(root.join(pattern));
        }
    }
    let mut packages = HashMap::new();
    for directory in directories {
        if excluded.contains(&directory) {
            continue;
        }
        let name = read_json(&directory.join("package.json"))
            .and_then(|j| j.get("name")?.as_str().map(str::to_string));
        if let Some(name) = name {
            packages.entry(name).or_insert(directory);
        }
    }
    Workspace { packages }
}

/// Directories under `base` to `depth` levels, `node_modules` and hidden ones skipped.
fn deep_directories(base: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth == 0 {
        return;
    }
    consulted::listed(base);
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !path.is_dir() || name == "node_modules" || name.starts_with('.') {
            continue;
        }
        out.push(path.clone());
        deep_directories(&path, depth - 1, out);
    }
}

/// The paths (without extension rules applied) a workspace package's entry may be, in
/// order: its manifest's fields, then the usual source entries.
pub fn entry_candidates(package: &Path, subpath: &str) -> Vec<PathBuf> {
    if !subpath.is_empty() {
        return vec![package.join(subpath), package.join("src").join(subpath)];
    }
    let mut found = Vec::new();
    if let Some(json) = read_json(&package.join("package.json")) {
        let mut strings = Vec::new();
        if let Some(exports) = json.get("exports") {
            let dot = exports.get(".").unwrap_or(exports);
            collect_strings(dot, &mut strings);
        }
        for field in ["module", "main", "types", "typings"] {
            if let Some(value) = json.get(field).and_then(|v| v.as_str()) {
                strings.push(value.to_string());
            }
        }
        found.extend(strings.iter().map(|s| package.join(s)));
    }
    found.push(package.join("src/index"));
    found.push(package.join("index"));
    found
}

/// The string leaves of an `exports` condition object, in order.
fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Array(list) => list.iter().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_and_subpaths() {
        assert_eq!(split_specifier("@a/b/c/d"), ("@a/b", "c/d"));
        assert_eq!(split_specifier("@a/b"), ("@a/b", ""));
        assert_eq!(split_specifier("x/y"), ("x", "y"));
        assert_eq!(split_specifier("x"), ("x", ""));
    }

    #[test]
    fn pnpm_workspace_file() {
        let text =
            "packages:\n  - 'apps/*'\n  - \"packages/**\"\n  - '!**/test'\ncatalog:\n  - x\n";
        assert_eq!(pnpm_patterns(text), ["apps/*", "packages/**", "!**/test"]);
    }
}
