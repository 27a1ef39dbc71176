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

use crate::analysis::kind::KindName;
use std::ops::Range;

use tree_sitter::Tree;

use crate::diagnostic::{Diagnostic, Finding, LineIndex, RelatedLocation, Remedy, Status};
use crate::fix::{self, Applicability, Edit, Fix};
use crate::language::{self, Lang};
use crate::rules::{self, registry};
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

/// The fix loop's bound: fixes that overlap apply in later rounds, up to this many.
const MAX_ROUNDS: usize = 10;

/// The index the fix loop gives a fix of a finding that only the fixed text has.
const NEW_FINDING: usize = usize::MAX;

/// What the fix loop made of a file.
struct LoopOutcome {
    /// The text with every applied fix.
    text: String,
    /// The fixes dropped because their result did not verify (index in the first
    /// analysis), with why.
    failures: Vec<(usize, String)>,
    /// Findings fixed after the first round (their edits apply to a text the first
    /// round changed), or made to go away by other fixes.
    later: Vec<usize>,
}

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
        let mut statuses = self.decide_all(&analysis);
        for (index, status) in statuses.iter_mut().enumerate() {
            if status.is_fixed() && !accept(index) {
                *status = Status::Declined;
            }
        }
        defer_overlapping(&analysis.diagnostics, &mut statuses);
        let mut outcome = FileOutcome {
            has_inngest_functions: analysis.has_inngest_functions,
            findings: Vec::new(),
            fixed_source: None,
            internal_error: None,
        };
        let wants_fixes = statuses.iter().any(Status::is_fixed);
        if !wants_fixes || !self.settings.build_fixes {
            // Without the fixed text, a deferred fix is one the next round applies.
            for status in &mut statuses {
                if matches!(status, Status::Deferred) {
                    *status = Status::Fixed;
                }
            }
            outcome.findings = self.findings(text, bom.len(), &analysis.diagnostics, &statuses);
            return outcome;
        }
        let mut later = Vec::new();
        match self.fix_loop(text, &tree, &analysis, &mut statuses) {
            Ok(fixes) => {
                later.clone_from(&fixes.later);
                if statuses.iter().any(Status::is_fixed) {
                    outcome.fixed_source = Some(format!("{bom}{}", fixes.text));
                }
                if !fixes.failures.is_empty() {
                    let lines = LineIndex::new(text);
                    let failures: Vec<String> = fixes
                        .failures
                        .iter()
                        .map(|(index, reason)| {
                            let diagnostic = &analysis.diagnostics[*index];
                            let (line, column) = lines.position(diagnostic.range.start);
                            format!(
                                "the fix of {} at line {line}, column {column} was not applied: \
                                 {reason}",
                                diagnostic.rule
                            )
                        })
                        .collect();
                    outcome.internal_error = Some(failures.join("; "));
                }
            }
            Err(problem) => {
                for status in &mut statuses {
                    if status.is_fixed() || matches!(status, Status::Deferred) {
                        *status = Status::NotApplied;
                    }
                }
                outcome.internal_error = Some(format!("fix not applied: {problem}"));
            }
        }
        outcome.findings = self.findings(text, bom.len(), &analysis.diagnostics, &statuses);
        // A fixed finding's fix is what was applied to the file as read.
        for index in later {
            outcome.findings[index].fix = None;
        }
        outcome
    }

    /// The fix loop, like ruff's: apply the non-overlapping fixes, verify the result,
    /// run the rules again on the new text, and repeat until nothing more applies (at
    /// most [`MAX_ROUNDS`] rounds). A fix whose result does not verify is dropped alone
    /// (the loop starts again without it) and reported; the other fixes still apply.
    /// Fixes deferred because they overlapped apply in a later round. At the end, the
    /// last analysis is the idempotency check: nothing in it is left to fix.
    ///
    /// `statuses` (of the first analysis) are updated: applied fixes are
    /// [`Status::Fixed`] (as are deferred findings that the other fixes made go away),
    /// dropped ones [`Status::NotApplied`].
    fn fix_loop(
        &self,
        original: &str,
        tree: &Tree,
        analysis: &Analysis,
        statuses: &mut [Status],
    ) -> Result<LoopOutcome, String> {
        let errors_before = language::error_count(tree);
        let mut failures: Vec<(usize, String)> = Vec::new();
        // Each attempt drops at least one more fix, or ends the loop.
        for _attempt in 0..=analysis.diagnostics.len() {
            let failed = |index: usize| failures.iter().any(|(i, _)| *i == index);
            let mut text = original.to_string();
            let mut rounds: Vec<Vec<(usize, Edit)>> = Vec::new();
            let mut applied: Vec<usize> = Vec::new();
            let mut present: Vec<usize> = Vec::new();
            let mut candidates: Vec<usize> = (0..statuses.len())
                .filter(|&i| statuses[i].is_fixed() && !failed(i))
                .collect();
            let mut fixes: Vec<Fix> = candidates
                .iter()
                .filter_map(|&i| analysis.diagnostics[i].remedy.fix().cloned())
                .collect();
            let mut new_failure = None;
            let mut converged = false;
            let mut first_round: Vec<usize> = Vec::new();
            for round in 0..MAX_ROUNDS {
                if candidates.is_empty() {
                    converged = true;
                    break;
                }
                let (fixed, fixed_tree) =
                    match self.apply_round(&text, errors_before, &candidates, &fixes) {
                        Ok(done) => done,
                        Err(dropped) => {
                            new_failure = Some(dropped);
                            break;
                        }
                    };
                rounds.push(
                    candidates
                        .iter()
                        .zip(&fixes)
                        .flat_map(|(&index, f)| f.edits.iter().map(move |e| (index, e.clone())))
                        .collect(),
                );
                applied.extend(&candidates);
                if round == 0 {
                    first_round.clone_from(&candidates);
                }
                text = fixed;
                // Check again: what is still to fix, and is it what was left to fix?
                let again = self.analyse(&fixed_tree, &text);
                let mut again_statuses = self.decide_all(&again);
                candidates.clear();
                present.clear();
                let mut next: Vec<(usize, usize)> = Vec::new();
                for (d, diagnostic) in again.diagnostics.iter().enumerate() {
                    let (at, owner) = map_back(&rounds, diagnostic.range.start);
                    let original_index = owner
                        .is_none()
                        .then(|| {
                            analysis
                                .diagnostics
                                .iter()
                                .position(|o| o.rule == diagnostic.rule && o.range.start == at)
                        })
                        .flatten();
                    if let Some(index) = original_index {
                        present.push(index);
                    }
                    if !again_statuses[d].is_fixed() {
                        continue;
                    }
                    match original_index {
                        Some(index) if applied.contains(&index) => {
                            new_failure = Some(vec![(
                                index,
                                "a second pass would fix it again".to_string(),
                            )]);
                        }
                        Some(index) if matches!(statuses[index], Status::Deferred) => {
                            next.push((d, index));
                        }
                        // Declined, waiting or dropped: not for this run.
                        Some(_) => again_statuses[d] = Status::Declined,
                        None => {
                            new_failure = Some(match owner {
                                Some(index) => vec![(
                                    index,
                                    format!(
                                        "a second pass would fix {} in the code it wrote",
                                        diagnostic.rule
                                    ),
                                )],
                                None => {
                                    // Called for by the new text (a step inserted before
                                    // a value makes it replay-sensitive): as in ruff, the
                                    // next round fixes it too.
                                    next.push((d, NEW_FINDING));
                                    continue;
                                }
                            });
                        }
                    }
                    if new_failure.is_some() {
                        break;
                    }
                }
                if new_failure.is_some() {
                    break;
                }
                // Deferred fixes, as the new text has them; overlapping ones wait again.
                let mut round_statuses: Vec<Status> = again_statuses
                    .iter()
                    .enumerate()
                    .map(|(d, status)| {
                        if next.iter().any(|(n, _)| *n == d) {
                            status.clone()
                        } else {
                            Status::NoFix
                        }
                    })
                    .collect();
                defer_overlapping(&again.diagnostics, &mut round_statuses);
                fixes.clear();
                for (d, index) in next {
                    if round_statuses[d].is_fixed() {
                        if let Some(fix) = again.diagnostics[d].remedy.fix() {
                            candidates.push(index);
                            fixes.push(fix.clone());
                        }
                    }
                }
            }
            if let Some(dropped) = new_failure {
                if dropped.iter().any(|(index, _)| *index == NEW_FINDING) {
                    return Err("a fix that the first fixes called for does not verify".to_string());
                }
                failures.extend(dropped);
                continue;
            }
            if !converged {
                return Err(format!(
                    "the fixes did not settle after {MAX_ROUNDS} rounds"
                ));
            }
            for (index, status) in statuses.iter_mut().enumerate() {
                if failed(index) {
                    *status = Status::NotApplied;
                } else if applied.contains(&index) {
                    *status = Status::Fixed;
                } else if matches!(status, Status::Deferred) {
                    // Made to go away by the other fixes (a `Date.now()` moved into the
                    // finalize step), or still there and not fixable any more.
                    *status = if present.contains(&index) {
                        Status::NotApplied
                    } else {
                        Status::Fixed
                    };
                }
            }
            let later = (0..statuses.len())
                .filter(|i| statuses[*i].is_fixed() && !first_round.contains(i))
                .collect();
            return Ok(LoopOutcome {
                text,
                failures,
                later,
            });
        }
        Err("every fix failed verification".to_string())
    }

    /// Apply one round's fixes together and check that the result parses with no more
    /// errors than the original. When it does not, find the fixes that fail alone (or,
    /// when none does, blame them all): `Err` names them, with why.
    fn apply_round(
        &self,
        text: &str,
        errors_before: usize,
        candidates: &[usize],
        fixes: &[Fix],
    ) -> Result<(String, Tree), Vec<(usize, String)>> {
        let parsed = |fixes: &[&Fix]| -> Result<(String, Tree), String> {
            let edits: Vec<&Edit> = fixes.iter().flat_map(|f| f.edits.iter()).collect();
            let fixed = fix::apply(text, &edits)?;
            let Some(tree) = language::parse(&fixed, self.lang) else {
                return Err("the fixed text does not parse".to_string());
            };
            let after = language::error_count(&tree);
            if after > errors_before {
                return Err(format!(
                    "the fixed text has {after} syntax errors where the original had \
                     {errors_before}"
                ));
            }
            Ok((fixed, tree))
        };
        let all: Vec<&Fix> = fixes.iter().collect();
        let problem = match parsed(&all) {
            Ok(done) => return Ok(done),
            Err(problem) => problem,
        };
        let alone: Vec<(usize, String)> = candidates
            .iter()
            .zip(fixes)
            .filter_map(|(&index, fix)| parsed(&[fix]).err().map(|why| (index, why)))
            .collect();
        if alone.is_empty() {
            Err(candidates
                .iter()
                .map(|&index| (index, format!("together with the other fixes, {problem}")))
                .collect())
        } else {
            Err(alone)
        }
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
        // A directive naming an app rule is for the app stage, which sees the other
        // files: the per-file pipeline does not call it unused.
        let mut used: Vec<bool> = directives
            .iter()
            .map(|d| d.rules.iter().any(|r| crate::app::rules::is_app_rule(r)))
            .collect();
        // Every diagnostic marks the directives covering it, rules not selected
        // included: only a directive that covers nothing at all is unused.
        for diagnostic in &diagnostics {
            for at in covering(text, diagnostic) {
                if let Some(index) = directives.iter().position(|d| d.range.start == at) {
                    used[index] = true;
                }
            }
        }
        for entry in registry::RULES {
            if let registry::Check::Suppressions(check) = entry.check {
                if rule_set.enabled(entry.rule) {
                    check(&directives, &used, rule_set, &mut diagnostics);
                    diagnostics.sort_by_key(|d| d.range.start);
                }
            }
        }
        diagnostics.retain(|diagnostic| {
            registry::get(diagnostic.rule).is_some_and(|r| rule_set.enabled(r))
        });
        #[cfg(test)]
        tests::sabotage(text, &mut diagnostics);
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

    /// Each diagnostic's status under this file's settings ([`decide`]).
    fn decide_all(&self, analysis: &Analysis) -> Vec<Status> {
        analysis
            .diagnostics
            .iter()
            .zip(&analysis.suppressed)
            .map(|(diagnostic, &suppressed)| decide(diagnostic, suppressed, self.settings))
            .collect()
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
                if let Some(note) = self.note(diagnostic) {
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
    fn note(&self, diagnostic: &Diagnostic) -> Option<&'static str> {
        let fix = diagnostic.remedy.fix()?;
        let waits = match fix.applicability {
            Applicability::Safe => false,
            Applicability::NonTrailing => !self.settings.all_returns,
            Applicability::NeedsReview => !self.settings.unsafe_fixes,
        };
        waits.then_some(fix.waiting_note).flatten()
    }
}

/// The findings of an app-wide rule ([`crate::app`]) in one file: selected by the file's
/// settings, suppressed by its `// inngest-fix-ignore` comments, in line and column
/// terms of the file as read (`bom`: bytes of BOM before `text`). App findings have no fix.
pub fn app_findings(
    text: &str,
    bom: usize,
    diagnostics: &[Diagnostic],
    settings: &Settings,
) -> Vec<Finding> {
    let lines = LineIndex::new(text);
    diagnostics
        .iter()
        .filter(|diagnostic| {
            registry::get(diagnostic.rule).is_some_and(|r| settings.rule_enabled(r))
        })
        .map(|diagnostic| Finding {
            rule: diagnostic.rule,
            range: lines.range(diagnostic.range.clone(), bom),
            message: diagnostic.message.clone(),
            function_id: diagnostic.function_id.clone(),
            status: decide(diagnostic, is_suppressed(text, diagnostic), settings),
            fix: None,
            related: diagnostic
                .related
                .iter()
                .map(|related| RelatedLocation {
                    range: lines.range(related.range.clone(), bom),
                    message: related.message.clone(),
                })
                .collect(),
        })
        .collect()
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
    let own = suppression::covering_range(text, diagnostic.range.clone(), diagnostic.rule);
    let function = suppression::covering(text, diagnostic.function_start, diagnostic.rule);
    own.into_iter().chain(function)
}

/// The byte ranges of a tree's comments, in source order.
fn comment_ranges(tree: &Tree) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "comment" {
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
    suppression::covering_range(text, diagnostic.range.clone(), diagnostic.rule).is_some()
        || suppression::covers(text, diagnostic.function_start, diagnostic.rule)
}

/// Where byte `at` of the text after `rounds` of edits was in the original text; when
/// it lies in text an edit wrote, that edit's start and the finding it fixes.
fn map_back(rounds: &[Vec<(usize, Edit)>], at: usize) -> (usize, Option<usize>) {
    let mut at = at;
    let mut owner = None;
    for edits in rounds.iter().rev() {
        let mut sorted: Vec<&(usize, Edit)> = edits.iter().collect();
        sorted.sort_by_key(|(_, e)| e.range.start);
        // The edits in the edited text's coordinates: each moved by those before it.
        let mut shift: isize = 0;
        let mut inside = None;
        for (index, edit) in sorted {
            let start = edit.range.start.saturating_add_signed(shift);
            let end = start + edit.replacement.len();
            if at < start {
                break;
            }
            if at < end {
                inside = Some((edit.range.start, *index));
                break;
            }
            shift += edit.replacement.len() as isize - edit.range.len() as isize;
        }
        at = match inside {
            Some((start, index)) => {
                owner = Some(index);
                start
            }
            None => at.saturating_add_signed(-shift),
        };
    }
    (at, owner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// A line whose fixes a test breaks, to see the pipeline drop them alone.
        static BROKEN_LINE: Cell<Option<usize>> = const { Cell::new(None) };
    }

    /// Test hook: the fixes of the diagnostics on [`BROKEN_LINE`] write unbalanced
    /// parentheses, which cannot verify.
    pub(super) fn sabotage(text: &str, diagnostics: &mut [Diagnostic]) {
        let Some(line) = BROKEN_LINE.with(Cell::get) else {
            return;
        };
        let lines = LineIndex::new(text);
        for diagnostic in diagnostics {
            if lines.position(diagnostic.range.start).0 != line {
                continue;
            }
            if let Remedy::Fix(fix) = &mut diagnostic.remedy {
                if let Some(edit) = fix.edits.first_mut() {
                    edit.replacement.push_str(")))");
                }
            }
        }
    }

    const THREE_RETURNS: &str = r#"import { inngest } from "./client";
export const fn = inngest.createFunction(
  { id: "branches" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    if (a > 1) {
      return { a, flag: true };
    } else if (a > 0) {
      return { a, other: event.data.other };
    } else {
      return { a, id: event.data.id };
    }
  },
);
"#;

    #[test]
    fn a_fix_that_does_not_verify_is_dropped_alone() {
        BROKEN_LINE.with(|line| line.set(Some(10)));
        let outcome = check_source(THREE_RETURNS, Lang::TypeScript, &Settings::default());
        BROKEN_LINE.with(|line| line.set(None));
        let statuses: Vec<(usize, &Status)> = outcome
            .findings
            .iter()
            .map(|f| (f.range.line, &f.status))
            .collect();
        assert_eq!(
            statuses,
            [
                (8, &Status::Fixed),
                (10, &Status::NotApplied),
                (12, &Status::Fixed)
            ]
        );
        let fixed = outcome.fixed_source.expect("the other fixes apply");
        assert_eq!(fixed.matches("finalize-and-return").count(), 2, "{fixed}");
        assert!(
            fixed.contains("      return { a, other: event.data.other };\n"),
            "the broken fix's return is left as it was: {fixed}"
        );
        assert!(!fixed.contains(")))"), "{fixed}");
        let error = outcome.internal_error.expect("the dropped fix is reported");
        assert!(
            error.starts_with(
                "the fix of unsafe-trailing-return at line 10, column 7 was not applied: \
                 the fixed text has"
            ),
            "{error}"
        );
        // The written text is clean: checking it again fixes only the dropped one.
        let again = check_source(&fixed, Lang::TypeScript, &Settings::default());
        assert_eq!(again.findings.iter().filter(|f| f.fixed()).count(), 1);
        assert!(again.internal_error.is_none());
    }

    #[test]
    fn positions_map_back_through_each_round_of_edits() {
        let edit = |start: usize, end: usize, with: &str| Edit {
            range: start..end,
            replacement: with.to_string(),
        };
        // "abcdef" → round 1: "c" → "XYZ" → "abXYZdef"; round 2: insert "!" at 0.
        let rounds = vec![vec![(0, edit(2, 3, "XYZ"))], vec![(1, edit(0, 0, "!"))]];
        assert_eq!(map_back(&rounds, 1), (0, None), "`a` after the `!`");
        assert_eq!(map_back(&rounds, 4), (2, Some(0)), "inside `XYZ`");
        assert_eq!(map_back(&rounds, 6), (3, None), "`d`");
        assert_eq!(map_back(&rounds, 0), (0, Some(1)), "the `!` itself");
    }

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
