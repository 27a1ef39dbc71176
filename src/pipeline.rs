//! The per-file pipeline: one file's text in, its findings (each with its [`Status`])
//! and its fixed text out.
//!
//! parse → rules → select → suppress → decide each finding's status → pick
//! non-overlapping fixes → apply → verify (re-parse, and check again).
//!
//! Owns: the order of those stages, and the one place where a finding's [`Status`] is
//! decided ([`decide`]) from its fix's applicability, the file's own settings,
//! suppression comments and the user's answers. Does not own: what the rules find
//! ([`crate::rules`]), how edits are built or applied ([`crate::fix`]), files, threads
//! or output ([`crate::run`]).

use std::ops::Range;

use tree_sitter::Tree;

use crate::diagnostic::{Diagnostic, Finding, LineIndex, RelatedLocation, Remedy, Status};
use crate::fix::{self, Applicability, Edit, Fix};
use crate::language::{self, Lang};
use crate::rules;
use crate::settings::Settings;
use crate::suppression;

/// What the pipeline learned about one file.
#[derive(Debug, Clone, Default)]
pub struct FileOutcome {
    /// The file defines at least one Inngest function (`X.createFunction(…)`).
    pub has_inngest_functions: bool,
    /// Every finding, suppressed ones included, in source order.
    pub findings: Vec<Finding>,
    /// The fixed text, when at least one fix was applied and verified.
    pub fixed_source: Option<String>,
    /// The fixes failed self-verification; the file must be left alone. One line, no path.
    pub internal_error: Option<String>,
}

const BOM: &str = "\u{feff}";

/// Analyse one file's text and plan (and verify) its fixes.
pub fn check_source(source: &str, lang: Lang, settings: &Settings) -> FileOutcome {
    check_source_accepting(source, lang, settings, &|_| true)
}

/// [`check_source`], applying only the fixes of the findings `accept` keeps (by index
/// in [`FileOutcome::findings`]); the others are [`Status::Declined`]. Verification
/// then expects the second pass to find exactly the declined fixes again, and nothing
/// more. `--interactive` uses it to apply the fixes a user accepted one by one.
pub fn check_source_accepting(
    source: &str,
    lang: Lang,
    settings: &Settings,
    accept: &dyn Fn(usize) -> bool,
) -> FileOutcome {
    Pipeline { lang, settings }.run(source, accept)
}

/// One file's checks, with the settings that apply to it.
struct Pipeline<'a> {
    lang: Lang,
    settings: &'a Settings,
}

/// The rules' diagnostics of one text, selected, with their suppression.
struct Analysis {
    has_inngest_functions: bool,
    /// The diagnostics of the selected rules, in source order.
    diagnostics: Vec<Diagnostic>,
    /// For each diagnostic, whether a comment silences it.
    suppressed: Vec<bool>,
}

