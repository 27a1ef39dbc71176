//! inngest-fix: find `return` statements of Inngest handlers that read handler
//! variables after steps, and rewrite them to build the value inside one last step.
//!
//! The pipeline, one module per stage:
//! walk ([`walk`]) → parse ([`language`]) → analyse ([`analysis`]) → rules ([`rules`])
//! → plan and verify edits ([`fix`]) → render ([`printer`]) or write ([`write`]).
//!
//! The library entry point is [`check_source`]: one file's text in, its findings and
//! fixed text out. Everything about files, threads and output lives in [`run`] and below.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod explain;
pub mod fix;
pub mod language;
pub mod printer;
pub mod rule_docs;
pub mod rules;
pub mod run;
pub mod server;
pub mod suggest;
pub mod suppression;
pub mod walk;
pub mod write;

pub use fix::Settings;
pub use language::Lang;

/// Where a finding sits in its file. Lines and columns are 1-based; columns count
/// Unicode scalar values (characters), not bytes. `end_*` is exclusive of the last character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SourceRange {
    /// Byte offset of the first byte, in the text as read (BOM included).
    pub start_byte: usize,
    /// Byte offset one past the last byte.
    pub end_byte: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// One thing a rule found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name, e.g. `unsafe-trailing-return`.
    pub rule: &'static str,
    pub range: SourceRange,
    /// One line, for people.
    pub message: String,
    /// The `id` of the Inngest function, when its options give it as a string literal.
    pub function_id: Option<String>,
    /// A fix exists and passes verification (it may still not be applied, see `fixed`).
    pub fixable: bool,
    /// The fix is part of [`FileOutcome::fixed_source`].
    pub fixed: bool,
    /// Why a finding is left for manual review; `None` for fixable findings.
    pub reason: Option<String>,
    /// Silenced by an `// inngest-fix-ignore` comment: counted, not printed.
    pub suppressed: bool,
}

/// What [`check_source`] learned about one file.
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

/// The cheap test that runs before any parse: only files that mention
/// `createFunction` can define an Inngest function.
pub fn prefilter(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"createFunction").is_some()
}

/// Analyse one file's text and plan (and verify) its fixes.
pub fn check_source(source: &str, lang: Lang, settings: &Settings) -> FileOutcome {
    fix::check_and_fix(source, lang, settings)
}

/// [`check_source`], applying only the fixes of the findings `accept` keeps (by index in
/// [`FileOutcome::findings`]); see [`fix::check_and_fix_accepting`].
pub fn check_source_accepting(
    source: &str,
    lang: Lang,
    settings: &Settings,
    accept: &dyn Fn(usize) -> bool,
) -> FileOutcome {
    fix::check_and_fix_accepting(source, lang, settings, accept)
}
