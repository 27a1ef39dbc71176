//! Rule `unused-suppression`.
//!
//! ## What it does
//! Finds `// inngest-fix-ignore` comments that silence nothing: no finding of the rules
//! they name (or of any rule, for a bare directive) sits on their line or the line after,
//! or, above a `createFunction` call, in that function. A directive naming a rule that
//! does not exist is unused too.
//!
//! ## Why is this bad?
//! A suppression outlives the code it was written for. Once the return under it moved,
//! changed or was fixed, the comment silences nothing today, but it will silently hide
//! whatever finding appears on that line tomorrow. A typo in a rule name
//! (`unsafe-trailing-retrun`) means the suppression never worked at all.
//!
//! ## Example
//! ```ts
//! async ({ step }) => {
//!   // inngest-fix-ignore: unsafe-trailing-return -- reviewed
//!   return { ok: true };
//! }
//! ```
//! Use instead:
//! ```ts
//! async ({ step }) => {
//!   return { ok: true };
//! }
//! ```
//!
//! ## Fix safety
//! There is no automatic fix: a stale suppression usually means the code under it
//! changed, and only a person can tell whether the comment should go or move to the
//! line that needs it. Directives for rules that are not enabled in this run
//! (`--select`, `--ignore`) are not reported. A directive that names this rule
//! (`// inngest-fix-ignore: unsafe-trailing-return, unused-suppression`) is kept on
//! purpose and never reported; `--ignore unused-suppression` turns the rule off.

use super::{Diagnostic, Remedy};
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::registry;
use crate::settings::RuleSet;
use crate::suppression::Directive;

/// The rule's name, as users write it in `--select` and `--ignore`.
pub const NAME: &str = "unused-suppression";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Report each directive in `directives` that `used` (same order) says covered nothing.
pub fn check(directives: &[Directive], used: &[bool], rules: RuleSet, out: &mut Vec<Diagnostic>) {
    for (directive, _) in directives.iter().zip(used).filter(|(_, used)| !**used) {
        // `// inngest-fix-ignore: unused-suppression` keeps a directive on purpose.
        if directive.rules.iter().any(|rule| rule == NAME) {
            continue;
        }
        // A directive for rules this run does not check cannot show it is stale.
        let names_only_disabled_rules = !directive.rules.is_empty()
            && directive
                .rules
                .iter()
                .all(|rule| registry::get(rule).is_some_and(|rule| !rules.enabled(rule)));
        if names_only_disabled_rules {
            continue;
        }
        let unknown: Vec<String> = directive
            .rules
            .iter()
            .filter(|rule| !registry::is_known(rule))
            .map(|rule| registry::unknown_rule(rule, &[]))
            .collect();
        let message = if unknown.is_empty() {
            "suppression comment silences no finding".to_string()
        } else {
            format!(
                "suppression comment silences nothing: {}",
                unknown.join("; ")
            )
        };
        out.push(Diagnostic {
            rule: NAME,
            range: directive.range.clone(),
            message,
            function_id: None,
            function_start: directive.range.start,
            remedy: Remedy::None,
            related: Vec::new(),
        });
    }
}
