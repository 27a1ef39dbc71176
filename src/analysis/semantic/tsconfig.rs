//! Path aliases (and `checkJs`): where TypeScript resolves a non-relative import such as `@/lib/billing`,
//! by the `compilerOptions.paths` and `baseUrl` of the nearest `tsconfig.json` (or
//! `jsconfig.json`), following relative `extends`.
//!
//! As TypeScript does: a `paths` pattern holds at most one `*`; the longest matching
//! prefix wins; its targets are tried in order, relative to `baseUrl` when set, else to
//! the directory of the file that declares `paths`; without a match, a `baseUrl` alone
//! resolves the specifier against itself. When no target is a file, TypeScript falls back
//! to `node_modules`, and so does this module: the import is taken for a package's.
//! Comments and trailing commas in the file are allowed (it is JSONC). A configuration
//! that cannot be read or parsed gives no aliases; `extends` naming a package is not
//! followed. Each configuration file is read once per run, shared by all threads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::consulted::{self, Memo};

/// The aliases in force for the files of one directory, and whether TypeScript checks
/// its JavaScript files.
#[derive(Debug, Default)]
pub struct Aliases {
    /// `(pattern, targets)` of `compilerOptions.paths`.
    paths: Vec<(String, Vec<String>)>,
    /// What `paths` targets are relative to.
    paths_base: PathBuf,
    /// `compilerOptions.baseUrl`, resolved.
    base_url: Option<PathBuf>,
    /// `compilerOptions.checkJs`: TypeScript type-checks the JavaScript files too.
    pub check_js: bool,
}

impl Aliases {
    /// The paths (without extension) a non-relative `specifier` may name, in the order
    /// TypeScript tries them; empty when no alias applies.
    pub fn candidates(&self, specifier: &str) -> Vec<PathBuf> {
        let mut best: Option<(usize, &str, &[String])> = None;
        for (pattern, targets) in &self.paths {
            let matched = match pattern.split_once('*') {
                None => (pattern == specifier).then_some((usize::MAX, "")),
                Some((prefix, suffix)) => (specifier.len() >= prefix.len() + suffix.len()
                    && specifier.starts_with(prefix)
                    && specifier.ends_with(suffix))
                .then(|| {
                    (
                        prefix.len(),
                        &specifier[prefix.len()..specifier.len() - suffix.len()],
                    )
                }),
            };
            if let Some((rank, star)) = matched {
                if best.is_none_or(|(r, _, _)| rank > r) {
                    best = Some((rank, star, targets));
                }
            }
        }
        let mut found: Vec<PathBuf> = match best {
            Some((_, star, targets)) => targets
                .iter()
                .map(|t| self.paths_base.join(t.replacen('*', star, 1)))
                .collect(),
            None => Vec::new(),
        };
        if let Some(base_url) = &self.base_url {
            found.push(base_url.join(specifier));
        }
        found
    }
}

/// The aliases for the files of `directory` (from the nearest configuration above it).
pub fn for_directory(directory: &Path) -> Arc<Aliases> {
    static BY_DIRECTORY: Memo<PathBuf, Arc<Aliases>> = Memo::new();
    BY_DIRECTORY.get_or_compute(directory.to_path_buf(), || {
        nearest_config(directory)
            .map(|config| Arc::new(read_aliases(&config)))
            .unwrap_or_default()
    })
}

fn nearest_config(directory: &Path) -> Option<PathBuf> {
    directory.ancestors().find_map(|dir| {
        ["tsconfig.json", "jsconfig.json"]
            .iter()
            .map(|name| dir.join(name))
            .find(|path| consulted::probe(path))
    })
}

