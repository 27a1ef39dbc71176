//! Configuration files: `inngest-fix.toml`, or an `"inngest-fix"` key in `package.json`.
//!
//! Owns: finding the file that applies to a path (the closest one walking up from it:
//! in each directory `inngest-fix.toml` first, then `package.json` when it has an
//! `"inngest-fix"` key), reading and validating it, and layering the command line's
//! flags over it ([`Overrides`]: a flag given wins over the file). Does not own: which
//! flags exist ([`crate::cli`]) or how the settings are used ([`crate::run`]).
//!
//! Keys, the same in both places: `step-id`, `var-name`, `all-returns`, `select`,
//! `ignore`, `unsafe-fixes`, `exclude` (gitignore-style globs relative to the file's
//! directory), `wrappers` (more function names to treat as `createFunction`) and
//! `cache-dir` (where the results cache lives).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::{Deserialize, Serialize};

use crate::settings::Settings;

/// The name of the configuration file.
pub const FILE_NAME: &str = "inngest-fix.toml";
/// The key holding the configuration in `package.json`.
pub const PACKAGE_JSON_KEY: &str = "inngest-fix";

/// What a configuration file may say; every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FileConfig {
    /// The step ID of the final step (`--step-id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// The variable holding its result (`--var-name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub var_name: Option<String>,
    /// Also fix non-trailing returns (`--all-returns`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_returns: Option<bool>,
    /// Only these rules (`--select`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    /// Never these rules (`--ignore`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore: Option<Vec<String>>,
    /// Also apply fixes that need review (`--unsafe-fixes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsafe_fixes: Option<bool>,
    /// Gitignore-style globs, relative to the configuration file's directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<String>>,
    /// More function names to treat as `createFunction`: `defineJob(options, handler)`
    /// or `x.defineJob(…)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrappers: Option<Vec<String>>,
    /// Functions of the project that only compute: `side-effect-outside-step` does not
    /// report them (`decryptToken`, `renderInvoice`, `analytics.hash`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pure: Option<Vec<String>>,
    /// Functions that are side effects whatever their names say (`buildReport` that
    /// writes a file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side_effects: Option<Vec<String>>,
    /// Where the results cache lives, relative to the configuration file's directory
    /// (default `.inngest-fix-cache`; docs/cache.md). Read from the configuration that
    /// applies to the current directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_dir: Option<PathBuf>,
}

/// The flags given on the command line that a configuration file may also set.
/// `None` (or `false`) means "not given": the file decides.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub step_id: Option<String>,
    pub var_name: Option<String>,
    pub all_returns: bool,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub unsafe_fixes: bool,
    /// Read no configuration file (`--no-config`).
    pub no_config: bool,
    /// Only report, never build fixed text (`--check`): see [`Settings::build_fixes`].
    pub report_only: bool,
}

/// The settings that apply to the files under one directory.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The file they come from; `None` when no file applies.
    pub source: Option<PathBuf>,
    /// The file's contents (empty when there is none).
    pub file: FileConfig,
    /// The file layered under the command line's flags.
    pub settings: Settings,
    /// The file's `exclude` globs, rooted at its directory.
    excludes: Option<Gitignore>,
    /// [`Settings::fingerprint`] of `settings`, computed once.
    pub fingerprint: u64,
}

impl Resolved {
    /// Whether the file's `exclude` globs leave out `path` (absolute).
    pub fn excludes(&self, path: &Path) -> bool {
        self.excludes
            .as_ref()
            .is_some_and(|globs| globs.matched_path_or_any_parents(path, false).is_ignore())
    }

    /// The settings as a configuration file would write them, for `--show-config`.
    pub fn effective(&self) -> FileConfig {
        let s = &self.settings;
        FileConfig {
            step_id: Some(s.step_id.clone()),
            var_name: Some(s.var_name.clone()),
            all_returns: Some(s.all_returns),
            select: s.select.clone(),
            ignore: Some(s.ignore.clone()),
            unsafe_fixes: Some(s.unsafe_fixes),
            exclude: Some(self.file.exclude.clone().unwrap_or_default()),
            wrappers: Some(s.extra_create_function_names.clone()),
            pure: Some(s.pure_functions.clone()),
            side_effects: Some(s.side_effect_functions.clone()),
            cache_dir: self.file.cache_dir.clone(),
        }
    }
}

