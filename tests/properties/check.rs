//! The properties every run of the library must have, on any input (SPEC 3, 6).
//! Shared by `tests/properties.rs`, `tests/hostile.rs` and the fuzz targets.

use inngest_fix::{check_source, language, FileOutcome, Lang, Settings};

const BOM: char = '\u{feff}';

/// ERROR and MISSING nodes of `text` parsed as the library parses it (BOM stripped).
pub fn error_count(text: &str, lang: Lang) -> usize {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let tree = language::parse(text, lang).expect("tree-sitter parses any text");
    language::error_count(&tree)
}

/// Run the library on `source` and check its outcome:
/// - a fixed text re-parses with no more ERROR/MISSING nodes than the input;
/// - a second run on the fixed text fixes nothing (idempotency);
/// - nothing changes outside the fixed returns (a region may start at the `)`,
///   `else` or `:` before a braceless return, where braces are added);
/// - BOM and line endings are kept;
/// - `fixed_source` is set exactly when some finding is `fixed`;
/// - with `valid_input`, no internal error (a self-verification failure on valid
///   input is a bug).
///
/// Returns the outcome, or a description of the first property that failed.
pub fn check_properties(
    source: &str,
    lang: Lang,
    settings: &Settings,
    valid_input: bool,
) -> Result<FileOutcome, String> {
    let outcome = check_source(source, lang, settings);
    if valid_input {
        if let Some(error) = &outcome.internal_error {
            return Err(format!("internal error on valid input: {error}"));
        }
    }
    let fixed_findings = outcome.findings.iter().filter(|f| f.fixed()).count();
    let Some(fixed) = &outcome.fixed_source else {
        if fixed_findings > 0 {
            return Err(format!(
                "{fixed_findings} finding(s) marked fixed but no fixed_source"
            ));
        }
        return Ok(outcome);
    };
    if fixed_findings == 0 {
        return Err("fixed_source set but no finding is fixed".to_string());
    }
    if fixed == source {
        return Err("fixed_source equals the input".to_string());
    }
    let before = error_count(source, lang);
    let after = error_count(fixed, lang);
    if after > before {
        return Err(format!(
            "the fixed text has {after} ERROR/MISSING nodes, the input {before}"
        ));
    }
    let again = check_source(fixed, lang, settings);
    if again.fixed_source.is_some() || again.internal_error.is_some() {
        return Err(format!(
            "not idempotent: a second run gives fixed_source={} internal_error={:?}",
            again.fixed_source.is_some(),
            again.internal_error
        ));
    }
    if fixed.starts_with(BOM) != source.starts_with(BOM) {
        return Err("BOM not kept".to_string());
    }
    line_endings_kept(source, fixed)?;
    edits_within_findings(source, fixed, &outcome)?;
    Ok(outcome)
}

/// A file without CRLF gains none; a file with only CRLF gains no bare LF.
fn line_endings_kept(source: &str, fixed: &str) -> Result<(), String> {
    let crlf = |t: &str| t.matches("\r\n").count();
    let lf = |t: &str| t.matches('\n').count();
    if crlf(source) == 0 && crlf(fixed) > 0 {
        return Err("CRLF introduced into an LF file".to_string());
    }
    if crlf(source) > 0 && crlf(source) == lf(source) && crlf(fixed) != lf(fixed) {
        return Err("bare LF introduced into a CRLF file".to_string());
    }
    Ok(())
}

/// The fixed text is the input with only the fixed findings' regions replaced: the
/// text between those regions appears in the output unchanged and in order.
fn edits_within_findings(source: &str, fixed: &str, outcome: &FileOutcome) -> Result<(), String> {
    let mut regions: Vec<(usize, usize)> = outcome
        .findings
        .iter()
        .filter(|f| f.fixed())
        .map(|f| (region_start(source, f.range.start_byte), f.range.end_byte))
        .collect();
    regions.sort();
    let mut kept: Vec<&str> = Vec::new();
    let mut cursor = 0;
    for &(start, end) in &regions {
        if start < cursor || end > source.len() || !source.is_char_boundary(end) {
            return Err(format!("bad finding range {start}..{end}"));
        }
        kept.push(&source[cursor..start]);
        cursor = end;
    }
    kept.push(&source[cursor..]);

    let first = kept[0];
    let last = kept[kept.len() - 1];
    if !fixed.starts_with(first) {
        return Err(format!(
            "text before the first fixed return changed (first difference at byte {})",
            common_prefix(first, fixed)
        ));
    }
    if fixed.len() < first.len() + last.len() || !fixed.ends_with(last) {
        return Err("text after the last fixed return changed".to_string());
    }
    // Greedy, leftmost: finds a decomposition whenever one exists.
    let mut at = first.len();
    let limit = fixed.len() - last.len();
    for (index, piece) in kept[1..kept.len() - 1].iter().enumerate() {
        match fixed[at..limit].find(piece) {
            Some(offset) => at += offset + piece.len(),
            None => {
                return Err(format!(
                    "text between fixed returns {} and {} changed",
                    index + 1,
                    index + 2
                ))
            }
        }
    }
    Ok(())
}

/// Where the region of a fixed return may start: at the return, or right after the
/// `)`, `else` or `:` it follows when the fix adds braces.
fn region_start(source: &str, start: usize) -> usize {
    let Some(before) = source.get(..start) else {
        return start;
    };
    let trimmed = before.trim_end();
    if trimmed.ends_with(')') || trimmed.ends_with("else") || trimmed.ends_with(':') {
        trimmed.len()
    } else {
        start
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}
