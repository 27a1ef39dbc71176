//! The text formats: each finding with its code frame and help (`text`, the default,
//! see [`super::annotated`]) or on one `path:line:col: rule message (state)` line
//! (`concise`), and the unified diff in `--dry-run`.
//!
//! Where things go: the diff on stdout (so it can be piped to `git apply`), diagnostics
//! on stderr, except in `--check`, where they are the output and go to stdout. Suppressed
//! findings are not printed; the summary counts them.

use std::io::{self, Write};

use super::frame::Lines;
use super::{annotated, diff, style, write_file_error, write_summary, PrintOptions, Printer};
use crate::diagnostic::{Finding, Status};
use crate::report::{FileReport, Mode, Summary};

/// Prints findings (with code frames, or as lines), and diffs in `--dry-run`.
pub struct TextPrinter<O: Write, E: Write> {
    options: PrintOptions,
    /// Code frames and help (`text`), or one line per finding (`concise`).
    frames: bool,
    out: O,
    err: E,
}

impl<O: Write, E: Write> TextPrinter<O, E> {
    /// A printer of one line per finding (`--format concise`), writing to `out` (stdout)
    /// and `err` (stderr).
    pub fn new(options: PrintOptions, out: O, err: E) -> Self {
        TextPrinter {
            options,
            frames: false,
            out,
            err,
        }
    }

    /// The same, showing each finding with its code frame and help (`--format text`).
    pub fn with_frames(options: PrintOptions, out: O, err: E) -> Self {
        TextPrinter {
            frames: true,
            ..TextPrinter::new(options, out, err)
        }
    }

    /// The two streams back, for tests.
    pub fn into_inner(self) -> (O, E) {
        (self.out, self.err)
    }
}

impl<O: Write, E: Write> Printer for TextPrinter<O, E> {
    fn file(&mut self, report: &FileReport) -> io::Result<()> {
        if let (Mode::DryRun, Some(rewrite)) = (self.options.mode, &report.rewrite) {
            let color = self.options.color_out;
            diff::write_diff(
                &mut self.out,
                &report.display_path,
                &rewrite.original,
                &rewrite.fixed,
                color,
            )?;
        }
        let (diagnostics, color): (&mut dyn Write, bool) = match self.options.mode {
            Mode::Check => (&mut self.out, self.options.color_out),
            Mode::DryRun | Mode::Write | Mode::Interactive => {
                (&mut self.err, self.options.color_err)
            }
        };
        write_fixes_written(diagnostics, report, &self.options, color)?;
        let (shown, source) = report.shown();
        if self.frames {
            let lines = source.map(Lines::new);
            for finding in shown.iter().filter(|f| !f.suppressed()) {
                let help = annotated::help(finding, self.options.mode, self.options.flags);
                let block = annotated::render(
                    &report.display_path,
                    lines.as_ref(),
                    finding,
                    help.as_deref(),
                    color,
                );
                diagnostics.write_all(block.as_bytes())?;
            }
        }
        for finding in shown.iter().filter(|f| !f.suppressed() && !self.frames) {
            let line = diagnostic_line(&report.display_path, finding, &self.options, color);
            writeln!(diagnostics, "{line}")?;
        }
        write_file_error(&mut self.err, report, self.options.color_err)
    }

    fn plan(&mut self, reports: &[FileReport]) -> io::Result<()> {
        if self.options.quiet {
            return Ok(());
        }
        let stream: &mut dyn Write = match self.options.mode {
            Mode::Check => &mut self.out,
            Mode::DryRun | Mode::Write | Mode::Interactive => &mut self.err,
        };
        super::plan::write_plan(stream, reports, self.options.mode)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.flush()?;
        write_summary(&mut self.err, summary, &self.options)?;
        self.err.flush()
    }
}

