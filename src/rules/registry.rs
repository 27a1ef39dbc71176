//! The one table of rules. Each rule declares its [`Rule`] (name, group, fix
//! availability, fix title, documentation) as `pub const RULE` in its own file, beside
//! its `check`; this table lists every rule once, in the order they run, with the kind of
//! check it is. Everything that names, selects, documents or titles a rule reads it from
//! here: `--list-rules`, `--explain`, `--select`/`--ignore` and the configuration's rule
//! names, SARIF's rule table, the language server's code actions and hovers, the text
//! printer's help lines, and the per-file run ([`super::check_tree`], and the pipeline for
//! [`Check::Suppressions`]).
//!
//! Adding a rule: write its file (doc comment, `RULE`, `check`) and add one line below.
//! docs/architecture.md says how, step by step.
//!
//! Owns: the list, lookups by name, the selector names `--select` accepts. Does not own:
//! what a rule is ([`crate::rule`]), what a selection enables ([`crate::settings`]).

use super::migration::{
    v4_create_function, v4_dependencies, v4_event_schemas, v4_middleware, v4_middleware_package,
    v4_non_npm_sdk, v4_promise_race, v4_removed_import, v4_serve_options, v4_serve_origin,
    v4_serve_streaming, v4_step_invoke_string,
};
use super::{
    duplicate_step_id, mutation_in_step, nested_step, non_json_step_result,
    nondeterminism_outside_step, side_effect_outside_step, unawaited_send, unawaited_step,
    unsafe_trailing_return, unused_suppression,
};
use super::{FileContext, HandlerContext};
use crate::app::rules as app_rules;
use crate::diagnostic::Diagnostic;
use crate::rule::{Files, Rule, MIGRATION_PRESET};
use crate::settings::RuleSet;
use crate::suppression::Directive;

/// How a rule looks at a file.
#[derive(Clone, Copy)]
pub enum Check {
    /// One handler at a time (a handler that runs steps): [`HandlerContext`].
    Handler(fn(&HandlerContext, &mut Vec<Diagnostic>)),
    /// The whole file once: [`FileContext`].
    File(fn(&FileContext, &mut Vec<Diagnostic>)),
    /// The file's suppression comments, once the other rules' findings are suppressed
    /// (run by the pipeline): the directives and whether each silenced something.
    Suppressions(fn(&[Directive], &[bool], RuleSet, &mut Vec<Diagnostic>)),
    /// Not run per file: a rule that reads the whole project runs it itself. The registry
    /// gives it its name, selection, documentation and fix titles.
    Elsewhere,
}

/// One line of the table.
pub struct Entry {
    /// What the rule is.
    pub rule: &'static Rule,
    /// How it runs.
    pub check: Check,
}

const fn handler(rule: &'static Rule, check: fn(&HandlerContext, &mut Vec<Diagnostic>)) -> Entry {
    Entry {
        rule,
        check: Check::Handler(check),
    }
}

const fn file(rule: &'static Rule, check: fn(&FileContext, &mut Vec<Diagnostic>)) -> Entry {
    Entry {
        rule,
        check: Check::File(check),
    }
}

/// A rule run outside the per-file run ([`Check::Elsewhere`]).
const fn elsewhere(rule: &'static Rule) -> Entry {
    Entry {
        rule,
        check: Check::Elsewhere,
    }
}

/// Every rule, in the order they run. (Findings are put in source order afterwards;
/// this order only decides between findings of one range.)
pub const RULES: &[Entry] = &[
    // Per handler.
    handler(&unsafe_trailing_return::RULE, unsafe_trailing_return::check),
    handler(&mutation_in_step::RULE, mutation_in_step::check),
    handler(&nested_step::RULE, nested_step::check),
    handler(
        &nondeterminism_outside_step::RULE,
        nondeterminism_outside_step::check,
    ),
    handler(&unawaited_step::RULE, unawaited_step::check),
    handler(&duplicate_step_id::RULE, duplicate_step_id::check),
    handler(
        &side_effect_outside_step::RULE,
        side_effect_outside_step::check,
    ),
    handler(&non_json_step_result::RULE, non_json_step_result::check),
    // Per file.
    file(&unawaited_send::RULE, unawaited_send::check),
    // The v4 migration (opt-in, `--select v4`): src/rules/migration/. In a file that
    // imports a pinned 3.x SDK only the first runs (`migration::blocked`).
    file(&v4_non_npm_sdk::RULE, v4_non_npm_sdk::check),
    file(&v4_create_function::RULE, v4_create_function::check),
    file(&v4_step_invoke_string::RULE, v4_step_invoke_string::check),
    file(&v4_serve_origin::RULE, v4_serve_origin::check),
    file(&v4_serve_streaming::RULE, v4_serve_streaming::check),
    file(&v4_serve_options::RULE, v4_serve_options::check),
    file(&v4_event_schemas::RULE, v4_event_schemas::check),
    file(&v4_middleware::RULE, v4_middleware::check),
    file(&v4_promise_race::RULE, v4_promise_race::check),
    file(&v4_middleware_package::RULE, v4_middleware_package::check),
    file(&v4_removed_import::RULE, v4_removed_import::check),
    // Reads `package.json` files: run by `migration::check_manifest`.
    elsewhere(&v4_dependencies::RULE),
    // The whole app at once, after the walk: run by the app stage (src/app/rules/).
    elsewhere(&app_rules::duplicate_function_id::RULE),
    elsewhere(&app_rules::invalid_cron::RULE),
    elsewhere(&app_rules::invalid_flow_control::RULE),
    elsewhere(&app_rules::sleep_duration::RULE),
    elsewhere(&app_rules::event_without_listener::RULE),
    elsewhere(&app_rules::trigger_without_sender::RULE),
    // After suppression, in the pipeline.
    Entry {
        rule: &unused_suppression::RULE,
        check: Check::Suppressions(unused_suppression::check),
    },
];

