//! The JSON Lines format (`--format json-lines`): one JSON object per finding, on its own
//! line, flushed file by file, then one summary object. Like every format it prints after
//! the walk, in path order (output never depends on thread timing), so the lines stream
//! while printing, not while checking.
//!
//! A finding line has the fields of a finding of the JSON document (`path`, `line`,
//! `column`, `end_line`, `end_column`, `rule`, `message`, `function_id`, `fixable`,
//! `fixed`, `reason`) and `"type":"finding"`; the last line is
//! `{"type":"summary","version":2,…the summary's counts}`. A consumer reads it line by
//! line without holding a whole document, and tells a complete stream by its summary line. Error lines
//! and the human summary go to stderr, as for `json`.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{JsonFinding, JsonSummary, JSON_VERSION};
use super::{write_file_error, write_summary, PrintOptions, Printer};
use crate::report::{FileReport, Summary};

/// Prints one line per finding, then the summary line.
pub struct JsonLinesPrinter<O: Write, E: Write> {
    options: PrintOptions,
    out: O,
    err: E,
}

#[derive(Serialize)]
struct Line<T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u32>,
    #[serde(flatten)]
    body: T,
}

impl<O: Write, E: Write> JsonLinesPrinter<O, E> {
    /// A printer writing the lines to `out` and error lines and the summary to `err`.
    pub fn new(options: PrintOptions, out: O, err: E) -> Self {
        JsonLinesPrinter { options, out, err }
    }

    /// The two streams back, for tests.
    pub fn into_inner(self) -> (O, E) {
        (self.out, self.err)
    }

    fn line(&mut self, line: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, line)?;
        writeln!(self.out)
    }
}

impl<O: Write, E: Write> Printer for JsonLinesPrinter<O, E> {
    fn file(&mut self, report: &FileReport) -> io::Result<()> {
        let findings = report.written_fixes().chain(report.shown().0);
        for finding in findings.filter(|f| !f.suppressed()) {
            self.line(&Line {
                kind: "finding",
                version: None,
                body: JsonFinding::new(report, finding, self.options.mode),
            })?;
        }
        // Streamed: a consumer sees each file's findings as soon as they are printed.
        self.out.flush()?;
        write_file_error(&mut self.err, report, self.options.color_err)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.line(&Line {
            kind: "summary",
            version: Some(JSON_VERSION),
            body: JsonSummary::new(summary, self.options.mode),
        })?;
        self.out.flush()?;
        write_summary(&mut self.err, summary, &self.options)?;
        self.err.flush()
    }
}
