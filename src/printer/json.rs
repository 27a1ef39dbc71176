//! The JSON format: one document on stdout:
//! `{"version":2,"findings":[{"path","line","column","end_line","end_column","rule",
//! "message","function_id","fixable","fixed","would_fix","reason"}],"summary":{"files_scanned",
//! "files_matched","findings","fixed","would_fix","manual","suppressed","errors"}}`.
//! `fixed`: this run wrote the fix (`--write`); `would_fix`: `--write` with the same flags
//! would (`--check`, `--dry-run`). After `--write`, the fixes written come first (positions
//! in the file as read), then what remains (positions in the file as written).
//!
//! Suppressed findings are left out of `findings` and counted in `summary.suppressed`.
//! File errors are not part of the document: they are lines on stderr, counted in
//! `summary.errors`. The document is written once, after the last file.

use std::io::{self, Write};

use serde::Serialize;

use super::{write_file_error, write_summary, PrintOptions, Printer};
use crate::diagnostic::Finding;
use crate::report::{FileReport, Mode, Summary};

/// The version of the document's shape; bumped when a field changes meaning or goes away.
pub const JSON_VERSION: u32 = 2;

/// Collects findings and prints the document at the end.
pub struct JsonPrinter<O: Write, E: Write> {
    options: PrintOptions,
    findings: Vec<JsonFinding>,
    out: O,
    err: E,
}

#[derive(Debug, Serialize)]
struct Document<'a> {
    version: u32,
    findings: &'a [JsonFinding],
    summary: JsonSummary,
}

/// One finding as the JSON formats print it.
#[derive(Debug, Serialize)]
pub(super) struct JsonFinding {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    rule: &'static str,
    message: String,
    function_id: Option<String>,
    fixable: bool,
    fixed: bool,
    would_fix: bool,
    reason: Option<String>,
    /// Other places of the finding; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated>,
}

/// A related location as the JSON formats print it.
#[derive(Debug, Serialize)]
pub(super) struct JsonRelated {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: String,
}

/// The run's counts as the JSON formats print them.
#[derive(Debug, Serialize)]
pub(super) struct JsonSummary {
    files_scanned: usize,
    files_matched: usize,
    findings: usize,
    fixed: usize,
    would_fix: usize,
    manual: usize,
    suppressed: usize,
    errors: usize,
}

impl JsonFinding {
    /// `finding` of the file `report`.
    pub(super) fn new(report: &FileReport, finding: &Finding, mode: Mode) -> Self {
        let written = matches!(mode, Mode::Write | Mode::Interactive);
        JsonFinding {
            path: report.display_path.clone(),
            line: finding.range.line,
            column: finding.range.column,
            end_line: finding.range.end_line,
            end_column: finding.range.end_column,
            rule: finding.rule,
            message: finding.message.clone(),
            function_id: finding.function_id.clone(),
            fixable: finding.fixable(),
            fixed: written && finding.fixed(),
            would_fix: !written && finding.fixed(),
            reason: finding.reason().map(str::to_string),
            related: finding
                .related
                .iter()
                .map(|related| JsonRelated {
                    line: related.range.line,
                    column: related.range.column,
                    end_line: related.range.end_line,
                    end_column: related.range.end_column,
                    message: related.message.clone(),
                })
                .collect(),
        }
    }
}

impl JsonSummary {
    /// The counts of a run in `mode`.
    pub(super) fn new(summary: &Summary, mode: Mode) -> Self {
        let written = matches!(mode, Mode::Write | Mode::Interactive);
        JsonSummary {
            files_scanned: summary.files_scanned,
            files_matched: summary.files_matched,
            findings: summary.findings,
            fixed: if written { summary.fixed } else { 0 },
            would_fix: if written { 0 } else { summary.fixed },
            manual: summary.manual,
            suppressed: summary.suppressed,
            errors: summary.errors,
        }
    }
}

