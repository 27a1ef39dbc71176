//! Fixes as data, and the text-editing machinery that rules share.
//!
//! Owns: [`Edit`], [`Fix`] and its [`Applicability`], applying edits to a text
//! ([`apply`]), and the helpers a rule uses to build its edits: the file's style
//! ([`style`]), re-indenting moved code, the literal ranges it must not touch, and
//! collision-free names ([`edits`]). Does not own: deciding which fixes apply, nor
//! verifying the result (the per-file pipeline, [`crate::pipeline`], does both).

pub mod edits;
pub mod finalize;
pub mod style;

use std::ops::Range;

/// Replace `range` of the text with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Edit {
    /// Byte range in the text (a rule's edits: the text the rule saw, without BOM; a
    /// [`crate::diagnostic::Finding`]'s edits: the file as read).
    pub range: Range<usize>,
    /// The new text.
    pub replacement: String,
}

/// When a fix may be applied, like ruff's applicability: a property of the fix, which
/// the pipeline weighs against the run's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Applicability {
    /// Applied by `--write`.
    Safe,
    /// Safe, but it rewrites a return that is not in tail position: applied with
    /// `--all-returns`.
    NonTrailing,
    /// It may change behaviour and needs a person's review: applied with `--unsafe-fixes`.
    NeedsReview,
}

/// The edits that fix one finding, and when they may be applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fix {
    /// Non-overlapping edits.
    pub edits: Vec<Edit>,
    /// When the fix may be applied.
    pub applicability: Applicability,
    /// What the message adds while the fix waits for a flag (`--all-returns`,
    /// `--unsafe-fixes`), e.g. "`--unsafe-fixes` wraps it in a step".
    #[serde(with = "crate::interned::option")]
    pub waiting_note: Option<crate::interned::Str>,
}

impl Fix {
    /// A fix that `--write` applies.
    pub fn safe(edits: Vec<Edit>) -> Fix {
        Fix {
            edits,
            applicability: Applicability::Safe,
            waiting_note: None,
        }
    }

    /// Whether any edit of this fix touches (or overlaps) any of `ranges`. Touching
    /// counts: an insertion at the edge of a replaced range would land on one side or
    /// the other by accident.
    pub fn touches(&self, ranges: &[Range<usize>]) -> bool {
        self.edits.iter().any(|edit| {
            ranges
                .iter()
                .any(|r| edit.range.start <= r.end && r.start <= edit.range.end)
        })
    }
}

/// Apply edits to `source`. Edits must not overlap; an overlapping edit is a bug in a
/// rule, reported as an error rather than producing a garbled file.
pub fn apply(source: &str, edits: &[&Edit]) -> Result<String, String> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(source.len() + 256 * sorted.len());
    let mut cursor = 0;
    for edit in sorted {
        if edit.range.start < cursor
            || edit.range.end > source.len()
            || !source.is_char_boundary(edit.range.start)
            || !source.is_char_boundary(edit.range.end)
        {
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
