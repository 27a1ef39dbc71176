//! Fixes as data, applied and verified in one place (SPEC 3).
//!
//! Owns: [`Edit`] and [`Fix`], applying them to a file's text, and the guarantees
//! checked before anything is printed or written: the result re-parses with no more
//! errors than the original, and checking it again finds nothing left to fix. A file
//! whose fixes fail either check is left alone and reported as an internal error.
//! Also owns [`check_and_fix`], the per-file pipeline behind [`crate::check_source`].

pub mod style;

use std::ops::Range;

use crate::rules::{self, Diagnostic};
use crate::{language, suppression, FileOutcome, Finding, Lang, SourceRange};

/// The user's choices that shape a rewrite.
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
    /// More callee names treated as `createFunction` (config `clients`/`wrappers`):
    /// `"createFunction"`-like method names (`inngest.createScheduledFunction`) or bare
    /// wrapper functions (`defineJob(options, handler)`).
    pub extra_create_function_names: Vec<String>,
    /// Build the fixed text and verify it (default). `--check` turns this off: it
    /// reports what `--write` would fix without paying for the rewrite and its
    /// re-verification, so a fix that would fail verification (a bug, reported as an
    /// internal error by `--write` and `--dry-run`) still shows as fixable there.
    pub build_fixes: bool,
}

impl Settings {
    /// Whether `rule` runs under `select` and `ignore`. Migration rules are opt-in: no
    /// default and no `ALL` selects them, only their own name or their preset (`v4`).
    pub fn rule_enabled(&self, rule: &str) -> bool {
        // As in ruff: a rule named (or its preset) beats `ALL`; between equals, `ignore`
        // wins. Migration rules are only ever selected by name or preset.
        let named = |list: &[String]| {
            list.iter()
                .any(|n| n == rule || rules::migration::preset_selects(n, rule))
        };
        let has = |list: &[String], name: &str| list.iter().any(|n| n == name);
        let select = self.select.as_deref();
        if named(&self.ignore) {
            false
        } else if select.is_some_and(named) {
            true
        } else if rules::migration::is_migration_rule(rule) || has(&self.ignore, "ALL") {
            false
        } else {
            select.map_or(true, |s| has(s, "ALL"))
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
            build_fixes: true,
        }
    }
}

/// Replace `range` of the text with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range in the text the rules saw (without BOM).
    pub range: Range<usize>,
    /// The new text.
    pub replacement: String,
}

/// The edits that fix one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Non-overlapping edits.
    pub edits: Vec<Edit>,
}

/// Apply edits to `source`. Edits must not overlap; an overlapping edit is a bug in a
/// rule, reported as an error rather than producing a garbled file.
pub fn apply(source: &str, edits: &[&Edit]) -> Result<String, String> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(source.len() + 256 * sorted.len());
    let mut cursor = 0;
    for edit in sorted {
        if edit.range.start < cursor || edit.range.end > source.len() {
            return Err(format!(
                "overlapping or out-of-range edit at byte {}",
                edit.range.start
            ));
        }
        out.push_str(&source[cursor..edit.range.start]);
        out.push_str(&edit.replacement);
        cursor = edit.range.end;
    }
    out.push_str(&source[cursor..]);
    Ok(out)
}

const BOM: &str = "\u{feff}";

/// Analyse one file, plan its fixes, apply and verify them (see [`crate::check_source`]).
pub fn check_and_fix(source: &str, lang: Lang, settings: &Settings) -> FileOutcome {
    check_and_fix_accepting(source, lang, settings, &|_| true)
}