/// After `--write`, what was written to the file: one line naming the rules and how many
/// fixes of each (`src/a.ts: 3 fixes written (unsafe-trailing-return ×2, unawaited-send)`),
/// or, with `--show-fixes`, one line per fix at its position in the text as read. Under
/// `-q` only `--show-fixes` prints.
fn write_fixes_written(
    out: &mut dyn Write,
    report: &FileReport,
    options: &PrintOptions,
    color: bool,
) -> io::Result<()> {
    let written: Vec<&Finding> = report.written_fixes().collect();
    if written.is_empty() {
        return Ok(());
    }
    if options.show_fixes {
        for finding in written {
            let state = format!("fixed: {}", annotated::fix_done(finding.rule));
            let line = line_with_state(
                &report.display_path,
                finding,
                Some((state, style::GREEN)),
                color,
            );
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    if options.quiet {
        return Ok(());
    }
    let mut rules: Vec<(&str, usize)> = Vec::new();
    for finding in &written {
        match rules.iter_mut().find(|(rule, _)| *rule == finding.rule) {
            Some((_, count)) => *count += 1,
            None => rules.push((finding.rule, 1)),
        }
    }
    let rules: Vec<String> = rules
        .into_iter()
        .map(|(rule, count)| match count {
            1 => rule.to_string(),
            count => format!("{rule} \u{d7}{count}"),
        })
        .collect();
    let count = written.len();
    writeln!(
        out,
        "{} {} {} written ({})",
        style::paint(&format!("{}:", report.display_path), style::BOLD, color),
        super::number(count),
        if count == 1 { "fix" } else { "fixes" },
        rules.join(", ")
    )
}

/// `path:line:col: rule message (state)`, where the state says what became of it:
/// `fixed` (or `fixable` when nothing is written), `manual: reason`, or what it waits for.
pub fn diagnostic_line(
    path: &str,
    finding: &Finding,
    options: &PrintOptions,
    color: bool,
) -> String {
    line_with_state(path, finding, finding_state(finding, options), color)
}

fn line_with_state(
    path: &str,
    finding: &Finding,
    state: Option<(String, &'static str)>,
    color: bool,
) -> String {
    let location = format!("{path}:{}:{}:", finding.range.line, finding.range.column);
    format!(
        "{} {} {}{}",
        style::paint(&location, style::BOLD, color),
        style::paint(finding.rule, style::BOLD_RED, color),
        finding.message,
        match state {
            Some((text, paint)) => format!(" {}", style::paint(&format!("({text})"), paint, color)),
            None => String::new(),
        }
    )
}

/// What became of a finding, in words and colour; `None` when there is nothing to add.
fn finding_state(finding: &Finding, options: &PrintOptions) -> Option<(String, &'static str)> {
    // The message already says what the fix waits for: no second parenthesis.
    if finding.status_note().is_some() {
        return None;
    }
    match &finding.status {
        Status::Manual(reason) => Some((format!("manual: {reason}"), style::YELLOW)),
        Status::Fixed => {
            let text = match options.mode {
                Mode::Write | Mode::Interactive => "fixed",
                Mode::DryRun | Mode::Check => "fixable",
            };
            Some((text.to_string(), style::GREEN))
        }
        Status::WaitsForAllReturns => Some(("fixable with --all-returns".to_string(), style::CYAN)),
        Status::WaitsForUnsafeFixes => {
            Some(("fixable with --unsafe-fixes".to_string(), style::CYAN))
        }
        Status::Declined => Some(("skipped".to_string(), style::CYAN)),
        Status::NotApplied => Some(("not fixed".to_string(), style::CYAN)),
        Status::Deferred | Status::NoFix | Status::Suppressed => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::diagnostic::SourceRange;
    use crate::printer::FixFlags;
    use crate::report::Rewrite;
    use std::path::PathBuf;

    pub(crate) fn finding(line: usize, fixed: bool, reason: Option<&str>) -> Finding {
        let status = match (fixed, reason) {
            (_, Some(reason)) => Status::Manual(reason.to_string()),
            (true, None) => Status::Fixed,
            (false, None) => Status::WaitsForAllReturns,
        };
        Finding {
            rule: "unsafe-trailing-return",
            range: SourceRange {
                start_byte: 0,
                end_byte: 1,
                line,
                column: 5,
                end_line: line,
                end_column: 30,
            },
            message: "return after steps reads handler variables".to_string(),
            function_id: Some("demo".to_string()),
            status,
            fix: None,
            related: Vec::new(),
        }
    }

    fn report() -> FileReport {
        let mut suppressed = finding(9, false, None);
        suppressed.status = Status::Suppressed;
        FileReport {
            path: PathBuf::from("./src/a.ts"),
            display_path: "src/a.ts".to_string(),
            findings: vec![
                finding(7, true, None),
                finding(8, false, Some("reads a variable mutated inside a step")),
                suppressed,
            ],
            source: None,
            rewrite: Some(Rewrite {
                original: "a\nb\n".to_string(),
                fixed: "a\nB\n".to_string(),
            }),
            error: None,
            remaining: None,
        }
    }

    fn print(mode: Mode, report: &FileReport) -> (String, String) {
        let options = PrintOptions {
            mode,
            color_out: false,
            color_err: false,
            quiet: false,
            statistics: false,
            show_fixes: false,
            flags: FixFlags::default(),
        };
        let mut printer = TextPrinter::new(options, Vec::new(), Vec::new());
        printer.file(report).unwrap();
        printer.finish(&Summary::default()).unwrap();
        let (out, err) = printer.into_inner();
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn dry_run_diff_on_stdout_diagnostics_on_stderr() {
        let (out, err) = print(Mode::DryRun, &report());
        assert_eq!(
            out,
            "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n"
        );
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines[..2],
            [
                "src/a.ts:7:5: unsafe-trailing-return return after steps reads handler variables (fixable)",
                "src/a.ts:8:5: unsafe-trailing-return return after steps reads handler variables \
                 (manual: reads a variable mutated inside a step)",
            ]
        );
        assert!(lines[2].starts_with("Scanned "), "{err}");
        assert_eq!(
            lines.len(),
            3,
            "the suppressed finding is not printed: {err}"
        );
    }

    #[test]
    fn check_prints_diagnostics_on_stdout_and_no_diff() {
        let (out, err) = print(Mode::Check, &report());
        assert_eq!(out.lines().count(), 2);
        assert!(out.starts_with("src/a.ts:7:5: unsafe-trailing-return "));
        assert!(err.starts_with("Scanned "));
    }

    #[test]
    fn write_says_fixed() {
        let (out, err) = print(Mode::Write, &report());
        assert_eq!(out, "");
        assert!(err.lines().next().unwrap().ends_with("(fixed)"));
    }

    #[test]
    fn error_line_names_the_file() {
        let report = FileReport {
            error: Some(crate::report::FileError::Unreadable(
                "not UTF-8 text".to_string(),
            )),
            ..FileReport::new(PathBuf::from("b.ts"), "b.ts".to_string())
        };
        let (_, err) = print(Mode::DryRun, &report);
        assert_eq!(
            err.lines().next(),
            Some("inngest-fix: error: b.ts: not UTF-8 text")
        );
    }

    #[test]
    fn waiting_finding_points_at_all_returns() {
        let options = PrintOptions {
            mode: Mode::Check,
            color_out: false,
            color_err: false,
            quiet: false,
            statistics: false,
            show_fixes: false,
            flags: FixFlags::default(),
        };
        let line = diagnostic_line("a.ts", &finding(3, false, None), &options, false);
        assert!(line.ends_with("(fixable with --all-returns)"), "{line}");
    }

    #[test]
    fn waiting_unsafe_fix_points_at_unsafe_fixes() {
        let options = PrintOptions {
            mode: Mode::Check,
            color_out: false,
            color_err: false,
            quiet: false,
            statistics: false,
            show_fixes: false,
            flags: FixFlags::default(),
        };
        let mut waiting = finding(3, false, None);
        waiting.status = Status::WaitsForUnsafeFixes;
        let line = diagnostic_line("a.ts", &waiting, &options, false);
        assert!(line.ends_with("(fixable with --unsafe-fixes)"), "{line}");
    }
}
