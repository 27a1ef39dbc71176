//! The SARIF format (`--format sarif`): one SARIF 2.1.0 log on stdout, for GitHub code
//! scanning (`github/codeql-action/upload-sarif`) and other SARIF viewers.
//!
//! The log has one run: the tool (`inngest-fix`, its version, and every rule with its
//! summary, description and documentation, from [`crate::rules::registry`]), one result per
//! finding that is not suppressed (rule, level `warning`, message, location with the
//! path relative to the current directory and a 1-based region whose columns count
//! Unicode code points, as `columnKind` says), and the invocation, whose notifications
//! are the files that could not be read, checked or written.
//!
//! A finding whose fix is part of this run's fixed text carries it as a SARIF `fix`:
//! its edits, each a `deletedRegion` of the file as read and the `insertedContent` that
//! replaces it. `--write` runs give no fixes: they are already applied. Findings that
//! are fixable but not fixed in this run (waiting for `--all-returns` or
//! `--unsafe-fixes`) have none either, nor do findings fixed in a later round of the fix
//! loop (their edits apply to a text the first round changed).

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{write_error_line, write_summary, PrintOptions, Printer};
use crate::diagnostic::{Finding, LineIndex};
use crate::report::{FileReport, Mode, Summary};
use crate::rule::{section, Rule};
use crate::rules::registry;

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
        let findings: Vec<&Finding> = report
            .shown()
            .0
            .iter()
            .filter(|f| !f.suppressed())
            .collect();
        for finding in findings {
            let fixes = match (&report.rewrite, self.options.mode) {
                (Some(rewrite), Mode::DryRun | Mode::Check) if finding.fixed() => {
                    replacements(&rewrite.original, finding)
                }
                _ => Vec::new(),
            };
            self.results.push(result(&uri, finding, fixes));
        }
        if let Some(reason) = report.error.as_ref().map(ToString::to_string) {
            self.notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{}: {reason}", report.display_path) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&uri) } }],
            }));
            write_error_line(
                &mut self.err,
                &report.display_path,
                &reason,
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
        "rules": registry::by_name().into_iter().map(rule).collect::<Vec<_>>(),
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
fn rule(rule: &'static Rule) -> Value {
    let (name, doc) = (rule.name, rule.doc());
    let why = section(doc, "Why is this bad?").unwrap_or("");
    json!({
        "id": name,
        "name": name,
        "shortDescription": { "text": rule.summary() },
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
    let rule_index = registry::by_name()
        .iter()
        .position(|rule| rule.name == finding.rule);
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

/// The SARIF replacements of a finding's fix: each edit as the region of the file as
/// read that it replaces (lines and columns in code points) and the text it inserts.
fn replacements(original: &str, finding: &Finding) -> Vec<Value> {
    let Some(fix) = &finding.fix else {
        return Vec::new();
    };
    let lines = LineIndex::new(original);
    fix.edits
        .iter()
        .map(|edit| {
            let region = lines.range(edit.range.clone(), 0);
            json!({
                "deletedRegion": {
                    "startLine": region.line,
                    "startColumn": region.column,
                    "endLine": region.end_line,
                    "endColumn": region.end_column,
                },
                "insertedContent": { "text": edit.replacement },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Status;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("src/a.ts"), "src/a.ts");
        assert_eq!(uri("src/my file:1.ts"), "src/my%20file%3A1.ts");
        assert_eq!(uri("/elsewhere/é.ts"), "file:///elsewhere/%C3%A9.ts");
    }

    #[test]
    fn a_fix_is_its_edits_as_regions_of_the_file() {
        let original = "a\n  return é;\n";
        let finding = Finding {
            rule: "unsafe-trailing-return",
            range: crate::diagnostic::SourceRange {
                start_byte: 4,
                end_byte: 13,
                line: 2,
                column: 3,
                end_line: 2,
                end_column: 12,
            },
            message: "m".to_string(),
            function_id: None,
            status: Status::Fixed,
            fix: Some(crate::fix::Fix::safe(vec![
                crate::fix::Edit {
                    range: 4..14,
                    replacement: "return x;".to_string(),
                },
                crate::fix::Edit {
                    range: 15..15,
                    replacement: "// end\n".to_string(),
                },
            ])),
            related: Vec::new(),
        };
        assert_eq!(
            replacements(original, &finding),
            [
                json!({
                    "deletedRegion": {"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 12},
                    "insertedContent": {"text": "return x;"},
                }),
                json!({
                    "deletedRegion": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 1},
                    "insertedContent": {"text": "// end\n"},
                }),
            ]
        );
    }
}
