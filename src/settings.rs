//! The settings of a run, as they apply to one file: the command line's flags layered
//! over that file's configuration ([`crate::config`] does the layering).
//!
//! Owns: [`Settings`] (what a file is checked with), [`RuleSet`] (which rules run, from
//! each [`Rule`]'s group),
//! [`RuleOptions`] (the part of the settings a rule may read: how to recognise Inngest
//! functions and how to name the code a fix inserts), and the validation of the values a
//! user may give (`--step-id`, `--var-name`), shared by the command line and the
//! configuration files (rule names: [`crate::rules::registry::parse_selector`]). Does not own: where the values come from.
//!
//! Rules never read the rest: whether a fix is applied (`--all-returns`,
//! `--unsafe-fixes`, selection) is decided from the fix's applicability, in one place
//! ([`crate::pipeline`]).

use crate::rule::{Group, Rule, MIGRATION_PRESET};

/// The user's choices for one file.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Step ID of the finalize step (`--step-id`).
    pub step_id: String,
    /// Name of the variable holding its result (`--var-name`).
    pub var_name: String,
    /// Also fix findings that are not in tail position (`--all-returns`).
    pub all_returns: bool,
    /// Only these rules run (`--select`); `None` runs every rule.
    pub select: Option<Vec<String>>,
    /// These rules never run (`--ignore`); wins over `select`.
    pub ignore: Vec<String>,
    /// Also apply fixes that need review (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// More callee names treated as `createFunction` (config `wrappers`): method names
    /// (`inngest.createScheduledFunction`) or bare wrapper functions
    /// (`defineJob(options, handler)`).
    pub extra_create_function_names: Vec<String>,
    /// Functions of the project that only compute (config `pure`):
    /// `side-effect-outside-step` does not report awaits of them.
    pub pure_functions: Vec<String>,
    /// Functions that are side effects whatever they look like (config `side-effects`).
    pub side_effect_functions: Vec<String>,
    /// Build the fixed text and verify it (default). `--check` turns this off: it
    /// reports what `--write` would fix without paying for the rewrite and its
    /// re-verification, so a fix that would fail verification (a bug, reported as an
    /// internal error by `--write` and `--dry-run`) still shows as fixable there.
    pub build_fixes: bool,
    /// The file being checked, when it is a file: relative imports are resolved against
    /// it (a function imported from `./helpers` may run steps). `None` for text without a
    /// path; such imports are then taken to reach a step.
    pub source_path: Option<std::path::PathBuf>,
}

impl Settings {
    /// These settings as they apply to the file at `path`: its relative imports, and the
    /// closest `tsconfig.json`, are read from there, and its extension says whether it is
    /// JavaScript. The command line, `--interactive` and the language server all check a
    /// file with these, so that they agree.
    pub fn for_file(&self, path: &std::path::Path) -> Settings {
        Settings {
            source_path: Some(path.to_path_buf()),
            ..self.clone()
        }
    }

    /// Whether `rule` runs under `select` and `ignore`.
    pub fn rule_enabled(&self, rule: &Rule) -> bool {
        self.rules().enabled(rule)
    }

    /// The rules this file is checked with.
    pub fn rules(&self) -> RuleSet<'_> {
        RuleSet {
            select: self.select.as_deref(),
            ignore: &self.ignore,
        }
    }

    /// A hash of everything that decides what the analysis of a file says, apart from
    /// the file's path: the results cache keys its entries with it. It hashes the
    /// `Debug` form on purpose, so that a field added to [`Settings`] is part of the key
    /// without anyone remembering to add it.
    pub fn fingerprint(&self) -> u64 {
        let without_path = Settings {
            source_path: None,
            ..self.clone()
        };
        xxhash_rust::xxh3::xxh3_64(format!("{without_path:?}").as_bytes())
    }

    /// What the rules may read.
    pub fn rule_options(&self) -> RuleOptions<'_> {
        RuleOptions {
            step_id: &self.step_id,
            var_name: &self.var_name,
            wrappers: &self.extra_create_function_names,
            pure: &self.pure_functions,
            side_effects: &self.side_effect_functions,
            rules: self.rules(),
            source_path: self.source_path.as_deref(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            step_id: "finalize-and-return".to_string(),
            var_name: "finalReturn".to_string(),
            all_returns: false,
            select: None,
            ignore: Vec::new(),
            unsafe_fixes: false,
            extra_create_function_names: Vec::new(),
            pure_functions: Vec::new(),
            side_effect_functions: Vec::new(),
            build_fixes: true,
            source_path: None,
        }
    }
}

