//! The data contract between rules, the per-file pipeline and the printers.
//!
//! A rule reports a [`Diagnostic`]: where, what, and its [`Remedy`] (a [`Fix`] with its
//! edits and applicability, or the reason a person must look, or nothing), with related
//! locations. The pipeline ([`crate::pipeline`]) turns each into a [`Finding`]: the same
//! facts in line and column terms, and one [`Status`] that says what became of it,
//! decided in one place from the file's settings. Printers and the summary `match` on
//! that status; nothing downstream recomputes it.
//!
//! Owns: these types and byte → line/column conversion ([`LineIndex`]). Does not own:
//! how they are found, decided or printed.

use std::ops::Range;

use crate::fix::{Applicability, Fix};

/// A rule's report about one place in the file, before selection, suppression and the
/// decision whether its fix applies.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule's name.
    pub rule: &'static str,
    /// The byte range reported (in the text the rule saw, without BOM).
    pub range: Range<usize>,
    /// One line for people.
    pub message: String,
    /// The Inngest function's `id`, when a string literal.
    pub function_id: Option<String>,
    /// Start of the statement holding the `createFunction` call: a suppression comment
    /// above it covers the whole function.
    pub function_start: usize,
    /// What can be done about it.
    pub remedy: Remedy,
    /// Other places that explain the finding (the earlier use of a step ID, the write
    /// a read depends on), each with a short message.
    pub related: Vec<Related>,
}

/// What can be done about a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// An automatic fix; its applicability says when it may be applied.
    Fix(Fix),
    /// No automatic fix: a person must look, for this reason.
    Manual(String),
    /// Neither a fix nor a reason (an unused suppression comment: only a person can
    /// tell whether it should go or move).
    None,
}

impl Remedy {
    /// `Ok(fix)` → [`Remedy::Fix`], `Err(reason)` → [`Remedy::Manual`].
    pub fn from_result(result: Result<Fix, String>) -> Remedy {
        match result {
            Ok(fix) => Remedy::Fix(fix),
            Err(reason) => Remedy::Manual(reason),
        }
    }

    /// The fix, if there is one.
    pub fn fix(&self) -> Option<&Fix> {
        match self {
            Remedy::Fix(fix) => Some(fix),
            Remedy::Manual(_) | Remedy::None => None,
        }
    }
}

/// Another place in the file that belongs to a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Byte range, in the same text as the diagnostic's.
    pub range: Range<usize>,
    /// A few words: "first used here", "written here".
    pub message: String,
}

/// Where something sits in its file. Lines and columns are 1-based; columns count
/// Unicode scalar values (characters), not bytes. `end_*` is exclusive of the last character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// A related location of a [`Finding`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RelatedLocation {
    pub range: SourceRange,
    pub message: String,
}

/// What became of a finding in this run: decided once, by the pipeline, from the fix's
/// applicability, the file's own settings, suppression comments, the user's answers
/// (`--interactive`) and verification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    /// Its fix is applied: written (`--write`), in the diff (`--dry-run`), or would be
    /// written by `--write` (`--check`). Also a finding that the run's other fixes made
    /// go away.
    Fixed,
    /// Its fix rewrites a return not in tail position: applied with `--all-returns`.
    WaitsForAllReturns,
    /// Its fix needs review: applied with `--unsafe-fixes`.
    WaitsForUnsafeFixes,
    /// Its fix touches the text of another fix applied in this run.
    Deferred,
    /// Left for a person, with the reason.
    Manual(String),
    /// No fix, and nothing more to say (an unused suppression comment).
    NoFix,
    /// Silenced by an `// inngest-fix-ignore` comment: counted, not printed.
    Suppressed,
    /// `--interactive`: the user declined its fix.
    Declined,
    /// Its fix was not applied because the result did not verify, or the file could not
    /// be written: the reason is the file's error.
    NotApplied,
}

impl Status {
    /// The fix exists and is applied in this run.
    pub fn is_fixed(&self) -> bool {
        matches!(self, Status::Fixed)
    }

    /// The finding has a fix (applied or not): the JSON `fixable`.
    pub fn is_fixable(&self) -> bool {
        matches!(
            self,
            Status::Fixed
                | Status::WaitsForAllReturns
                | Status::WaitsForUnsafeFixes
                | Status::Deferred
                | Status::Declined
        )
    }

    /// The reason a person must look, for manual findings.
    pub fn manual_reason(&self) -> Option<&str> {
        match self {
            Status::Manual(reason) => Some(reason),
            _ => None,
        }
    }

    /// Silenced by a comment.
    pub fn is_suppressed(&self) -> bool {
        matches!(self, Status::Suppressed)
    }
}

/// One thing a rule found in a file, with what became of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// The rule's name, e.g. `unsafe-trailing-return`.
    #[serde(with = "crate::interned")]
    pub rule: crate::interned::Str,
    pub range: SourceRange,
    /// One line, for people.
    pub message: String,
    /// The `id` of the Inngest function, when its options give it as a string literal.
    pub function_id: Option<String>,
    /// What became of it.
    pub status: Status,
    /// Its fix, with edits in the file as read (BOM included): for a fixed finding, the
    /// edits applied to that text (`None` when a later round of the fix loop fixed it,
    /// on a text the first round had changed, or the other fixes made it go away); for
    /// the others, the fix it would get. `None` for findings without one.
    pub fix: Option<Fix>,
    /// Other places that explain it.
    pub related: Vec<RelatedLocation>,
}

/// What the message of a deferred finding adds.
pub const DEFERRED_NOTE: &str = "its fix overlaps another fix: run again to apply it";

impl Finding {
    /// What the pipeline added to the rule's message about the finding's status, in
    /// parentheses: what its fix waits for (the fix's own words), or why it was deferred.
    pub fn status_note(&self) -> Option<&'static str> {
        match self.status {
            Status::Deferred => Some(DEFERRED_NOTE),
            Status::WaitsForAllReturns | Status::WaitsForUnsafeFixes => {
                self.fix.as_ref().and_then(|fix| fix.waiting_note)
            }
            _ => None,
        }
    }

    /// The message as the rule wrote it, without the [`Finding::status_note`].
    pub fn rule_message(&self) -> &str {
        self.status_note()
            .and_then(|note| {
                self.message
                    .strip_suffix(")")
                    .and_then(|m| m.strip_suffix(note))
                    .and_then(|m| m.strip_suffix(" ("))
            })
            .unwrap_or(&self.message)
    }

    /// The fix is applied in this run (the JSON `fixed`).
    pub fn fixed(&self) -> bool {
        self.status.is_fixed()
    }

    /// The finding has a fix (the JSON `fixable`).
    pub fn fixable(&self) -> bool {
        self.status.is_fixable()
    }

    /// Why it is left for manual review (the JSON `reason`).
    pub fn reason(&self) -> Option<&str> {
        self.status.manual_reason()
    }

    /// Silenced by a comment.
    pub fn suppressed(&self) -> bool {
        self.status.is_suppressed()
    }

    /// The fix's applicability, when there is a fix.
    pub fn applicability(&self) -> Option<Applicability> {
        self.fix.as_ref().map(|fix| fix.applicability)
    }
}

/// Byte offset → line and column, for one text.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// The index of `text`'s lines.
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of `byte`.
    pub fn position(&self, byte: usize) -> (usize, usize) {
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
    pub fn range(&self, range: Range<usize>, offset: usize) -> SourceRange {
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
