//! The SARIF format (`--format sarif`): one SARIF 2.1.0 log on stdout, for GitHub code
//! scanning (`github/codeql-action/upload-sarif`) and other SARIF viewers.
//!
//! The log has one run: the tool (`inngest-fix`, its version, and every rule with its
//! summary, description and documentation, from [`crate::rule_docs`]), one result per
//! finding that is not suppressed (rule, level `warning`, message, location with the
//! path relative to the current directory and a 1-based region whose columns count
//! Unicode code points, as `columnKind` says), and the invocation, whose notifications
//! are the files that could not be read, checked or written.
//!
//! A finding whose fix is part of this run's fixed text carries it as a SARIF `fix`:
//! the line-level replacements (`deletedRegion` + `insertedContent`) that turn the
//! file as read into the file as fixed, from a diff of the two texts; each hunk of that
//! diff belongs to the fixed finding it overlaps (or the nearest one). `--write` runs
//! give no fixes: they are already applied. Findings that are fixable but not fixed in
//! this run (non-trailing returns without `--all-returns`) have none either.

use std::io::{self, Write};

use serde_json::{json, Value};
use similar::{Algorithm, DiffOp};

use super::{write_error_line, write_summary, PrintOptions, Printer};
use crate::diagnostic::Finding;
use crate::report::{FileReport, Mode, Rewrite, Summary};
use crate::rule_docs;

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";
/// The schema the log names.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Collects results and prints the log at the end.
pub struct SarifPrinter<O: Write, E: Write> {
    options: PrintOptions,
    results: Vec<Value>,
    notifications: Vec<Value>,
    out: O,
    err: E,
}

impl<O: Write, E: Write> SarifPrinter<O, E> {
    /// A printer writing the log to `out` and error lines and the summary to `err`.
    pub fn new(options: PrintOptions, out: O, err: E) -> Self {
        SarifPrinter {
            options,
            results: Vec::new(),
            notifications: Vec::new(),
            out,
            err,
        }
    }

    /// The two streams back, for tests.
    pub fn into_inner(self) -> (O, E) {
        (self.out, self.err)
    }
}

impl<O: Write, E: Write> Printer for SarifPrinter<O, E> {
    fn file(&mut self, report: &FileReport) -> io::Result<()> {
        let uri = uri(&report.display_path);
        let findings: Vec<&Finding> = report.findings.iter().filter(|f| !f.suppressed()).collect();
        let fixes = match (&report.rewrite, self.options.mode) {
            (Some(rewrite), Mode::DryRun | Mode::Check) => fixes_by_finding(rewrite, &findings),
            _ => vec![Vec::new(); findings.len()],
        };
        for (finding, replacements) in findings.iter().zip(fixes) {
            self.results.push(result(&uri, finding, replacements));
        }
        if let Some(reason) = &report.error {
            self.notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{}: {reason}", report.display_path) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&uri) } }],
            }));
            write_error_line(
                &mut self.err,
                &report.display_path,
                reason,
                self.options.color_err,
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let log = log(
            std::mem::take(&mut self.results),
            std::mem::take(&mut self.notifications),
            summary.errors == 0,
        );
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        writeln!(self.out)?;
        self.out.flush()?;
        write_summary(&mut self.err, summary, &self.options)?;
        self.err.flush()
    }
}

/// The whole log around `results`.
fn log(results: Vec<Value>, notifications: Vec<Value>, successful: bool) -> Value {
    let mut driver = json!({
        "name": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rule_docs::RULE_DOCS.iter().map(|(name, doc)| rule(name, doc)).collect::<Vec<_>>(),
    });
    // Set once the package names its home: a made-up address would be worse than none.
    let home = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty());
    if let (Some(home), Some(driver)) = (home, driver.as_object_mut()) {
        driver.insert("informationUri".to_string(), json!(home));
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": [{
                "executionSuccessful": successful,
                "toolExecutionNotifications": notifications,
            }],
        }],
    })
}

/// A rule's `reportingDescriptor`, from its documentation.
fn rule(name: &str, doc: &'static str) -> Value {
    let why = rule_docs::section(doc, "Why is this bad?").unwrap_or("");
    json!({
        "id": name,
        "name": name,
        "shortDescription": { "text": rule_docs::summary(doc) },
        "fullDescription": { "text": one_paragraph(why) },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": "warning" },
    })
}

fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One finding's `result`.
fn result(uri: &str, finding: &Finding, replacements: Vec<Value>) -> Value {
    let range = &finding.range;
    let mut message = finding.message.clone();
    if let Some(reason) = finding.reason() {
        message.push_str(&format!(" (manual review: {reason})"));
    }
    let rule_index = rule_docs::names().position(|name| name == finding.rule);
    let mut result = json!({
        "ruleId": finding.rule,
        "level": "warning",
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(uri),
                "region": {
                    "startLine": range.line,
                    "startColumn": range.column,
                    "endLine": range.end_line,
                    "endColumn": range.end_column,
                },
            },
        }],
        "properties": {
            "functionId": finding.function_id,
            "fixable": finding.fixable(),
            "fixed": finding.fixed(),
            "reason": finding.reason(),
        },
    });
    if let Some(object) = result.as_object_mut() {
        if let Some(index) = rule_index {
            object.insert("ruleIndex".to_string(), json!(index));
        }
        if !finding.related.is_empty() {
            let related: Vec<Value> = finding
                .related
                .iter()
                .enumerate()
                .map(|(id, related)| {
                    json!({
                        "id": id,
                        "message": { "text": related.message },
                        "physicalLocation": {
                            "artifactLocation": artifact(uri),
                            "region": {
                                "startLine": related.range.line,
                                "startColumn": related.range.column,
                                "endLine": related.range.end_line,
                                "endColumn": related.range.end_column,
                            },
                        },
                    })
                })
                .collect();
            object.insert("relatedLocations".to_string(), json!(related));
        }
        if !replacements.is_empty() {
            object.insert(
                "fixes".to_string(),
                json!([{
                    "description": { "text": format!("Fix {}", finding.rule) },
                    "artifactChanges": [{
                        "artifactLocation": artifact(uri),
                        "replacements": replacements,
                    }],
                }]),
            );
        }
    }
    result
}