/// Which rules run: `select` (every default rule when `None`; `ALL` selects every
/// default rule), minus `ignore` (`ALL` ignores every rule not named in `select`).
#[derive(Debug, Clone, Copy)]
pub struct RuleSet<'a> {
    select: Option<&'a [String]>,
    ignore: &'a [String],
}

impl RuleSet<'_> {
    /// Whether `rule` runs. As in ruff: a rule named (or its preset) beats `ALL`;
    /// between equals, `ignore` wins. Opt-in rules (the migration rules among them) are
    /// selected by no default and no `ALL`, only by their own name or their preset (`v4`).
    pub fn enabled(&self, rule: &Rule) -> bool {
        let named = |list: &[String]| {
            list.iter()
                .any(|n| n == rule.name || preset_selects(n, rule))
        };
        let has = |list: &[String], name: &str| list.iter().any(|n| n == name);
        if named(self.ignore) {
            false
        } else if self.select.is_some_and(named) {
            true
        } else if rule.is_opt_in() || has(self.ignore, "ALL") {
            false
        } else {
            self.select.is_none_or(|s| has(s, "ALL"))
        }
    }
}

/// Whether `name` is the name of a preset.
pub fn is_preset(name: &str) -> bool {
    name == MIGRATION_PRESET
}

/// Whether the `--select`/`--ignore` entry `entry` names `rule` through a preset.
pub fn preset_selects(entry: &str, rule: &Rule) -> bool {
    is_preset(entry) && rule.group == Group::Migration
}

/// The settings a rule may read: how to recognise Inngest functions, and the names a
/// fix gives the code it inserts. Nothing about which fixes apply.
#[derive(Debug, Clone, Copy)]
pub struct RuleOptions<'a> {
    /// Step ID of the finalize step (`--step-id`).
    pub step_id: &'a str,
    /// Name of the variable holding its result (`--var-name`).
    pub var_name: &'a str,
    /// More callee names treated as `createFunction` (config `wrappers`).
    pub wrappers: &'a [String],
    /// Callee names declared pure (config `pure`).
    pub pure: &'a [String],
    /// Callee names declared side effects (config `side-effects`).
    pub side_effects: &'a [String],
    /// The rules this file is checked with. A rule left out does not run, except in a
    /// file with a suppression comment, where every default rule runs so that a
    /// suppression naming it still counts as used ([`crate::rules::check_tree`]).
    pub rules: RuleSet<'a>,
    /// The file being checked, when known: relative imports resolve against it.
    pub source_path: Option<&'a std::path::Path>,
}

/// A step ID goes into a string literal as is: no quotes, backslashes, `${` or newlines.
pub fn parse_step_id(value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err("the step ID cannot be empty".to_string());
    }
    if value
        .chars()
        .any(|c| matches!(c, '"' | '\'' | '`' | '\\') || c.is_control())
        || value.contains("${")
    {
        return Err(
            "the step ID cannot contain quotes, backslashes, `${` or control characters"
                .to_string(),
        );
    }
    Ok(value.to_string())
}

const RESERVED_WORDS: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// A variable name must be a plain JavaScript identifier (ASCII) and not a reserved word.
pub fn parse_var_name(value: &str) -> Result<String, String> {
    let mut chars = value.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
    let continues_well = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !starts_well || !continues_well {
        return Err(format!("{value:?} is not a JavaScript identifier"));
    }
    if RESERVED_WORDS.contains(&value) {
        return Err(format!("{value:?} is a reserved word"));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NESTED: Rule = Rule {
        name: "nested-step",
        group: Group::Default,
        fixes: crate::rule::Fixes::None,
        fix_title: crate::rule::FixTitle::GENERIC,
        file: "src/rules/nested_step.rs",
        files: crate::rule::Files::Functions,
    };

    fn enabled(select: Option<&[&str]>, ignore: &[&str], rule: &Rule) -> bool {
        let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        Settings {
            select: select.map(list),
            ignore: list(ignore),
            ..Settings::default()
        }
        .rule_enabled(rule)
    }

    #[test]
    fn select_and_ignore_all_work_as_in_ruff() {
        let rule = &NESTED;
        assert!(enabled(None, &[], rule));
        assert!(enabled(Some(&["ALL"]), &[], rule));
        assert!(!enabled(None, &["ALL"], rule), "--ignore ALL ignores all");
        assert!(!enabled(Some(&["ALL"]), &["ALL"], rule));
        assert!(
            enabled(Some(&["nested-step"]), &["ALL"], rule),
            "a rule named beats ALL"
        );
        assert!(!enabled(Some(&["ALL"]), &["nested-step"], rule));
        assert!(!enabled(Some(&["nested-step"]), &["nested-step"], rule));
        assert!(!enabled(Some(&["unused-suppression"]), &[], rule));
    }
}