/// [`check_and_fix`], applying only the fixes of the findings `accept` keeps (by index
/// in [`FileOutcome::findings`]); the others are reported as not fixed. Verification
/// then expects the second pass to find exactly the declined fixes again, and nothing
/// more. `--interactive` uses it to apply the fixes a user accepted one by one.
pub fn check_and_fix_accepting(
    source: &str,
    lang: Lang,
    settings: &Settings,
    accept: &dyn Fn(usize) -> bool,
) -> FileOutcome {
    let (bom, text) = match source.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", source),
    };
    let Some(tree) = language::parse(text, lang) else {
        return FileOutcome {
            internal_error: Some("tree-sitter could not parse the file".to_string()),
            ..FileOutcome::default()
        };
    };
    let mut checked = rules::check_tree(&tree, text, lang, settings);
    // Collecting comments walks the whole tree: only worth it when a directive can exist.
    let directives =
        if memchr::memmem::find(text.as_bytes(), suppression::DIRECTIVE.as_bytes()).is_some() {
            suppression::directives(text, comment_ranges(&tree))
        } else {
            Vec::new()
        };
    let mut used = vec![false; directives.len()];
    // Every diagnostic marks the directives covering it, rules not selected included:
    // only a directive that covers nothing at all is unused.
    for diagnostic in &checked.diagnostics {
        for at in covering(text, diagnostic) {
            if let Some(index) = directives.iter().position(|d| d.range.start == at) {
                used[index] = true;
            }
        }
    }
    if settings.rule_enabled(rules::unused_suppression::NAME) {
        rules::unused_suppression::check(&directives, &used, settings, &mut checked.diagnostics);
        checked.diagnostics.sort_by_key(|d| d.range.start);
    }
    checked
        .diagnostics
        .retain(|diagnostic| settings.rule_enabled(diagnostic.rule));
    let mut findings: Vec<Finding> = Vec::with_capacity(checked.diagnostics.len());
    let mut to_apply: Vec<&Edit> = Vec::new();
    let mut applied_findings = Vec::new();
    let lines = LineIndex::new(text);
    let mut declined = 0;
    for (index, diagnostic) in checked.diagnostics.iter().enumerate() {
        let suppressed = is_suppressed(text, diagnostic);
        let would_apply = diagnostic.fix_applies && !suppressed && diagnostic.fix.is_some();
        let applies = would_apply && accept(index);
        declined += usize::from(would_apply && !applies);
        if applies {
            if let Some(fix) = &diagnostic.fix {
                to_apply.extend(fix.edits.iter());
                applied_findings.push(index);
            }
        }
        findings.push(Finding {
            rule: diagnostic.rule,
            range: lines.range(diagnostic.range.clone(), bom.len()),
            message: diagnostic.message.clone(),
            function_id: diagnostic.function_id.clone(),
            fixable: diagnostic.fix.is_some(),
            fixed: applies,
            reason: diagnostic.manual_reason.clone(),
            suppressed,
        });
    }
    let mut outcome = FileOutcome {
        has_inngest_functions: checked.has_inngest_functions,
        findings,
        fixed_source: None,
        internal_error: None,
    };
    if to_apply.is_empty() || !settings.build_fixes {
        return outcome;
    }
    match apply(text, &to_apply)
        .and_then(|fixed| verify(&tree, &fixed, lang, settings, declined).map(|()| fixed))
    {
        Ok(fixed) => outcome.fixed_source = Some(format!("{bom}{fixed}")),
        Err(problem) => {
            for finding in &mut outcome.findings {
                finding.fixed = false;
            }
            outcome.internal_error = Some(format!("fix not applied: {problem}"));
        }
    }
    outcome
}

/// The directives covering a diagnostic: at its own place, and above its function.
fn covering(text: &str, diagnostic: &Diagnostic) -> impl Iterator<Item = usize> {
    let own = suppression::covering(text, diagnostic.range.start, diagnostic.rule);
    let function = suppression::covering(text, diagnostic.function_start, diagnostic.rule);
    own.into_iter().chain(function)
}

/// The byte ranges of a tree's comments, in source order.
fn comment_ranges(tree: &tree_sitter::Tree) -> Vec<Range<usize>> {
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

/// The two guarantees of SPEC 3, checked on the fixed text.
fn verify(
    original: &tree_sitter::Tree,
    fixed: &str,
    lang: Lang,
    settings: &Settings,
    declined: usize,
) -> Result<(), String> {
    let Some(tree) = language::parse(fixed, lang) else {
        return Err("the fixed text does not parse".to_string());
    };
    let before = language::error_count(original);
    let after = language::error_count(&tree);
    if after > before {
        return Err(format!(
            "the fixed text has {after} syntax errors where the original had {before}"
        ));
    }
    let again = rules::check_tree(&tree, fixed, lang, settings);
    let left = again
        .diagnostics
        .iter()
        .filter(|d| d.fix_applies && settings.rule_enabled(d.rule) && !is_suppressed(fixed, d))
        .count();
    if left > declined {
        return Err(format!(
            "a second pass would fix {} more return(s)",
            left - declined
        ));
    }
    Ok(())
}

/// Byte offset → line and column, for one text.
struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of `byte`.
    fn position(&self, byte: usize) -> (usize, usize) {
        let line = self
            .starts
            .partition_point(|&s| s <= byte)
            .saturating_sub(1);
        let start = self.starts[line];
        let column = self
            .text
            .get(start..byte)
            .map_or(byte - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// The [`SourceRange`] of a byte range of the text; `offset` shifts byte offsets
    /// back to the file as read (the BOM's bytes).
    fn range(&self, range: Range<usize>, offset: usize) -> SourceRange {
        let (line, column) = self.position(range.start);
        let (end_line, end_column) = self.position(range.end);
        SourceRange {
            start_byte: range.start + offset,
            end_byte: range.end + offset,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(select: Option<&[&str]>, ignore: &[&str], rule: &str) -> bool {
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
        let rule = "nested-step";
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
