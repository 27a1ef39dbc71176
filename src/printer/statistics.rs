//! `--statistics`: findings counted per rule, like `ruff check --statistics`, instead of
//! one line per finding (and instead of the diff).
//!
//! ```text
//! 5  unsafe-trailing-return       4 fixable with --write, 1 for manual review
//! 1  nondeterminism-outside-step  1 fixable with --unsafe-fixes
//! ```
//!
//! Rules are ordered by count, most first, then by name; the words are those of the
//! summary line, which still ends the run on stderr. With `--format json`, one JSON
//! array of `{"rule","count","fixable","fixed","manual"}`. Suppressed findings are not
//! counted here (the summary counts them). Error lines go to stderr as in every format.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{number, style, write_file_error, write_summary, PrintOptions, Printer};
use crate::diagnostic::{Finding, Status};
use crate::report::{FileReport, Mode, Summary};

/// What became of a finding, as the statistics group it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Fixed,
    WaitsForAllReturns,
    WaitsForUnsafeFixes,
    Manual,
    NoFix,
    NotFixed,
}

fn outcome(finding: &Finding) -> Outcome {
    match &finding.status {
        Status::Fixed => Outcome::Fixed,
        Status::WaitsForAllReturns => Outcome::WaitsForAllReturns,
        Status::WaitsForUnsafeFixes => Outcome::WaitsForUnsafeFixes,
        Status::Manual(_) => Outcome::Manual,
        Status::NoFix => Outcome::NoFix,
        Status::Deferred | Status::Declined | Status::NotApplied | Status::Suppressed => {
            Outcome::NotFixed
        }
    }
}

fn describe(outcome: Outcome, mode: Mode) -> &'static str {
    match (outcome, mode) {
        (Outcome::Fixed, Mode::Write | Mode::Interactive) => "fixed",
        (Outcome::Fixed, Mode::DryRun | Mode::Check) => "fixable with --write",
        (Outcome::WaitsForAllReturns, _) => "fixable with --all-returns",
        (Outcome::WaitsForUnsafeFixes, _) => "fixable with --unsafe-fixes",
        (Outcome::Manual, _) => "for manual review",
        (Outcome::NoFix, _) => "no automatic fix",
        (Outcome::NotFixed, _) => "not fixed",
    }
}

/// One rule's line in JSON.
#[derive(Debug, Serialize)]
struct RuleCount {
    rule: &'static str,
    count: usize,
    /// Findings with a fix, applied in this run or waiting for a flag.
    fixable: usize,
    /// Findings whose fix is applied (`--write`) or would be (`--dry-run`, `--check`).
    fixed: usize,
    /// Findings left for manual review.
    manual: usize,
}

/// Counts findings per rule and prints the table at the end.
pub struct StatisticsPrinter<O: Write, E: Write> {
    options: PrintOptions,
    json: bool,
    counts: BTreeMap<&'static str, BTreeMap<Outcome, usize>>,
    out: O,
    err: E,
}

impl<O: Write, E: Write> StatisticsPrinter<O, E> {
    /// A printer of the table (or, when `json`, the JSON array) to `out`, and of error
    /// lines and the summary to `err`.
    pub fn new(options: PrintOptions, json: bool, out: O, err: E) -> Self {
        StatisticsPrinter {
            options,
            json,
            counts: BTreeMap::new(),
            out,
            err,
        }
    }

    /// Rules by count (most first), then name.
    fn rows(&self) -> Vec<(&'static str, usize, &BTreeMap<Outcome, usize>)> {
        let mut rows: Vec<_> = self
            .counts
            .iter()
            .map(|(rule, outcomes)| (*rule, outcomes.values().sum::<usize>(), outcomes))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        rows
    }

    fn write_table(&mut self) -> io::Result<()> {
        let rows = self.rows();
        let count_width = rows.iter().map(|r| number(r.1).len()).max().unwrap_or(1);
        let rule_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let color = self.options.color_out;
        let mut text = String::new();
        for (rule, count, outcomes) in rows {
            let parts: Vec<String> = outcomes
                .iter()
                .map(|(outcome, n)| {
                    format!("{} {}", number(*n), describe(*outcome, self.options.mode))
                })
                .collect();
            let rule = style::paint(&format!("{rule:rule_width$}"), style::BOLD_RED, color);
            text.push_str(&format!(
                "{:>count_width$}  {rule}  {}\n",
                number(count),
                parts.join(", ")
            ));
        }
        self.out.write_all(text.as_bytes())
    }

    fn write_json(&mut self) -> io::Result<()> {
        let rows: Vec<RuleCount> = self
            .rows()
            .into_iter()
            .map(|(rule, count, outcomes)| {
                let of = |wanted: &[Outcome]| -> usize {
                    wanted.iter().filter_map(|o| outcomes.get(o)).sum()
                };
                RuleCount {
                    rule,
                    count,
                    fixable: of(&[
                        Outcome::Fixed,
                        Outcome::WaitsForAllReturns,
                        Outcome::WaitsForUnsafeFixes,
                    ]),
                    fixed: of(&[Outcome::Fixed]),
                    manual: of(&[Outcome::Manual]),
                }
            })
            .collect();
        serde_json::to_writer_pretty(&mut self.out, &rows)?;
        writeln!(self.out)
    }
}

impl<O: Write, E: Write> Printer for StatisticsPrinter<O, E> {
    fn file(&mut self, report: &FileReport) -> io::Result<()> {
        for finding in report
            .written_fixes()
            .chain(report.shown().0)
            .filter(|f| !f.suppressed())
        {
            let outcome = outcome(finding);
            *self
                .counts
                .entry(finding.rule)
                .or_default()
                .entry(outcome)
                .or_default() += 1;
        }
        write_file_error(&mut self.err, report, self.options.color_err)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.json {
            self.write_json()?;
        } else {
            self.write_table()?;
        }
        self.out.flush()?;
        write_summary(&mut self.err, summary, &self.options)?;
        self.err.flush()
    }
}