/// Every rule, in the order they run.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().map(|entry| entry.rule)
}

/// Every rule sorted by name: how lists of rules are printed.
pub fn by_name() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = rules().collect();
    rules.sort_by_key(|rule| rule.name);
    rules
}

/// The rule called `name`.
pub fn get(name: &str) -> Option<&'static Rule> {
    rules().find(|rule| rule.name == name)
}

/// Whether `name` names a rule.
pub fn is_known(name: &str) -> bool {
    get(name).is_some()
}

/// Whether a file that does not mention `createFunction` (nor a wrapper) must still be
/// parsed: a selected rule looks at files that only import `inngest`.
pub fn wants_file(rules: RuleSet, bytes: &[u8]) -> bool {
    let mentions_inngest = || memchr::memmem::find(bytes, b"inngest").is_some();
    self::rules().any(|rule| match rule.files {
        Files::Functions => false,
        Files::ImportingInngest => rules.enabled(rule) && mentions_inngest(),
        Files::ImportingInngestOr(wants) => {
            rules.enabled(rule) && (mentions_inngest() || wants(bytes))
        }
    })
}

/// What to say about a rule name that names no rule: the closest rule (or one of
/// `also`, such as `ALL`) as "did you mean", else where the list is.
pub fn unknown_rule(name: &str, also: &[&'static str]) -> String {
    let names = by_name().into_iter().map(|rule| rule.name);
    match crate::suggest::closest(name, names.chain(also.iter().copied())) {
        Some(known) => format!("unknown rule `{name}`; did you mean `{known}`?"),
        None => format!("unknown rule `{name}` (`inngest-fix --list-rules` lists the rules)"),
    }
}

/// A rule's name as `--select` and `--ignore` (and the configuration's `select` and
/// `ignore`) take it: a known rule, a preset, or `ALL`.
pub fn parse_selector(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value == "ALL" || crate::settings::is_preset(value) || is_known(value) {
        Ok(value.to_string())
    } else {
        Err(unknown_rule(value, &["ALL", MIGRATION_PRESET]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{section, summary, Group, RULE_DOCS};

    #[test]
    fn every_rule_is_listed_once_with_its_own_documentation() {
        let mut names: Vec<&str> = rules().map(|rule| rule.name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a rule is listed twice");
        for rule in rules() {
            let doc = rule.doc();
            assert!(
                doc.starts_with(&format!("Rule `{}`.", rule.name)),
                "{}: the doc of {} names another rule: {doc}",
                rule.name,
                rule.file
            );
            for heading in ["What it does", "Why is this bad?", "Example", "Fix safety"] {
                assert!(
                    section(doc, heading).is_some(),
                    "{}: no ## {heading}",
                    rule.name
                );
            }
            assert!(!summary(doc).is_empty());
            assert_eq!(
                rule.group == Group::Migration,
                rule.file.starts_with("src/rules/migration/"),
                "{}: migration rules live in src/rules/migration/",
                rule.name
            );
        }
        // Every file documented as a rule is registered.
        for (file, doc) in RULE_DOCS {
            assert!(
                rules().any(|rule| rule.file == *file),
                "{file} documents a rule that the registry does not list: {}",
                doc.lines().next().unwrap_or("")
            );
        }
    }

    #[test]
    fn lookups() {
        assert!(is_known("unsafe-trailing-return"));
        assert!(is_known("unused-suppression"));
        assert!(!is_known("unsafe_trailing_return"));
        assert_eq!(
            unknown_rule("unsafe-trailing-retrun", &[]),
            "unknown rule `unsafe-trailing-retrun`; did you mean `unsafe-trailing-return`?"
        );
        assert_eq!(
            unknown_rule("all", &["ALL"]),
            "unknown rule `all`; did you mean `ALL`?"
        );
        assert!(unknown_rule("nope", &[]).ends_with("(`inngest-fix --list-rules` lists the rules)"));
        assert!(get("unsafe-trailing-return")
            .unwrap()
            .summary()
            .starts_with("Finds the `return`"));
        assert_eq!(parse_selector("v4"), Ok("v4".to_string()));
        assert_eq!(parse_selector(" ALL "), Ok("ALL".to_string()));
        assert!(parse_selector("nested-steps").is_err());
    }
}

#[cfg(test)]
mod app_rule_tests {
    /// The registry lists every app rule as run elsewhere, and nothing runs it per file.
    #[test]
    fn the_registry_lists_every_app_rule() {
        for (rule, _) in crate::app::rules::ALL {
            let entry = super::RULES
                .iter()
                .find(|e| e.rule.name == rule.name)
                .unwrap_or_else(|| panic!("{} is not in the registry", rule.name));
            assert!(
                matches!(entry.check, super::Check::Elsewhere),
                "{}",
                rule.name
            );
        }
    }
}