/// The aliases one configuration file declares, with what it extends.
fn read_aliases(config: &Path) -> Aliases {
    let mut aliases = Aliases::default();
    // Nearest first: a setting comes from the first file of the chain that has it.
    let mut chain = vec![config.to_path_buf()];
    let mut has_paths = false;
    let mut has_base_url = false;
    let mut has_check_js = false;
    while let Some(path) = chain.pop() {
        let Some(json) = read_jsonc(&path) else {
            continue;
        };
        let directory = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let options = json.get("compilerOptions");
        if !has_base_url {
            if let Some(base) = options
                .and_then(|o| o.get("baseUrl"))
                .and_then(|b| b.as_str())
            {
                aliases.base_url = Some(directory.join(base));
                has_base_url = true;
            }
        }
        if !has_paths {
            if let Some(paths) = options
                .and_then(|o| o.get("paths"))
                .and_then(|p| p.as_object())
            {
                aliases.paths = paths
                    .iter()
                    .map(|(pattern, targets)| {
                        let targets = targets
                            .as_array()
                            .map(|t| {
                                t.iter()
                                    .filter_map(|v| v.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        (pattern.clone(), targets)
                    })
                    .collect();
                aliases.paths_base = directory.clone();
                has_paths = true;
            }
        }
        if !has_check_js {
            if let Some(check_js) = options
                .and_then(|o| o.get("checkJs"))
                .and_then(|c| c.as_bool())
            {
                aliases.check_js = check_js;
                has_check_js = true;
            }
        }
        if has_paths && has_base_url && has_check_js || chain.len() > 8 {
            break;
        }
        let extends: Vec<&str> = match json.get("extends") {
            Some(serde_json::Value::String(one)) => vec![one.as_str()],
            Some(serde_json::Value::Array(many)) => {
                many.iter().filter_map(|v| v.as_str()).collect()
            }
            _ => Vec::new(),
        };
        // The last of an `extends` list wins over the earlier ones: look at it first.
        for parent in extends {
            if parent.starts_with("./") || parent.starts_with("../") {
                // TypeScript adds `.json` when the name does not end with it.
                let file = if parent.ends_with(".json") {
                    directory.join(parent)
                } else {
                    directory.join(format!("{parent}.json"))
                };
                chain.insert(0, lexically_normal(&file));
            }
        }
    }
    // `paths` without `baseUrl` are relative to the file that declares them; with it,
    // to `baseUrl`.
    if let Some(base_url) = &aliases.base_url {
        aliases.paths_base = base_url.clone();
    }
    aliases
}

/// `a/b/../c` as `a/c`, `a/./b` as `a/b`, without touching the file system.
pub fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A JSON-with-comments file, parsed; `None` when it cannot be read or parsed.
fn read_jsonc(path: &Path) -> Option<serde_json::Value> {
    let text = consulted::read_to_string(path)?;
    serde_json::from_str(&strip_jsonc(&text)).ok()
}

/// JSONC as JSON: comments and trailing commas out, strings untouched.
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for s in chars.by_ref() {
                    if s == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for s in chars.by_ref() {
                    if last == '*' && s == '/' {
                        break;
                    }
                    last = s;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas: a `,` followed (after blanks) by `}` or `]`, outside strings.
    let mut cleaned = String::with_capacity(out.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = out.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            cleaned.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(c);
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let text =
            "{\n  // the app\n  \"a\": \"x // not a comment\", /* block */\n  \"b\": [1, 2,],\n}\n";
        let json: serde_json::Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(json["a"], "x // not a comment");
        assert_eq!(json["b"], serde_json::json!([1, 2]));
    }

    #[test]
    fn longest_prefix_then_base_url() {
        let aliases = Aliases {
            paths: vec![
                ("@/*".to_string(), vec!["./src/*".to_string()]),
                (
                    "@/lib/*".to_string(),
                    vec!["./lib/*".to_string(), "./vendor/*".to_string()],
                ),
                ("exact".to_string(), vec!["./exact/index".to_string()]),
            ],
            paths_base: PathBuf::from("/r"),
            base_url: None,
            check_js: false,
        };
        assert_eq!(
            aliases.candidates("@/lib/billing"),
            [
                PathBuf::from("/r/./lib/billing"),
                PathBuf::from("/r/./vendor/billing")
            ]
        );
        assert_eq!(aliases.candidates("@/x"), [PathBuf::from("/r/./src/x")]);
        assert_eq!(
            aliases.candidates("exact"),
            [PathBuf::from("/r/./exact/index")]
        );
        assert!(aliases.candidates("inngest").is_empty());
        let with_base = Aliases {
            base_url: Some(PathBuf::from("/r/src")),
            ..Aliases::default()
        };
        assert_eq!(
            with_base.candidates("lib/a"),
            [PathBuf::from("/r/src/lib/a")]
        );
    }

    #[test]
    fn reads_extends_and_nearest_settings() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::write(
            r.join("tsconfig.base.json"),
            r#"{ "compilerOptions": { "paths": { "~/*": ["./shared/*"] }, "baseUrl": "." } }"#,
        )
        .unwrap();
        std::fs::create_dir_all(r.join("app/src")).unwrap();
        std::fs::write(
            r.join("app/tsconfig.json"),
            "{\n  // comment\n  \"extends\": \"../tsconfig.base\",\n  \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"], }, },\n}",
        )
        .unwrap();
        let aliases = for_directory(&r.join("app/src"));
        // `paths` from the app, `baseUrl` from the base: targets are relative to it.
        assert_eq!(
            aliases.candidates("@/a"),
            [r.join("./src/a"), r.join("./@/a")]
        );
        assert!(aliases
            .candidates("~/a")
            .iter()
            .all(|p| !p.ends_with("shared/a")));
        assert!(!aliases.check_js);
    }

    #[test]
    fn check_js_from_the_nearest_configuration_or_what_it_extends() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::write(
            r.join("jsconfig.base.json"),
            r#"{ "compilerOptions": { "checkJs": true } }"#,
        )
        .unwrap();
        std::fs::create_dir_all(r.join("checked/src")).unwrap();
        std::fs::write(
            r.join("checked/jsconfig.json"),
            r#"{ "extends": "../jsconfig.base.json" }"#,
        )
        .unwrap();
        std::fs::create_dir_all(r.join("off")).unwrap();
        std::fs::write(
            r.join("off/tsconfig.json"),
            r#"{ "extends": "../jsconfig.base.json", "compilerOptions": { "checkJs": false } }"#,
        )
        .unwrap();
        assert!(for_directory(&r.join("checked/src")).check_js);
        assert!(!for_directory(&r.join("off")).check_js);
    }
}