/// Finds and caches the configuration of each directory, for the walker's threads.
#[derive(Debug)]
pub struct Resolver {
    overrides: Overrides,
    cwd: PathBuf,
    /// Per directory: its settings, or why its configuration file is unusable.
    cache: Mutex<HashMap<PathBuf, Result<Arc<Resolved>, ConfigError>>>,
}

/// A configuration file that cannot be used: one line, with the file's path and, when
/// known, the line and column of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// Where in the file: 1-based line and column (columns count characters).
    pub location: Option<(usize, usize)>,
    /// Why, one line.
    pub reason: String,
}

impl ConfigError {
    fn new(path: PathBuf, reason: String) -> Self {
        ConfigError {
            path,
            location: None,
            reason,
        }
    }

    /// One line without the path, for a report about the file:
    /// `invalid configuration at line 2, column 1: unknown key …`.
    pub fn describe(&self) -> String {
        match self.location {
            Some((line, column)) => format!(
                "invalid configuration at line {line}, column {column}: {}",
                self.reason
            ),
            None => format!("invalid configuration: {}", self.reason),
        }
    }
}

impl std::fmt::Display for ConfigError {
    /// `path:line:col: reason`, as compilers print it (editors jump to it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for ConfigError {}

impl Resolver {
    /// A resolver layering `overrides` over the files it finds; relative paths are
    /// taken from `cwd`.
    pub fn new(overrides: Overrides, cwd: PathBuf) -> Self {
        Resolver {
            overrides,
            cwd,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The settings for a file at `path` (or, for a directory, the files in it).
    pub fn for_path(&self, path: &Path, is_dir: bool) -> Result<Arc<Resolved>, ConfigError> {
        let absolute = normalize(&self.cwd.join(path));
        let dir = if is_dir {
            absolute.as_path()
        } else {
            absolute.parent().unwrap_or(&absolute)
        };
        // Errors name the file as the user would: relative to the current directory.
        self.for_dir(dir).map_err(|mut err| {
            if let Ok(relative) = err.path.strip_prefix(&self.cwd) {
                err.path = relative.to_path_buf();
            }
            err
        })
    }

    fn for_dir(&self, dir: &Path) -> Result<Arc<Resolved>, ConfigError> {
        if let Some(found) = self.cached(dir) {
            return found;
        }
        let found = if self.overrides.no_config {
            Ok(None)
        } else {
            read_config_in(dir)
        };
        let resolved = match found {
            Ok(Some((source, file, text))) => {
                resolve(Some((source, &text)), file, &self.overrides).map(Arc::new)
            }
            Ok(None) => match dir.parent() {
                Some(parent) if !self.overrides.no_config => self.for_dir(parent),
                _ => resolve(None, FileConfig::default(), &self.overrides).map(Arc::new),
            },
            Err(err) => Err(err),
        };
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(dir.to_path_buf(), resolved.clone());
        }
        resolved
    }

    fn cached(&self, dir: &Path) -> Option<Result<Arc<Resolved>, ConfigError>> {
        self.cache.lock().ok()?.get(dir).cloned()
    }
}

/// `a/b/../c` as `a/c`, without touching the file system (a path named on the command
/// line may not exist yet; its configuration is that of its lexical ancestors).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The configuration file of one directory, not looking further up.
fn read_config_in(dir: &Path) -> Result<Option<(PathBuf, FileConfig, String)>, ConfigError> {
    let toml_path = dir.join(FILE_NAME);
    if toml_path.is_file() {
        let text = read(&toml_path)?;
        let file = toml::from_str::<FileConfig>(&text).map_err(|err| ConfigError {
            path: toml_path.clone(),
            location: err.span().map(|span| line_and_column(&text, span.start)),
            reason: explain(err.message().trim()),
        })?;
        return Ok(Some((toml_path, file, text)));
    }
    let package_path = dir.join("package.json");
    if package_path.is_file() {
        let text = read(&package_path)?;
        let package: serde_json::Value =
            serde_json::from_str(&text).map_err(|err| ConfigError {
                path: package_path.clone(),
                location: Some((err.line(), err.column())),
                reason: format!("not valid JSON: {}", json_message(&err)),
            })?;
        if let Some(value) = package.get(PACKAGE_JSON_KEY) {
            let file = FileConfig::deserialize(value).map_err(|err| {
                let message = err.to_string();
                ConfigError {
                    path: package_path.clone(),
                    location: unknown_key(&message).and_then(|key| json_key_location(&text, key)),
                    reason: format!("in \"{PACKAGE_JSON_KEY}\": {}", explain(&message)),
                }
            })?;
            return Ok(Some((package_path, file, text)));
        }
    }
    Ok(None)
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map_err(|err| ConfigError::new(path.to_path_buf(), crate::walk::io_reason(&err)))
}

/// The keys a configuration file may hold, as users write them.
pub const KEYS: [&str; 11] = [
    "step-id",
    "var-name",
    "all-returns",
    "select",
    "ignore",
    "unsafe-fixes",
    "exclude",
    "wrappers",
    "pure",
    "side-effects",
    "cache-dir",
];

/// A deserializer's message in the user's words: an unknown key gets the closest known
/// one ("did you mean") or the list of keys, and keys users try from other tools get
/// what to use instead.
fn explain(message: &str) -> String {
    let Some(key) = unknown_key(message) else {
        return message.to_string();
    };
    if key == "clients" {
        return "unknown key `clients`: every receiver of `.createFunction` is already an \
                Inngest client, use `wrappers` for functions of other names"
            .to_string();
    }
    match crate::suggest::closest(key, KEYS) {
        Some(known) => format!("unknown key `{key}`; did you mean `{known}`?"),
        None => format!("unknown key `{key}` (the keys are {})", KEYS.join(", ")),
    }
}

/// The key named by serde's "unknown field `key`, expected …" message.
fn unknown_key(message: &str) -> Option<&str> {
    let rest = message.split_once("unknown field `")?.1;
    Some(&rest[..rest.find('`')?])
}

/// serde_json's message without its trailing "at line L column C" (the location is
/// given apart).
fn json_message(err: &serde_json::Error) -> String {
    let message = err.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// Where `"key"` is written in a package.json, after the `"inngest-fix"` key (serde_json
/// gives no position for errors in a value it has already parsed).
fn json_key_location(text: &str, key: &str) -> Option<(usize, usize)> {
    let section = text.find(&format!("\"{PACKAGE_JSON_KEY}\""))?;
    let at = section + text[section..].find(&format!("\"{key}\""))?;
    Some(line_and_column(text, at))
}

/// Where `value` is written after `key` (the key itself when `value` is empty or not
/// found), in TOML or JSON: the line and column of its first character.
fn value_location(text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    let section = text.find(&format!("\"{PACKAGE_JSON_KEY}\"")).unwrap_or(0);
    let key_at = section + text[section..].find(key)?;
    let after_key = &text[key_at..];
    let quoted = [format!("\"{value}\""), format!("'{value}'")]
        .iter()
        .find_map(|q| after_key.find(q.as_str()).map(|at| at + 1));
    let value_at = match quoted.or_else(|| after_key.find(value)) {
        Some(at) if !value.is_empty() => key_at + at,
        _ => key_at,
    };
    Some(line_and_column(text, value_at))
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = 1 + before.matches('\n').count();
    (line, 1 + before[line_start..].chars().count())
}

/// Layer `overrides` over `file` (read from `source`: its path and text), validating both.
fn resolve(
    source: Option<(PathBuf, &str)>,
    file: FileConfig,
    overrides: &Overrides,
) -> Result<Resolved, ConfigError> {
    // An invalid value is located by its key and the value written after it.
    let invalid_value = |key: &str, value: &str, reason: String| ConfigError {
        path: source
            .as_ref()
            .map(|(path, _)| path.clone())
            .unwrap_or_default(),
        location: source
            .as_ref()
            .and_then(|(_, text)| value_location(text, key, value)),
        reason: format!("{key}: {reason}"),
    };
    let invalid = |key: &str, reason: String| invalid_value(key, "", reason);
    let source = source.as_ref().map(|(path, _)| path.clone());
    let defaults = Settings::default();
    let step_id = match &overrides.step_id {
        Some(id) => id.clone(),
        None => match &file.step_id {
            Some(id) => {
                crate::settings::parse_step_id(id).map_err(|e| invalid_value("step-id", id, e))?
            }
            None => defaults.step_id,
        },
    };
    let var_name = match &overrides.var_name {
        Some(name) => name.clone(),
        None => match &file.var_name {
            Some(name) => crate::settings::parse_var_name(name)
                .map_err(|e| invalid_value("var-name", name, e))?,
            None => defaults.var_name,
        },
    };
    for (key, names) in [("select", &file.select), ("ignore", &file.ignore)] {
        for name in names.iter().flatten() {
            crate::rules::registry::parse_selector(name)
                .map_err(|e| invalid_value(key, name, e))?;
        }
    }
    let excludes = match (&file.exclude, &source) {
        (Some(globs), Some(source)) if !globs.is_empty() => {
            let root = source.parent().unwrap_or(Path::new("/"));
            let mut builder = GitignoreBuilder::new(root);
            for glob in globs {
                builder
                    .add_line(None, glob)
                    .map_err(|e| invalid_value("exclude", glob, format!("invalid glob: {e}")))?;
            }
            Some(
                builder
                    .build()
                    .map_err(|e| invalid("exclude", e.to_string()))?,
            )
        }
        _ => None,
    };
    let settings = Settings {
        step_id,
        var_name,
        all_returns: overrides.all_returns || file.all_returns.unwrap_or(false),
        select: overrides.select.clone().or_else(|| file.select.clone()),
        ignore: overrides
            .ignore
            .clone()
            .or_else(|| file.ignore.clone())
            .unwrap_or_default(),
        unsafe_fixes: overrides.unsafe_fixes || file.unsafe_fixes.unwrap_or(false),
        extra_create_function_names: file.wrappers.clone().unwrap_or_default(),
        pure_functions: file.pure.clone().unwrap_or_default(),
        side_effect_functions: file.side_effects.clone().unwrap_or_default(),
        build_fixes: !overrides.report_only,
        source_path: None,
    };
    Ok(Resolved {
        source,
        file,
        fingerprint: settings.fingerprint(),
        settings,
        excludes,
    })
}

/// `--show-config`: the file that applies to `path` and the settings in effect there,
/// as a configuration file would write them.
pub fn show(resolved: &Resolved) -> String {
    let mut out = match &resolved.source {
        Some(source) => format!("# configuration file: {}\n", source.display()),
        None => "# no configuration file: defaults and command-line flags\n".to_string(),
    };
    let effective = resolved.effective();
    if effective.select.is_none() {
        out.push_str(
            "# select: the default rules (opt-in rules, such as the v4 migration, are not selected)\n",
        );
    }
    match toml::to_string(&effective) {
        Ok(text) => out.push_str(&text),
        Err(err) => out.push_str(&format!("# cannot render the settings: {err}\n")),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    #[test]
    fn keys_are_read_and_flags_win() {
        let file: FileConfig = toml::from_str(
            "step-id = \"wrap-up\"\nvar-name = \"out\"\nall-returns = true\n\
             select = [\"unsafe-trailing-return\"]\nwrappers = [\"defineJob\"]\n",
        )
        .unwrap();
        let resolved = resolve(
            Some(("/r/inngest-fix.toml".into(), "")),
            file.clone(),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(resolved.settings.step_id, "wrap-up");
        assert_eq!(resolved.settings.var_name, "out");
        assert!(resolved.settings.all_returns);
        assert_eq!(resolved.settings.extra_create_function_names, ["defineJob"]);
        let overrides = Overrides {
            step_id: Some("cli".to_string()),
            select: Some(vec!["unused-suppression".to_string()]),
            ..Overrides::default()
        };
        let resolved = resolve(None, file, &overrides).unwrap();
        assert_eq!(resolved.settings.step_id, "cli");
        assert_eq!(
            resolved.settings.select.as_deref(),
            Some(&["unused-suppression".to_string()][..])
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let err = toml::from_str::<FileConfig>("clients = [\"app\"]").unwrap_err();
        assert!(explain(err.message()).contains("use `wrappers`"), "{err}");
        let err = toml::from_str::<FileConfig>("stepid = \"x\"").unwrap_err();
        assert_eq!(
            explain(err.message()),
            "unknown key `stepid`; did you mean `step-id`?"
        );
        let err = toml::from_str::<FileConfig>("colour = true").unwrap_err();
        assert!(explain(err.message()).contains("(the keys are step-id, "));
        let file = FileConfig {
            var_name: Some("2x".to_string()),
            ..FileConfig::default()
        };
        assert!(resolve(None, file, &Overrides::default()).is_err());
        let file = FileConfig {
            ignore: Some(vec!["no-such-rule".to_string()]),
            ..FileConfig::default()
        };
        let err = resolve(None, file, &Overrides::default()).unwrap_err();
        assert!(err.reason.contains("no-such-rule"), "{err}");
        let text = "# rules\nignore = [\"nested-step\", \"nestd-step\"]\n";
        let file: FileConfig = toml::from_str(text).unwrap();
        let err = resolve(Some(("c.toml".into(), text)), file, &Overrides::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.toml:2:27: ignore: unknown rule `nestd-step`; did you mean `nested-step`?"
        );
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(line_and_column("a\nbé = 1\n", 6), (2, 4));
        assert_eq!(line_and_column("", 0), (1, 1));
        let root = dir();
        std::fs::write(
            root.path().join(FILE_NAME),
            "step-id = \"x\"\nvar_name = \"y\"\n",
        )
        .unwrap();
        let err = read_config_in(root.path()).unwrap_err();
        assert_eq!(err.location, Some((2, 1)));
        assert_eq!(
            err.reason,
            "unknown key `var_name`; did you mean `var-name`?"
        );
        std::fs::remove_file(root.path().join(FILE_NAME)).unwrap();
        std::fs::write(
            root.path().join("package.json"),
            "{\n  \"name\": \"a\",\n  \"inngest-fix\": {\n    \"al-returns\": true\n  }\n}\n",
        )
        .unwrap();
        let err = read_config_in(root.path()).unwrap_err();
        assert_eq!(err.location, Some((4, 5)));
        assert!(err.reason.ends_with("did you mean `all-returns`?"), "{err}");
        std::fs::write(root.path().join("package.json"), "{\n  \"name\": \n}").unwrap();
        let err = read_config_in(root.path()).unwrap_err();
        assert_eq!(err.location, Some((3, 1)));
        assert!(
            err.to_string()
                .contains("package.json:3:1: not valid JSON: "),
            "{err}"
        );
    }

    #[test]
    fn closest_file_wins_and_package_json_is_a_fallback() {
        let root = dir();
        let root = root.path();
        std::fs::create_dir_all(root.join("a/b/c")).unwrap();
        std::fs::write(root.join("inngest-fix.toml"), "step-id = \"top\"\n").unwrap();
        std::fs::write(
            root.join("a/package.json"),
            r#"{"name": "a", "inngest-fix": {"step-id": "from-package"}}"#,
        )
        .unwrap();
        std::fs::write(root.join("a/b/package.json"), r#"{"name": "b"}"#).unwrap();
        let resolver = Resolver::new(Overrides::default(), root.to_path_buf());
        let at = |p: &str| {
            resolver
                .for_path(Path::new(p), false)
                .unwrap()
                .settings
                .step_id
                .clone()
        };
        assert_eq!(at("x.ts"), "top");
        assert_eq!(at("a/x.ts"), "from-package");
        assert_eq!(
            at("a/b/c/x.ts"),
            "from-package",
            "a package.json without the key is skipped"
        );
        std::fs::write(root.join("a/b/inngest-fix.toml"), "step-id = \"closest\"\n").unwrap();
        let fresh = Resolver::new(Overrides::default(), root.to_path_buf());
        let settings = fresh.for_path(Path::new("a/b/c/x.ts"), false).unwrap();
        assert_eq!(settings.settings.step_id, "closest");
    }

    #[test]
    fn excludes_are_relative_to_the_file() {
        let root = dir();
        let root = root.path();
        std::fs::create_dir_all(root.join("pkg/generated")).unwrap();
        std::fs::write(
            root.join("pkg/inngest-fix.toml"),
            "exclude = [\"generated\"]\n",
        )
        .unwrap();
        let resolver = Resolver::new(Overrides::default(), root.to_path_buf());
        let resolved = resolver
            .for_path(Path::new("pkg/generated/x.ts"), false)
            .unwrap();
        assert!(resolved.excludes(&root.join("pkg/generated/x.ts")));
        assert!(!resolved.excludes(&root.join("pkg/x.ts")));
    }
}