impl Pipeline<'_> {
    fn run(&self, source: &str, accept: &dyn Fn(usize) -> bool) -> FileOutcome {
        let (bom, text) = match source.strip_prefix(BOM) {
            Some(rest) => (BOM, rest),
            None => ("", source),
        };
        // The queries compile on their own thread while this file parses.
        crate::analysis::queries::Queries::prefetch(self.lang);
        let Some(tree) = language::parse(text, self.lang) else {
            return FileOutcome {
                internal_error: Some("tree-sitter could not parse the file".to_string()),
                ..FileOutcome::default()
            };
        };
        let analysis = self.analyse(&tree, text);
        let mut statuses = self.statuses(&analysis);
        for (index, status) in statuses.iter_mut().enumerate() {
            if status.is_fixed() && !accept(index) {
                *status = Status::Declined;
            }
        }
        let declined = statuses
            .iter()
            .filter(|s| matches!(s, Status::Declined))
            .count();
        let findings = self.findings(text, bom.len(), &analysis.diagnostics, &statuses);
        let mut outcome = FileOutcome {
            has_inngest_functions: analysis.has_inngest_functions,
            findings,
            fixed_source: None,
            internal_error: None,
        };
        let to_apply: Vec<&Edit> = analysis
            .diagnostics
            .iter()
            .zip(&statuses)
            .filter(|(_, status)| status.is_fixed())
            .filter_map(|(diagnostic, _)| diagnostic.remedy.fix())
            .flat_map(|fix| fix.edits.iter())
            .collect();
        if to_apply.is_empty() || !self.settings.build_fixes {
            return outcome;
        }
        match fix::apply(text, &to_apply)
            .and_then(|fixed| self.verify(&tree, &fixed, declined).map(|()| fixed))
        {
            Ok(fixed) => outcome.fixed_source = Some(format!("{bom}{fixed}")),
            Err(problem) => {
                for finding in &mut outcome.findings {
                    if finding.status.is_fixed() {
                        finding.status = Status::NotApplied;
                    }
                }
                outcome.internal_error = Some(format!("fix not applied: {problem}"));
            }
        }
        outcome
    }

    /// Rules, selection and suppression for one text.
    fn analyse(&self, tree: &Tree, text: &str) -> Analysis {
        let rule_set = self.settings.rules();
        let checked = rules::check_tree(tree, text, self.lang, &self.settings.rule_options());
        let mut diagnostics = checked.diagnostics;
        // Collecting comments walks the whole tree: only worth it when a directive can exist.
        let directives =
            if memchr::memmem::find(text.as_bytes(), suppression::DIRECTIVE.as_bytes()).is_some() {
                suppression::directives(text, comment_ranges(tree))
            } else {
                Vec::new()
            };
        let mut used = vec![false; directives.len()];
        // Every diagnostic marks the directives covering it, rules not selected
        // included: only a directive that covers nothing at all is unused.
        for diagnostic in &diagnostics {
            for at in covering(text, diagnostic) {
                if let Some(index) = directives.iter().position(|d| d.range.start == at) {
                    used[index] = true;
                }
            }
        }
        if rule_set.enabled(rules::unused_suppression::NAME) {
            rules::unused_suppression::check(&directives, &used, rule_set, &mut diagnostics);
            diagnostics.sort_by_key(|d| d.range.start);
        }
        diagnostics.retain(|diagnostic| rule_set.enabled(diagnostic.rule));
        let suppressed = diagnostics
            .iter()
            .map(|diagnostic| is_suppressed(text, diagnostic))
            .collect();
        Analysis {
            has_inngest_functions: checked.has_inngest_functions,
            diagnostics,
            suppressed,
        }
    }

    /// Each diagnostic's status under this file's settings, with the fixes that touch
    /// the text of another fix deferred.
    fn statuses(&self, analysis: &Analysis) -> Vec<Status> {
        let mut statuses: Vec<Status> = analysis
            .diagnostics
            .iter()
            .zip(&analysis.suppressed)
            .map(|(diagnostic, &suppressed)| decide(diagnostic, suppressed, self.settings))
            .collect();
        defer_overlapping(&analysis.diagnostics, &mut statuses);
        statuses
    }

    /// The findings of `diagnostics`, in the file's line and column terms.
    fn findings(
        &self,
        text: &str,
        offset: usize,
        diagnostics: &[Diagnostic],
        statuses: &[Status],
    ) -> Vec<Finding> {
        let lines = LineIndex::new(text);
        diagnostics
            .iter()
            .zip(statuses)
            .map(|(diagnostic, status)| {
                let mut message = diagnostic.message.clone();
                if let Some(note) = self.note(diagnostic, status) {
                    message.push_str(&format!(" ({note})"));
                }
                Finding {
                    rule: diagnostic.rule,
                    range: lines.range(diagnostic.range.clone(), offset),
                    message,
                    function_id: diagnostic.function_id.clone(),
                    status: status.clone(),
                    fix: diagnostic.remedy.fix().map(|fix| shifted(fix, offset)),
                    related: diagnostic
                        .related
                        .iter()
                        .map(|related| RelatedLocation {
                            range: lines.range(related.range.clone(), offset),
                            message: related.message.clone(),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// What the message adds: what the fix waits for, when it waits.
    fn note(&self, diagnostic: &Diagnostic, status: &Status) -> Option<&'static str> {
        if matches!(status, Status::Deferred) {
            return Some(crate::diagnostic::DEFERRED_NOTE);
        }
        let fix = diagnostic.remedy.fix()?;
        let waits = match fix.applicability {
            Applicability::Safe => false,
            Applicability::NonTrailing => !self.settings.all_returns,
            Applicability::NeedsReview => !self.settings.unsafe_fixes,
        };
        waits.then_some(fix.waiting_note).flatten()
    }

    /// The guarantees checked on the fixed text before anything is printed or written:
    /// it re-parses with no more errors than the original, and checking it again finds
    /// nothing more to fix than the `declined` fixes.
    fn verify(&self, original: &Tree, fixed: &str, declined: usize) -> Result<(), String> {
        let Some(tree) = language::parse(fixed, self.lang) else {
            return Err("the fixed text does not parse".to_string());
        };
        let before = language::error_count(original);
        let after = language::error_count(&tree);
        if after > before {
            return Err(format!(
                "the fixed text has {after} syntax errors where the original had {before}"
            ));
        }
        let again = self.analyse(&tree, fixed);
        let left = self
            .statuses(&again)
            .iter()
            .filter(|s| s.is_fixed())
            .count();
        if left > declined {
            return Err(format!(
                "a second pass would fix {} more return(s)",
                left - declined
            ));
        }
        Ok(())
    }
}

/// What becomes of one diagnostic under a file's settings, before fixes are picked:
/// the one place that weighs a fix's applicability against `--all-returns` and
/// `--unsafe-fixes`.
pub fn decide(diagnostic: &Diagnostic, suppressed: bool, settings: &Settings) -> Status {
    if suppressed {
        return Status::Suppressed;
    }
    match &diagnostic.remedy {
        Remedy::Manual(reason) => Status::Manual(reason.clone()),
        Remedy::None => Status::NoFix,
        Remedy::Fix(fix) => match fix.applicability {
            Applicability::Safe => Status::Fixed,
            Applicability::NonTrailing if settings.all_returns => Status::Fixed,
            Applicability::NonTrailing => Status::WaitsForAllReturns,
            Applicability::NeedsReview if settings.unsafe_fixes => Status::Fixed,
            Applicability::NeedsReview => Status::WaitsForUnsafeFixes,
        },
    }
}

/// Two fixes that touch the same text cannot both apply in one round. The
/// `unsafe-trailing-return` fix wins (it moves the return expression into a step, which
/// also settles what the other fix was about, such as a `Date.now()` in that
/// expression); among the others the first in the file wins. A fix that loses is
/// [`Status::Deferred`].
fn defer_overlapping(diagnostics: &[Diagnostic], statuses: &mut [Status]) {
    let mut order: Vec<usize> = (0..diagnostics.len())
        .filter(|&i| statuses[i].is_fixed())
        .collect();
    order.sort_by_key(|&i| diagnostics[i].rule != rules::unsafe_trailing_return::NAME);
    let mut taken: Vec<Range<usize>> = Vec::new();
    for index in order {
        let Some(fix) = diagnostics[index].remedy.fix() else {
            continue;
        };
        if fix.touches(&taken) {
            statuses[index] = Status::Deferred;
        } else {
            taken.extend(fix.edits.iter().map(|e| e.range.clone()));
        }
    }
}

/// `fix` with its edits moved by `offset` bytes (from the text without BOM to the file
/// as read).
fn shifted(fix: &Fix, offset: usize) -> Fix {
    Fix {
        edits: fix
            .edits
            .iter()
            .map(|edit| Edit {
                range: edit.range.start + offset..edit.range.end + offset,
                replacement: edit.replacement.clone(),
            })
            .collect(),
        ..fix.clone()
    }
}

/// The directives covering a diagnostic: at its own place, and above its function.
fn covering(text: &str, diagnostic: &Diagnostic) -> impl Iterator<Item = usize> {
    let own = suppression::covering(text, diagnostic.range.start, diagnostic.rule);
    let function = suppression::covering(text, diagnostic.function_start, diagnostic.rule);
    own.into_iter().chain(function)
}

/// The byte ranges of a tree's comments, in source order.
fn comment_ranges(tree: &Tree) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "comment" {
            ranges.push(node.byte_range());
        } else {
            stack.extend(node.children(&mut cursor));
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

fn is_suppressed(text: &str, diagnostic: &Diagnostic) -> bool {
    // A directive would cover its own report; it keeps itself by naming the rule instead.
    if diagnostic.rule == rules::unused_suppression::NAME {
        return false;
    }
    suppression::covers(text, diagnostic.range.start, diagnostic.rule)
        || suppression::covers(text, diagnostic.function_start, diagnostic.rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
inngest.createFunction({ id: "f" }, { event: "e" }, async ({ step }) => {
  step.run("a", () => 1);
  await step.run("a", () => Date.now());
});
"#;

    fn statuses(settings: &Settings) -> Vec<(&'static str, Status)> {
        check_source(SOURCE, Lang::TypeScript, settings)
            .findings
            .into_iter()
            .map(|f| (f.rule, f.status))
            .collect()
    }

    #[test]
    fn rules_left_out_are_dropped_and_never_fix() {
        let reason = "no automatic fix: give each step its own ID (renaming a deployed step \
                      affects runs in flight)"
            .to_string();
        assert_eq!(
            statuses(&Settings::default()),
            vec![
                (rules::unawaited_step::NAME, Status::Fixed),
                (
                    rules::duplicate_step_id::NAME,
                    Status::Manual(reason.clone())
                )
            ]
        );
        let without = Settings {
            ignore: vec![rules::unawaited_step::NAME.to_string()],
            ..Settings::default()
        };
        assert_eq!(
            statuses(&without),
            vec![(rules::duplicate_step_id::NAME, Status::Manual(reason))]
        );
    }
}