impl<O: Write, E: Write> JsonPrinter<O, E> {
    /// A printer writing the document to `out` and error lines and the summary to `err`.
    pub fn new(options: PrintOptions, out: O, err: E) -> Self {
        JsonPrinter {
            options,
            findings: Vec::new(),
            out,
            err,
        }
    }

    /// The two streams back, for tests.
    pub fn into_inner(self) -> (O, E) {
        (self.out, self.err)
    }
}

impl<O: Write, E: Write> Printer for JsonPrinter<O, E> {
    fn file(&mut self, report: &FileReport) -> io::Result<()> {
        let mode = self.options.mode;
        let findings = report.written_fixes().chain(report.shown().0);
        for finding in findings.filter(|f| !f.suppressed()) {
            self.findings.push(JsonFinding::new(report, finding, mode));
        }
        write_file_error(&mut self.err, report, self.options.color_err)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let document = Document {
            version: JSON_VERSION,
            findings: &self.findings,
            summary: JsonSummary::new(summary, self.options.mode),
        };
        serde_json::to_writer_pretty(&mut self.out, &document)?;
        writeln!(self.out)?;
        self.out.flush()?;
        write_summary(&mut self.err, summary, &self.options)?;
        self.err.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{SourceRange, Status};
    use crate::printer::FixFlags;
    use crate::report::Mode;
    use std::path::PathBuf;

    #[test]
    fn document_has_the_spec_shape() {
        let options = PrintOptions {
            mode: Mode::DryRun,
            color_out: false,
            color_err: false,
            quiet: false,
            statistics: false,
            show_fixes: false,
            flags: FixFlags::default(),
        };
        let mut printer = JsonPrinter::new(options, Vec::new(), Vec::new());
        let range = SourceRange {
            start_byte: 10,
            end_byte: 40,
            line: 7,
            column: 5,
            end_line: 7,
            end_column: 35,
        };
        let manual = Finding {
            rule: "unsafe-trailing-return",
            range,
            message: "m".to_string(),
            function_id: None,
            status: Status::Manual("r".to_string()),
            fix: None,
            related: Vec::new(),
        };
        let suppressed = Finding {
            status: Status::Suppressed,
            ..manual.clone()
        };
        let fixed = Finding {
            function_id: Some("demo".to_string()),
            status: Status::Fixed,
            ..manual.clone()
        };
        let report = FileReport {
            findings: vec![fixed, manual, suppressed],
            error: Some(crate::report::FileError::Unreadable("x".to_string())),
            ..FileReport::new(PathBuf::from("./a.ts"), "a.ts".to_string())
        };
        printer.file(&report).unwrap();
        let summary = Summary {
            files_scanned: 3,
            files_matched: 1,
            findings: 2,
            fixed: 1,
            manual: 1,
            suppressed: 1,
            errors: 1,
            ..Summary::default()
        };
        printer.finish(&summary).unwrap();
        let (out, err) = printer.into_inner();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "version": 2,
                "findings": [
                    // --dry-run writes nothing: the fix would be written, it is not `fixed`.
                    {"path": "a.ts", "line": 7, "column": 5, "end_line": 7, "end_column": 35,
                     "rule": "unsafe-trailing-return", "message": "m", "function_id": "demo",
                     "fixable": true, "fixed": false, "would_fix": true, "reason": null},
                    {"path": "a.ts", "line": 7, "column": 5, "end_line": 7, "end_column": 35,
                     "rule": "unsafe-trailing-return", "message": "m", "function_id": null,
                     "fixable": false, "fixed": false, "would_fix": false, "reason": "r"},
                ],
                "summary": {"files_scanned": 3, "files_matched": 1, "findings": 2, "fixed": 0,
                            "would_fix": 1, "manual": 1, "suppressed": 1, "errors": 1},
            })
        );
        let err = String::from_utf8(err).unwrap();
        assert!(
            err.starts_with("inngest-fix: error: a.ts: x\nScanned 3 files"),
            "{err}"
        );
    }
}
