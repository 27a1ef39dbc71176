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
//! directory) and `wrappers` (more function names to treat as `createFunction`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::{Deserialize, Serialize};

use crate::Settings;

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

/// A configuration file that cannot be used: one line, with the file's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// Why, one line.
    pub reason: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
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
        self.for_dir(dir)
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
            Ok(Some((source, file))) => resolve(Some(source), file, &self.overrides).map(Arc::new),
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
fn read_config_in(dir: &Path) -> Result<Option<(PathBuf, FileConfig)>, ConfigError> {
    let toml_path = dir.join(FILE_NAME);
    if toml_path.is_file() {
        let text = read(&toml_path)?;
        let file = toml::from_str::<FileConfig>(&text).map_err(|err| ConfigError {
            path: toml_path.clone(),
            reason: explain_toml_error(&err),
        })?;
        return Ok(Some((toml_path, file)));
    }
    let package_path = dir.join("package.json");
    if package_path.is_file() {
        let text = read(&package_path)?;
        let invalid = |reason: String| ConfigError {
            path: package_path.clone(),
            reason,
        };
        let package: serde_json::Value =
            serde_json::from_str(&text).map_err(|err| invalid(format!("not valid JSON: {err}")))?;
        if let Some(value) = package.get(PACKAGE_JSON_KEY) {
            let file = FileConfig::deserialize(value).map_err(|err| {
                invalid(format!(
                    "invalid \"{PACKAGE_JSON_KEY}\" key: {}",
                    hint(&err.to_string())
                ))
            })?;
            return Ok(Some((package_path, file)));
        }
    }
    Ok(None)
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|err| ConfigError {
        path: path.to_path_buf(),
        reason: crate::walk::io_reason(&err),
    })
}

/// A TOML error on one line: the message and where.
fn explain_toml_error(err: &toml::de::Error) -> String {
    let message = hint(err.message().trim());
    match err.span() {
        Some(span) => format!("{message} (at byte {})", span.start),
        None => message,
    }
}

/// A key users may try that this tool does not have, with what to use instead.
fn hint(message: &str) -> String {
    if message.contains("`clients`") {
        format!(
            "{message}; every receiver of `.createFunction` is already an Inngest client, \
             use `wrappers` for functions of other names"
        )
    } else {
        message.to_string()
    }
}

/// Layer `overrides` over `file`, validating both.
fn resolve(
    source: Option<PathBuf>,
    file: FileConfig,
    overrides: &Overrides,
) -> Result<Resolved, ConfigError> {
    let invalid = |reason: String| ConfigError {
        path: source.clone().unwrap_or_default(),
        reason,
    };
    let defaults = Settings::default();
    let step_id = match &overrides.step_id {
        Some(id) => id.clone(),
        None => match &file.step_id {
            Some(id) => {
                crate::cli::parse_step_id(id).map_err(|e| invalid(format!("step-id: {e}")))?
            }
            None => defaults.step_id,
        },
    };
    let var_name = match &overrides.var_name {
        Some(name) => name.clone(),
        None => match &file.var_name {
            Some(name) => {
                crate::cli::parse_var_name(name).map_err(|e| invalid(format!("var-name: {e}")))?
            }
            None => defaults.var_name,
        },
    };
    for (key, names) in [("select", &file.select), ("ignore", &file.ignore)] {
        for name in names.iter().flatten() {
            crate::cli::parse_rule(name).map_err(|e| invalid(format!("{key}: {e}")))?;
        }
    }
    let excludes = match (&file.exclude, &source) {
        (Some(globs), Some(source)) if !globs.is_empty() => {
            let root = source.parent().unwrap_or(Path::new("/"));
            let mut builder = GitignoreBuilder::new(root);
            for glob in globs {
                builder
                    .add_line(None, glob)
                    .map_err(|e| invalid(format!("exclude: invalid glob {glob:?}: {e}")))?;
            }
            Some(
                builder
                    .build()
                    .map_err(|e| invalid(format!("exclude: {e}")))?,
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
        build_fixes: !overrides.report_only,
    };
    Ok(Resolved {
        source,
        file,
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
        out.push_str("# select: every rule\n");
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
            Some("/r/inngest-fix.toml".into()),
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
        assert!(explain_toml_error(&err).contains("use `wrappers`"), "{err}");
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
