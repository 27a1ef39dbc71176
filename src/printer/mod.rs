//! Output: what a run prints, one module per format.
//!
//! Owns: the [`Printer`] interface that every format implements, the formats the
//! command line accepts, colour, and the two lines every format shares: a file's error
//! line and the closing summary, both on stderr. Does not own: what is found
//! ([`crate::pipeline`]) or the order files arrive in ([`crate::run`] sorts them). Printers read
//! [`crate::report`] and each finding's [`crate::diagnostic::Status`]; the rules' names,
//! documentation, groups and fix titles come from the registry
//! ([`crate::rules::registry`]: SARIF's rule table, the help lines, the v4 plan).
//!
//! A format is one module with a [`Printer`], one [`Format`] variant and one arm in
//! [`new_printer`]: [`text`] (with [`diff`]), [`json`], [`json_lines`], [`sarif`],
//! [`github`]. [`progress`] is the indicator shown while files are checked.

pub mod annotated;
pub mod diff;
pub mod frame;
pub mod github;
pub mod json;
pub mod json_lines;
pub mod plan;
pub mod progress;
pub mod sarif;
pub mod statistics;
pub mod text;

use std::io::{self, Write};
use std::time::Duration;

use crate::report::{FileReport, Mode, Summary};

/// How findings are printed (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Each finding: `path:line:col: rule message`, its code frame, what fixes it; the diff in `--dry-run`.
    Text,
    /// One `path:line:col: rule message (state)` line per finding; the diff in `--dry-run`.
    Concise,
    /// One JSON document on stdout (`{"version":2,"findings":[…],"summary":{…}}`).
    Json,
    /// One JSON object per finding, one per line, then a summary object.
    JsonLines,
    /// A SARIF 2.1.0 log, with fixes.
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=…::message`).
    Github,
}

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour a stream when it is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream, given whether that stream is a terminal.
    pub fn enabled(self, stream_is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                let dumb = std::env::var_os("TERM").is_some_and(|v| v == "dumb");
                stream_is_terminal && !no_color && !dumb
            }
        }
    }
}

/// What every printer needs to know about the run.
#[derive(Debug, Clone, Copy)]
pub struct PrintOptions {
    /// The mode decides where diagnostics go and how a fixed finding is described.
    pub mode: Mode,
    /// Colour what goes to stdout.
    pub color_out: bool,
    /// Colour what goes to stderr.
    pub color_err: bool,
    /// `-q`: no summary line.
    pub quiet: bool,
    /// `--statistics`: counts per rule instead of findings.
    pub statistics: bool,
    /// `--show-fixes`: after `--write`, list each fix written instead of one line per file.
    pub show_fixes: bool,
    /// The flags given on the command line that let more fixes apply: the summary of
    /// `--check` and `--dry-run` names them where plain `--write` would not apply a fix.
    pub flags: FixFlags,
}

/// `--all-returns` and `--unsafe-fixes`, as given on the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixFlags {
    /// `--all-returns` was given.
    pub all_returns: bool,
    /// `--unsafe-fixes` was given.
    pub unsafe_fixes: bool,
}

/// A format's printer. It is fed every file that has something to report, in path
/// order, then the summary once.
pub trait Printer {
    /// One file's findings, fix and error.
    fn file(&mut self, report: &FileReport) -> io::Result<()>;
    /// After the last file, before the summary: the v4 migration plan, in the formats
    /// meant for people ([`plan`]).
    fn plan(&mut self, _reports: &[FileReport]) -> io::Result<()> {
        Ok(())
    }
    /// After the last file: anything held back, then the summary line on stderr.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// The printer for `format`, writing to `out` (stdout) and `err` (stderr).
pub fn new_printer<'a>(
    format: Format,
    options: PrintOptions,
    out: Box<dyn Write + 'a>,
    err: Box<dyn Write + 'a>,
) -> Box<dyn Printer + 'a> {
    if options.statistics {
        let json = format == Format::Json;
        return Box::new(statistics::StatisticsPrinter::new(options, json, out, err));
    }
    match format {
        Format::Text => Box::new(text::TextPrinter::with_frames(options, out, err)),
        Format::Concise => Box::new(text::TextPrinter::new(options, out, err)),
        Format::Json => Box::new(json::JsonPrinter::new(options, out, err)),
        Format::JsonLines => Box::new(json_lines::JsonLinesPrinter::new(options, out, err)),
        Format::Sarif => Box::new(sarif::SarifPrinter::new(options, out, err)),
        Format::Github => Box::new(github::GithubPrinter::new(options, out, err)),
    }
}

/// `inngest-fix: error: PATH: reason`: the one line a file that could not be handled gets.
pub fn write_error_line(
    err: &mut dyn Write,
    path: &str,
    reason: &str,
    color: bool,
) -> io::Result<()> {
    let label = style::paint("error", style::BOLD_RED, color);
    writeln!(err, "inngest-fix: {label}: {path}: {reason}")
}

/// A warning line: `inngest-fix: warning: message`.
pub fn write_warning_line(err: &mut dyn Write, message: &str, color: bool) -> io::Result<()> {
    let label = style::paint("warning", style::YELLOW, color);
    writeln!(err, "inngest-fix: {label}: {message}")
}

/// The error line of a file that could not be checked or written, when it has one.
pub fn write_file_error(err: &mut dyn Write, report: &FileReport, color: bool) -> io::Result<()> {
    match &report.error {
        Some(error) => write_error_line(err, &report.display_path, &error.to_string(), color),
        None => Ok(()),
    }
}

/// The closing line of every run, ruff-like:
/// `Scanned 12 files (3 with Inngest functions) in 41ms: 4 findings (2 fixed, 1 manual, …), 1 suppressed, no errors.`
pub fn write_summary(
    err: &mut dyn Write,
    summary: &Summary,
    options: &PrintOptions,
) -> io::Result<()> {
    if options.quiet {
        return Ok(());
    }
    writeln!(err, "{}", summary_line(summary, options))
}

/// The summary line's text, without colour for counts of zero.
pub fn summary_line(summary: &Summary, options: &PrintOptions) -> String {
    let color = options.color_err;
    let mut line = format!(
        "Scanned {} ({} with Inngest functions) in {}: ",
        plural(summary.files_scanned, "file", "files"),
        number(summary.files_matched),
        elapsed(summary.elapsed),
    );
    let written = matches!(options.mode, Mode::Write | Mode::Interactive) && summary.fixed > 0;
    if summary.findings == 0 {
        line.push_str("no findings");
    } else if written {
        // After `--write`: what was written, then what the files as written still have.
        let remaining = summary.findings.saturating_sub(summary.fixed);
        line.push_str(&style::paint(
            &format!("{} fixed", number(summary.fixed)),
            style::BOLD,
            color,
        ));
        line.push_str(&format!(", {} remaining", number(remaining)));
        let parts = remaining_parts(summary);
        if !parts.is_empty() {
            line.push_str(&format!(" ({})", parts.join(", ")));
        }
    } else {
        line.push_str(&style::paint(
            &plural(summary.findings, "finding", "findings"),
            style::BOLD,
            color,
        ));
        let mut parts = Vec::new();
        if summary.fixed > 0 {
            parts.extend(fixable_parts(summary, options.flags));
        }
        parts.extend(remaining_parts(summary));
        if !parts.is_empty() {
            line.push_str(&format!(" ({})", parts.join(", ")));
        }
    }
    line.push_str(&format!(", {} suppressed, ", number(summary.suppressed)));
    if summary.errors == 0 {
        line.push_str("no errors.");
    } else {
        let errors = plural(summary.errors, "error", "errors");
        line.push_str(&style::paint(&errors, style::BOLD_RED, color));
        line.push('.');
    }
    line
}

/// What became of the findings that no fix of this run removed.
fn remaining_parts(summary: &Summary) -> Vec<String> {
    let mut parts = Vec::new();
    if summary.manual > 0 {
        parts.push(format!("{} for manual review", number(summary.manual)));
    }
    if summary.waiting_all_returns > 0 {
        parts.push(format!(
            "{} fixable with --all-returns",
            number(summary.waiting_all_returns)
        ));
    }
    if summary.waiting_unsafe > 0 {
        parts.push(format!(
            "{} fixable with --unsafe-fixes",
            number(summary.waiting_unsafe)
        ));
    }
    if summary.deferred > 0 {
        parts.push(format!(
            "{} fixable by running again",
            number(summary.deferred)
        ));
    }
    if summary.declined > 0 {
        parts.push(format!("{} skipped", number(summary.declined)));
    }
    if summary.not_applied > 0 {
        parts.push(format!("{} not fixed", number(summary.not_applied)));
    }
    parts
}

/// "N fixable with --write", and, for fixes that plain `--write` applies only because
/// of a flag given on this command line, that flag with it: what `--write` needs to
/// apply them.
fn fixable_parts(summary: &Summary, flags: FixFlags) -> Vec<String> {
    let non_trailing = if flags.all_returns {
        summary.fixed_non_trailing
    } else {
        0
    };
    let needs_review = if flags.unsafe_fixes {
        summary.fixed_needs_review
    } else {
        0
    };
    let plain = summary.fixed.saturating_sub(non_trailing + needs_review);
    let mut parts = Vec::new();
    if plain > 0 {
        parts.push(format!("{} fixable with --write", number(plain)));
    }
    if non_trailing > 0 {
        parts.push(format!(
            "{} fixable with --write --all-returns",
            number(non_trailing)
        ));
    }
    if needs_review > 0 {
        parts.push(format!(
            "{} fixable with --write --unsafe-fixes",
            number(needs_review)
        ));
    }
    parts
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{} {}", number(count), if count == 1 { one } else { many })
}

/// A count as every human-readable output writes it: digits in groups of three,
/// `1,785` (JSON and SARIF keep plain numbers).
pub fn number(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn elapsed(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1000 {
        format!("{millis}ms")
    } else {
        format!("{:.2}s", duration.as_secs_f64())
    }
}

/// ANSI styles, kept to the few the printers use.
pub(crate) mod style {
    pub const BOLD: &str = "\x1b[1m";
    pub const BOLD_RED: &str = "\x1b[1;31m";
    pub const BOLD_BLUE: &str = "\x1b[1;34m";
    pub const BOLD_CYAN: &str = "\x1b[1;36m";
    pub const RED: &str = "\x1b[31m";
    pub const GREEN: &str = "\x1b[32m";
    pub const CYAN: &str = "\x1b[36m";
    pub const YELLOW: &str = "\x1b[33m";
    pub const RESET: &str = "\x1b[0m";

    /// `text` in `style` when `enabled`, else as is.
    pub fn paint(text: &str, style: &str, enabled: bool) -> String {
        if enabled {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(mode: Mode) -> PrintOptions {
        PrintOptions {
            mode,
            color_out: false,
            color_err: false,
            quiet: false,
            statistics: false,
            show_fixes: false,
            flags: FixFlags::default(),
        }
    }

    #[test]
    fn summary_reads_well() {
        let summary = Summary {
            files_scanned: 12,
            files_matched: 3,
            findings: 4,
            fixed: 2,
            manual: 1,
            waiting_all_returns: 1,
            suppressed: 1,
            errors: 0,
            elapsed: Duration::from_millis(41),
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&summary, &options(Mode::Write)),
            "Scanned 12 files (3 with Inngest functions) in 41ms: 2 fixed, 2 remaining \
             (1 for manual review, 1 fixable with --all-returns), 1 suppressed, no errors."
        );
        assert!(summary_line(&summary, &options(Mode::DryRun)).contains("2 fixable with --write"));
    }

    #[test]
    fn summary_of_nothing() {
        let summary = Summary {
            files_scanned: 1,
            errors: 1,
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&summary, &options(Mode::Check)),
            "Scanned 1 file (0 with Inngest functions) in 0ms: no findings, 0 suppressed, 1 error."
        );
    }

    #[test]
    fn numbers_are_grouped_everywhere() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1785), "1,785");
        assert_eq!(number(1_234_567), "1,234,567");
        let summary = Summary {
            files_scanned: 20_000,
            files_matched: 1785,
            findings: 1785,
            fixed: 1785,
            elapsed: Duration::from_millis(620),
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&summary, &options(Mode::Check)),
            "Scanned 20,000 files (1,785 with Inngest functions) in 620ms: 1,785 findings \
             (1,785 fixable with --write), 0 suppressed, no errors."
        );
    }

    #[test]
    fn colour_choice() {
        assert!(ColorChoice::Always.enabled(false));
        assert!(!ColorChoice::Never.enabled(true));
        assert!(!ColorChoice::Auto.enabled(false));
    }
}