fn artifact(uri: &str) -> Value {
    if uri.starts_with("file:") {
        json!({ "uri": uri })
    } else {
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    }
}

/// A path as a URI reference: relative paths stay relative (to `%SRCROOT%`, the
/// directory the tool ran in), absolute ones become `file://` URIs. Every byte but
/// letters, digits, `-._~` and `/` is percent-encoded.
pub fn uri(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// For each finding (same order), the SARIF replacements of its fix: the hunks of the
/// line diff between the file as read and as fixed that belong to it.
fn fixes_by_finding(rewrite: &Rewrite, findings: &[&Finding]) -> Vec<Vec<Value>> {
    let mut by_finding = vec![Vec::new(); findings.len()];
    let old: Vec<&str> = rewrite.original.split_inclusive('\n').collect();
    let new: Vec<&str> = rewrite.fixed.split_inclusive('\n').collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old, &new);
    for hunk in similar::group_diff_ops(ops, 0) {
        let changed: Vec<&DiffOp> = hunk
            .iter()
            .filter(|op| !matches!(op, DiffOp::Equal { .. }))
            .collect();
        let (Some(first), Some(last)) = (changed.first(), changed.last()) else {
            continue;
        };
        let old_lines = first.old_range().start..last.old_range().end;
        let new_lines = first.new_range().start..last.new_range().end;
        // 1-based lines of the hunk in the file as read, for matching it to a finding.
        let span = (old_lines.start + 1, old_lines.end.max(old_lines.start + 1));
        let owner = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.fixed())
            .min_by_key(|(_, f)| distance(span, (f.range.line, f.range.end_line)))
            .map(|(index, _)| index);
        let Some(owner) = owner else {
            continue;
        };
        let (end_line, end_column) = if old_lines.end < old.len() {
            (old_lines.end + 1, 1)
        } else {
            end_of(&old)
        };
        let (start_line, start_column) = if old_lines.start < old.len() {
            (old_lines.start + 1, 1)
        } else {
            end_of(&old)
        };
        by_finding[owner].push(json!({
            "deletedRegion": {
                "startLine": start_line,
                "startColumn": start_column,
                "endLine": end_line,
                "endColumn": end_column,
            },
            "insertedContent": { "text": new[new_lines].concat() },
        }));
    }
    by_finding
}

/// The position just past the last character of a text split into lines: after a
/// final newline that is the start of the line after it, as SARIF counts.
fn end_of(lines: &[&str]) -> (usize, usize) {
    match lines.last() {
        None => (1, 1),
        Some(last) if last.ends_with('\n') => (lines.len() + 1, 1),
        Some(last) => (lines.len(), last.chars().count() + 1),
    }
}

/// How many lines apart two inclusive line spans are (0 when they overlap).
fn distance(a: (usize, usize), b: (usize, usize)) -> usize {
    b.0.saturating_sub(a.1).max(a.0.saturating_sub(b.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{SourceRange, Status};

    fn fixed_at(line: usize, end_line: usize) -> Finding {
        Finding {
            rule: "unsafe-trailing-return",
            range: SourceRange {
                start_byte: 0,
                end_byte: 0,
                line,
                column: 3,
                end_line,
                end_column: 10,
            },
            message: "m".to_string(),
            function_id: None,
            status: Status::Fixed,
            fix: None,
            related: Vec::new(),
        }
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("src/a.ts"), "src/a.ts");
        assert_eq!(uri("src/my file:1.ts"), "src/my%20file%3A1.ts");
        assert_eq!(uri("/elsewhere/é.ts"), "file:///elsewhere/%C3%A9.ts");
    }

    #[test]
    fn each_hunk_goes_to_the_finding_it_touches() {
        let rewrite = Rewrite {
            original: "a\n  return x;\nb\nc\nd\n  return y;\n".to_string(),
            fixed: "a\n  X;\nb\nc\nd\n  Y1;\n  Y2;\n".to_string(),
        };
        let (first, second) = (fixed_at(2, 2), fixed_at(6, 6));
        let fixes = fixes_by_finding(&rewrite, &[&first, &second]);
        assert_eq!(
            fixes[0],
            [json!({
                "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 3, "endColumn": 1},
                "insertedContent": {"text": "  X;\n"},
            })]
        );
        assert_eq!(
            fixes[1],
            [json!({
                "deletedRegion": {"startLine": 6, "startColumn": 1, "endLine": 7, "endColumn": 1},
                "insertedContent": {"text": "  Y1;\n  Y2;\n"},
            })]
        );
    }

    #[test]
    fn a_last_line_without_newline_ends_inside_it() {
        let rewrite = Rewrite {
            original: "a\nreturn x;".to_string(),
            fixed: "a\nreturn y;".to_string(),
        };
        let fixes = fixes_by_finding(&rewrite, &[&fixed_at(2, 2)]);
        assert_eq!(
            fixes[0][0]["deletedRegion"],
            json!({"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 10})
        );
    }
}
