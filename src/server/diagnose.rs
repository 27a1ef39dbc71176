//! One document's analysis, and its findings as LSP diagnostics and hovers.
//!
//! Owns: resolving the document's configuration (the closest `inngest-fix.toml` or
//! `package.json` key, as the CLI does, read afresh on each analysis so that an edited
//! configuration applies at once), running the library's per-file pipeline on the
//! unsaved text behind a `catch_unwind` (a document that makes the analysis panic gets
//! one diagnostic saying so; the server goes on), and turning findings into
//! [`Diagnostic`]s. Does not own: the edits of code actions ([`super::actions`]).

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use lsp_types::{
    Diagnostic, DiagnosticSeverity, DiagnosticTag, Hover, HoverContents, MarkupContent, MarkupKind,
    NumberOrString, Position,
};

use super::documents::Document;
use super::lines::LineIndex;
use crate::config::{Overrides, Resolver};
use crate::diagnostic::{Finding, Status};
use crate::pipeline::{check_source, FileOutcome};
use crate::prefilter;
use crate::rules::{self, registry};
use crate::settings::Settings;

/// The name diagnostics carry as their `source`.
pub const SOURCE: &str = "inngest-fix";

/// The CLI's limit on a file's size: larger documents are not analysed.
const MAX_SIZE: usize = 10 << 20;

/// What analysing one document gave.
#[derive(Debug, Clone)]
pub enum Analysis {
    /// Nothing to look at: not a TypeScript/JavaScript file the CLI checks, excluded by
    /// the configuration, too large, or no `createFunction` in it.
    Skipped,
    /// The configuration that applies cannot be used: one line, with its path.
    ConfigError(String),
    /// The analysis panicked: a bug, reported on the document instead of ending the
    /// server.
    Crashed(String),
    /// The pipeline ran with these settings.
    Checked {
        /// The settings of the document's configuration.
        settings: Box<Settings>,
        /// Findings (and the fixed text when fixes were built).
        outcome: FileOutcome,
    },
}

/// The settings that apply to `document`, exactly as the command line checks its file:
/// its closest configuration's, for its path ([`Settings::for_file`]: relative imports,
/// the closest `tsconfig.json`, JavaScript or not). An unsaved buffer is checked as a
/// file of its language in `root`, the workspace ([`Document::checked_as`]).
pub fn settings_for(document: &Document, root: &Path) -> Result<Option<Settings>, String> {
    let resolver = Resolver::new(Overrides::default(), root.to_path_buf());
    let path = document.checked_as(root);
    let resolved = resolver
        .for_path(&path, false)
        .map_err(|err| err.to_string())?;
    if document.path.is_some() && resolved.excludes(&path) {
        return Ok(None);
    }
    Ok(Some(resolved.settings.for_file(&path)))
}

/// Analyse `document`'s text. With `build_fixes`, also build and verify the fixed text
/// (what `--write` writes); without, only report (what `--check` does).
pub fn analyse(document: &Document, root: &Path, build_fixes: bool) -> Analysis {
    let Some(lang) = document.lang else {
        return Analysis::Skipped;
    };
    if document.text.len() > MAX_SIZE || !prefilter(document.text.as_bytes()) {
        return Analysis::Skipped;
    }
    let mut settings = match settings_for(document, root) {
        Ok(Some(settings)) => settings,
        Ok(None) => return Analysis::Skipped,
        Err(reason) => return Analysis::ConfigError(reason),
    };
    settings.build_fixes = build_fixes;
    match run_guarded(|| check_source(&document.text, lang, &settings)) {
        Ok(outcome) => Analysis::Checked {
            settings: Box::new(settings),
            outcome,
        },
        Err(message) => Analysis::Crashed(message),
    }
}

/// Run `f`, turning a panic into its message. The default panic hook has already
/// printed it (and the backtrace, when asked for) on stderr, which editors keep as the
/// server's log.
pub fn run_guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

/// The diagnostics to publish for an analysis of `text`.
pub fn diagnostics(analysis: &Analysis, text: &str) -> Vec<Diagnostic> {
    let lines = LineIndex::new(text);
    match analysis {
        Analysis::Skipped => Vec::new(),
        Analysis::ConfigError(reason) => vec![file_level(
            DiagnosticSeverity::ERROR,
            format!("configuration error: {reason}"),
        )],
        Analysis::Crashed(message) => vec![file_level(
            DiagnosticSeverity::ERROR,
            format!(
                "internal error: the analysis of this file failed ({message}); \
                 please report it with the file"
            ),
        )],
        Analysis::Checked { outcome, .. } => outcome
            .findings
            .iter()
            .filter(|finding| !finding.suppressed())
            .map(|finding| diagnostic(finding, &lines))
            .collect(),
    }
}

fn file_level(severity: DiagnosticSeverity, message: String) -> Diagnostic {
    Diagnostic {
        range: lsp_types::Range::default(),
        severity: Some(severity),
        source: Some(SOURCE.to_string()),
        message,
        ..Diagnostic::default()
    }
}

/// One finding: the rule as `code`, a warning, and what becomes of it as the CLI says
/// it (`fixable`, `manual: reason`, `fixable with --all-returns`).
pub fn diagnostic(finding: &Finding, lines: &LineIndex) -> Diagnostic {
    let state = match &finding.status {
        Status::Manual(reason) => format!(" (manual: {reason})"),
        Status::Fixed => " (fixable)".to_string(),
        Status::WaitsForAllReturns => " (fixable with --all-returns)".to_string(),
        Status::WaitsForUnsafeFixes => " (fixable with --unsafe-fixes)".to_string(),
        Status::Deferred
        | Status::NoFix
        | Status::Suppressed
        | Status::Declined
        | Status::NotApplied => String::new(),
    };
    let unused = finding.rule == rules::unused_suppression::NAME;
    Diagnostic {
        range: lines.range(finding.range.start_byte, finding.range.end_byte),
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        source: Some(SOURCE.to_string()),
        message: format!("{}{state}", finding.message),
        tags: unused.then(|| vec![DiagnosticTag::UNNECESSARY]),
        ..Diagnostic::default()
    }
}

/// The `--explain` text of the rules whose findings cover `position`, as Markdown.
pub fn hover(analysis: &Analysis, text: &str, position: Position) -> Option<Hover> {
    let Analysis::Checked { outcome, .. } = analysis else {
        return None;
    };
    let lines = LineIndex::new(text);
    let at = lines.offset(position);
    let mut rules: Vec<&'static str> = outcome
        .findings
        .iter()
        .filter(|f| !f.suppressed() && f.range.start_byte <= at && at <= f.range.end_byte)
        .map(|f| f.rule)
        .collect();
    rules.dedup();
    let docs: Vec<String> = rules
        .iter()
        .filter_map(|rule| {
            registry::get(rule)
                .map(|rule| format!("# inngest-fix: `{}`\n\n{}", rule.name, rule.doc().trim()))
        })
        .collect();
    if docs.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: docs.join("\n\n---\n\n"),
        }),
        range: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_analysis_becomes_one_diagnostic() {
        let crashed = run_guarded(|| -> FileOutcome { panic!("boom at byte 12") });
        let Err(message) = crashed else {
            panic!("the panic was not caught");
        };
        assert_eq!(message, "boom at byte 12");
        let published = diagnostics(&Analysis::Crashed(message), "const x = 1;\n");
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].severity, Some(DiagnosticSeverity::ERROR));
        assert!(published[0]
            .message
            .starts_with("internal error: the analysis of this file failed (boom at byte 12)"));
    }
}
