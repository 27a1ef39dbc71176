//! What a run reports: the data the printers read, with no knowledge of how it was
//! produced.
//!
//! Owns: the run's [`Mode`], one [`FileReport`] per file that has something to say, the
//! [`Summary`] counts and the [`Exit`] status they mean. Does not own: producing them
//! ([`crate::run`]) or printing them ([`crate::printer`]).

use std::path::PathBuf;
use std::time::Duration;

use crate::diagnostic::{Finding, Status};
use crate::fix::Applicability;

/// What a run does with the fixes it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Print the fixes as a unified diff on stdout; change nothing (the default).
    DryRun,
    /// Apply the fixes in place.
    Write,
    /// Print findings on stdout; change nothing.
    Check,
    /// Show each file's fixes and ask whether to apply them.
    Interactive,
}

/// How a run ended; see [`Exit::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing left to do.
    Clean,
    /// Findings remain: any finding in `--dry-run` and `--check`, a finding that was
    /// not fixed in `--write`.
    FindingsRemain,
    /// A file could not be read, checked or written (this wins over findings).
    Error,
}

impl Exit {
    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::FindingsRemain => 1,
            Exit::Error => 2,
        }
    }
}

/// One file that has something to report: findings, a fix, or an error.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as walked, used to read and write the file.
    pub path: PathBuf,
    /// The path as printed: relative to the current directory, `/`-separated, no `./`.
    pub display_path: String,
    /// Every finding, suppressed ones included, in source order.
    pub findings: Vec<Finding>,
    /// The file's text as read, when it has findings (for code frames).
    pub source: Option<String>,
    /// The file's text before and after its fixes, when there are fixes.
    pub rewrite: Option<Rewrite>,
    /// Why the file could not be read, checked or written.
    pub error: Option<FileError>,
    /// `--write`: the findings of the text as written (checked again after the fixes,
    /// so that what a fix leaves or creates is reported by the run that wrote it);
    /// positions are in [`Rewrite::fixed`]. `None` when nothing was written.
    pub remaining: Option<Vec<Finding>>,
}

impl FileReport {
    /// A report with nothing in it yet.
    pub fn new(path: PathBuf, display_path: String) -> Self {
        FileReport {
            path,
            display_path,
            findings: Vec::new(),
            source: None,
            rewrite: None,
            error: None,
            remaining: None,
        }
    }

    /// The findings to print, and the text their positions are in: after `--write`, those
    /// of the text as written; otherwise those of the text as read.
    pub fn shown(&self) -> (&[Finding], Option<&str>) {
        match (&self.remaining, &self.rewrite) {
            (Some(remaining), Some(rewrite)) => (remaining, Some(&rewrite.fixed)),
            _ => (&self.findings, self.source.as_deref()),
        }
    }

    /// The findings whose fix this run wrote (`--write`, with [`FileReport::remaining`]).
    pub fn written_fixes(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|finding| self.remaining.is_some() && finding.status.is_fixed())
    }

    /// A report of a file that could not be handled, and why.
    pub fn failed(path: PathBuf, display_path: String, reason: FileError) -> Self {
        FileReport {
            error: Some(reason),
            ..FileReport::new(path, display_path)
        }
    }
}

/// Why a file could not be handled, as a value: what kind of failure, and the reason in
/// one line (no path). Printed with [`std::fmt::Display`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// It could not be read, or is not text the tool checks (size, binary, encoding).
    Unreadable(String),
    /// The configuration file that applies to it is unusable (the reason says
    /// "invalid configuration", and where).
    Config(String),
    /// A bug in the tool: the analysis panicked, or a fix did not verify.
    Internal(String),
    /// Its fixes were not written.
    NotWritten(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Unreadable(reason)
            | FileError::Config(reason)
            | FileError::NotWritten(reason) => f.write_str(reason),
            FileError::Internal(reason) => write!(f, "internal error: {reason}"),
        }
    }
}

impl std::error::Error for FileError {}

/// A file's text as read and as fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The text as read (BOM included).
    pub original: String,
    /// The text with every applied fix.
    pub fixed: String,
}

/// The counts of a run, as the summary line and the JSON `summary` give them: one
/// count per [`Status`], so that each finding is counted once, under what became of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files of a known language that were looked at (most never get past the prefilter).
    pub files_scanned: usize,
    /// Files that define at least one Inngest function.
    pub files_matched: usize,
    /// Findings not suppressed.
    pub findings: usize,
    /// Findings whose fix is applied (`--write`) or would be (`--dry-run`, `--check`).
    pub fixed: usize,
    /// Of the fixed findings, those whose fix rewrites a return not in tail position
    /// (applied because of `--all-returns`).
    pub fixed_non_trailing: usize,
    /// Of the fixed findings, those whose fix needs review (applied because of
    /// `--unsafe-fixes`).
    pub fixed_needs_review: usize,
    /// Findings left for manual review (they carry a reason).
    pub manual: usize,
    /// Findings that have no fix and no reason (`unused-suppression`).
    pub no_fix: usize,
    /// Findings whose fix waits for `--all-returns`.
    pub waiting_all_returns: usize,
    /// Findings whose fix waits for `--unsafe-fixes`.
    pub waiting_unsafe: usize,
    /// Findings whose fix overlaps another fix of this run.
    pub deferred: usize,
    /// `--interactive`: findings whose fix the user declined.
    pub declined: usize,
    /// Findings whose fix was not applied: it did not verify, or the file could not be written.
    pub not_applied: usize,
    /// Findings silenced by `// inngest-fix-ignore`.
    pub suppressed: usize,
    /// Files and paths that could not be read, checked or written.
    pub errors: usize,
    /// Wall time of the run until printing.
    pub elapsed: Duration,
}

impl Summary {
    /// Count one file's error and findings.
    pub fn count(&mut self, report: &FileReport) {
        self.errors += usize::from(report.error.is_some());
        let Some(remaining) = &report.remaining else {
            self.count_findings(&report.findings);
            return;
        };
        // After `--write`: the fixes written, then what the text as written still has.
        let written: Vec<Finding> = report.written_fixes().cloned().collect();
        self.count_findings(&written);
        self.count_findings(remaining);
    }

    fn count_findings(&mut self, findings: &[Finding]) {
        for finding in findings {
            if !finding.status.is_suppressed() {
                self.findings += 1;
            }
            if finding.status.is_fixed() {
                match finding.applicability() {
                    Some(Applicability::NonTrailing) => self.fixed_non_trailing += 1,
                    Some(Applicability::NeedsReview) => self.fixed_needs_review += 1,
                    Some(Applicability::Safe) | None => {}
                }
            }
            let counter = match finding.status {
                Status::Fixed => &mut self.fixed,
                Status::WaitsForAllReturns => &mut self.waiting_all_returns,
                Status::WaitsForUnsafeFixes => &mut self.waiting_unsafe,
                Status::Deferred => &mut self.deferred,
                Status::Manual(_) => &mut self.manual,
                Status::NoFix => &mut self.no_fix,
                Status::Suppressed => &mut self.suppressed,
                Status::Declined => &mut self.declined,
                Status::NotApplied => &mut self.not_applied,
            };
            *counter += 1;
        }
    }

    /// The exit status these counts mean in `mode`.
    pub fn exit(&self, mode: Mode) -> Exit {
        let remaining = match mode {
            Mode::Write | Mode::Interactive => self.findings.saturating_sub(self.fixed),
            Mode::DryRun | Mode::Check => self.findings,
        };
        if self.errors > 0 {
            Exit::Error
        } else if remaining > 0 {
            Exit::FindingsRemain
        } else {
            Exit::Clean
        }
    }
}
