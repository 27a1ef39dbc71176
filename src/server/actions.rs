//! Code actions: a finding's fix, every safe fix of the document, and a suppression
//! comment.
//!
//! Owns: which actions a request gets and their edits. Every edit is text the library's
//! per-file pipeline built and verified (the result re-parses, and checking it again
//! finds nothing more to fix), exactly what `--write` would write for the same
//! findings; a suppression is offered only when checking the new text shows it
//! silences the finding. Does not own: finding or fixing anything itself.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Url, WorkspaceEdit,
};

use super::diagnose::{self, run_guarded, Analysis};
use super::documents::Document;
use super::lines::{minimal_edit, LineIndex};
use crate::diagnostic::Finding;
use crate::fix::Applicability;
use crate::language::Lang;
use crate::pipeline::{check_source, check_source_accepting};
use crate::rule::FixTitle;
use crate::rules::{self, registry};
use crate::settings::Settings;
use crate::suppression::DIRECTIVE;

/// The kind of the "apply every safe fix" action, for `editor.codeActionsOnSave` and
/// the like.
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.inngest-fix")
}

/// The actions for `params`: quick fixes and suppressions for the findings in its
/// range, and the fix-all action for the whole document.
pub fn code_actions(
    uri: &Url,
    document: &Document,
    root: &Path,
    params: &CodeActionParams,
) -> Vec<CodeActionOrCommand> {
    let (Some(lang), Analysis::Checked { settings, outcome }) =
        (document.lang, diagnose::analyse(document, root, true))
    else {
        return Vec::new();
    };
    let text = &document.text;
    let only = params.context.only.as_deref();
    let mut actions = Vec::new();
    let lines = LineIndex::new(text);
    let start = lines.offset(params.range.start);
    let end = lines.offset(params.range.end);
    let mut quick_fixes = Vec::new();
    let mut suppressions = Vec::new();
    if wants(only, &CodeActionKind::QUICKFIX) {
        for (index, finding) in outcome.findings.iter().enumerate() {
            let touches = finding.range.start_byte <= end && start <= finding.range.end_byte;
            if finding.suppressed() || !touches {
                continue;
            }
            let diagnostic = diagnose::diagnostic(finding, &lines);
            if finding.fixable() {
                if let Some((title, fixed, preferred)) =
                    fix_of(text, lang, &settings, index, finding)
                {
                    quick_fixes.push(action(
                        title,
                        CodeActionKind::QUICKFIX,
                        uri,
                        text,
                        &fixed,
                        Some(diagnostic.clone()),
                        preferred,
                    ));
                }
            }
            if let Some(suppressed) = suppress(text, lang, &settings, finding) {
                suppressions.push(action(
                    format!("Suppress with `// {DIRECTIVE}: {}`", finding.rule),
                    CodeActionKind::QUICKFIX,
                    uri,
                    text,
                    &suppressed,
                    Some(diagnostic),
                    false,
                ));
            }
        }
    }
    actions.extend(quick_fixes.into_iter().flatten());
    if wants(only, &fix_all_kind()) {
        if let Some(fixed) = &outcome.fixed_source {
            actions.extend(action(
                "Fix all auto-fixable inngest-fix findings".to_string(),
                fix_all_kind(),
                uri,
                text,
                fixed,
                None,
                false,
            ));
        }
    }
    actions.extend(suppressions.into_iter().flatten());
    actions
}

/// Whether a request limited to `only` (`None`: anything) wants actions of `kind`:
/// `source` and `source.fixAll` both take `source.fixAll.inngest-fix`.
fn wants(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            kind.as_str() == k || kind.as_str().starts_with(&format!("{k}."))
        })
    })
}

/// The text with only the fix of finding `index` applied, its title, and whether it is
/// the preferred action (what `--write` applies with this configuration). A fix that
/// waits for `--all-returns` or `--unsafe-fixes` is offered too, built as `--write` with
/// that flag builds it: asking for it on one finding is the user's review.
fn fix_of(
    text: &str,
    lang: Lang,
    settings: &Settings,
    index: usize,
    finding: &Finding,
) -> Option<(String, String, bool)> {
    let title = fix_title(finding.rule);
    if finding.fixed() {
        let outcome =
            run_guarded(|| check_source_accepting(text, lang, settings, &|i| i == index)).ok()?;
        return Some((title.to_string(), outcome.fixed_source?, true));
    }
    let mut wider = settings.clone();
    wider.all_returns = true;
    wider.unsafe_fixes = true;
    let fixed = run_guarded(|| {
        let mut report_only = wider.clone();
        report_only.build_fixes = false;
        let findings = check_source(text, lang, &report_only).findings;
        let same = findings.iter().position(|f| {
            f.rule == finding.rule && f.range.start_byte == finding.range.start_byte
        })?;
        check_source_accepting(text, lang, &wider, &|i| i == same).fixed_source
    })
    .ok()??;
    let title = match finding.applicability() {
        Some(Applicability::NeedsReview) => format!("{title} (needs review: unsafe fix)"),
        _ => title.to_string(),
    };
    Some((title, fixed, false))
}

/// What a rule's fix does, as an action title (declared with the rule).
fn fix_title(rule: &str) -> &'static str {
    registry::get(rule)
        .map_or(FixTitle::GENERIC, |rule| rule.fix_title)
        .action
}

/// The text with `// inngest-fix-ignore: RULE` on its own line before the finding's
/// line (same indentation and line ending), when checking that text shows the finding
/// suppressed and the directive used.
fn suppress(text: &str, lang: Lang, settings: &Settings, finding: &Finding) -> Option<String> {
    if finding.rule == rules::unused_suppression::NAME {
        return None;
    }
    let at = finding.range.start_byte.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
    let indent = &line[..indent_len];
    let eol = if line.split('\n').next().is_some_and(|l| l.ends_with('\r')) {
        "\r\n"
    } else {
        "\n"
    };
    let comment = format!("{indent}// {DIRECTIVE}: {}{eol}", finding.rule);
    let new = format!("{}{comment}{}", &text[..line_start], &text[line_start..]);
    let mut report_only = settings.clone();
    report_only.build_fixes = false;
    let outcome = run_guarded(|| check_source(&new, lang, &report_only)).ok()?;
    let moved = finding.range.start_byte + comment.len();
    let silenced = outcome
        .findings
        .iter()
        .any(|f| f.rule == finding.rule && f.range.start_byte == moved && f.suppressed());
    let unused = outcome.findings.iter().any(|f| {
        f.rule == rules::unused_suppression::NAME
            && (line_start..line_start + comment.len()).contains(&f.range.start_byte)
    });
    (silenced && !unused).then_some(new)
}

/// A code action that turns `old` into `new` in one minimal edit.
fn action(
    title: String,
    kind: CodeActionKind,
    uri: &Url,
    old: &str,
    new: &str,
    diagnostic: Option<lsp_types::Diagnostic>,
    preferred: bool,
) -> Option<CodeActionOrCommand> {
    let edit: TextEdit = minimal_edit(old, new)?;
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    }))
}
