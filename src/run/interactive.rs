//! `--interactive`: show each file's fixes as a diff and ask whether to apply them, like
//! `ast-grep -i`.
//!
//! A file with one fix is offered whole; a file with several is offered fix by fix,
//! each shown as the diff of the file with only that fix's edits applied (the edits the
//! finding carries: nothing is analysed again per fix). What is written is always a
//! text the library built and verified: all fixes, as the run built them, or, when some
//! were declined, the accepted ones applied together by one more run of the pipeline
//! ([`crate::pipeline::check_source_accepting`]), which re-parses the result and checks
//! it again. Accepted fixes are
//! written as `--write` writes them; declined ones are reported as skipped. Answers come one per line from stdin (a terminal, or a pipe in scripts and
//! tests); the end of input means quit.

use std::io::{self, BufRead, IsTerminal, Write};

use super::{apply_rewrite, Config, WriteScope};
use crate::config::Resolver;
use crate::diagnostic::{Finding, Status};
use crate::fix::{self, Edit};
use crate::language::Lang;
use crate::pipeline::{check_source_accepting, FileOutcome};
use crate::printer::diff;
use crate::report::{FileError, FileReport, Rewrite};

/// One answer to "apply the fixes to this file?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Apply this file's fixes.
    Yes,
    /// Leave this file alone.
    No,
    /// Apply this file's fixes and every remaining file's, without asking.
    All,
    /// Leave this file and every remaining one alone.
    Quit,
}

impl Answer {
    fn parse(line: &str) -> Option<Answer> {
        match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Some(Answer::Yes),
            "n" | "no" => Some(Answer::No),
            "a" | "all" => Some(Answer::All),
            "q" | "quit" => Some(Answer::Quit),
            _ => None,
        }
    }
}

/// Ask about every fix, reading answers from `input`, and write what was accepted. The
/// diffs and questions go to stdout.
pub fn ask(
    reports: &mut [FileReport],
    config: &Config,
    resolver: &Resolver,
    input: &mut dyn BufRead,
) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let color = config.color.enabled(stdout.is_terminal());
    let mut out = stdout.lock();
    // Checks the file again, applying only some of its fixes (and verifying them).
    let recheck = |report: &FileReport, accept: &dyn Fn(usize) -> bool| {
        let lang = Lang::from_path(&report.path)?;
        let resolved = resolver.for_path(&report.path, false).ok()?;
        let original = &report.rewrite.as_ref()?.original;
        Some(check_source_accepting(
            original,
            lang,
            &resolved.settings.for_file(&report.path),
            accept,
        ))
    };
    ask_with(
        reports,
        &WriteScope::new(&config.paths),
        &recheck,
        input,
        &mut out,
        color,
    )
}

/// Checks a report's file again, applying the fixes of the findings the filter keeps.
type Recheck<'a> = dyn Fn(&FileReport, &dyn Fn(usize) -> bool) -> Option<FileOutcome> + 'a;

/// The file as read with only `finding`'s edits applied.
fn alone(original: &str, finding: &Finding) -> Option<String> {
    let edits: Vec<&Edit> = finding.fix.as_ref()?.edits.iter().collect();
    fix::apply(original, &edits).ok()
}

/// The fixes of one file that the user is asked about: indices into its findings.
fn offered(report: &FileReport) -> Vec<usize> {
    let fixes: Vec<usize> = (0..report.findings.len())
        .filter(|&i| report.findings[i].fixed() && report.findings[i].fix.is_some())
        .collect();
    // One question for the file when it has at most one fix.
    if fixes.len() > 1 {
        fixes
    } else {
        Vec::new()
    }
}

fn ask_with(
    reports: &mut [FileReport],
    scope: &WriteScope,
    recheck: &Recheck,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    color: bool,
) -> anyhow::Result<()> {
    let total: usize = reports
        .iter()
        .filter(|r| r.rewrite.is_some())
        .map(|r| offered(r).len().max(1))
        .sum();
    let mut asked = 0;
    let mut answers = Answers::default();
    for report in reports.iter_mut() {
        let Some(rewrite) = report.rewrite.clone() else {
            continue;
        };
        let fixes = offered(report);
        if fixes.is_empty() {
            asked += 1;
            if answers.asking() {
                diff::write_diff(
                    out,
                    &report.display_path,
                    &rewrite.original,
                    &rewrite.fixed,
                    color,
                )?;
            }
            // Named: which rule's fix, or how many fixes of which rules.
            let mut rules: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.fixed())
                .map(|f| f.rule)
                .collect();
            let count = rules.len();
            rules.dedup();
            let what = match count {
                1 => format!("the {} fix", rules.join(", ")),
                n => format!("the {n} fixes ({})", rules.join(", ")),
            };
            let question = format!(
                "[{asked}/{total}] Apply {what} to {}? [y]es, [n]o, [a]ll, [q]uit: ",
                report.display_path
            );
            if answers.answer(input, out, &question)? {
                apply_rewrite(report, scope);
            } else {
                decline(report);
            }
            continue;
        }
        let mut accepted = Vec::new();
        for (k, &index) in fixes.iter().enumerate() {
            asked += 1;
            // Shown alone: the file with only this fix's edits applied. Nothing is
            // analysed again here; what is written is verified below.
            let alone = if !answers.asking() {
                None
            } else {
                match alone(&rewrite.original, &report.findings[index]) {
                    Some(alone) => Some(alone),
                    None => continue, // cannot be applied alone: not offered
                }
            };
            if let Some(alone) = &alone {
                diff::write_diff(out, &report.display_path, &rewrite.original, alone, color)?;
            }
            let question = format!(
                "[{asked}/{total}] Apply fix {} of {} ({}) to {} (line {})? [y]es, [n]o, [a]ll, \
                 [q]uit: ",
                k + 1,
                fixes.len(),
                report.findings[index].rule,
                report.display_path,
                report.findings[index].range.line
            );
            if answers.answer(input, out, &question)? {
                accepted.push(index);
            }
        }
        if accepted.len() == fixes.len() {
            apply_rewrite(report, scope);
        } else if accepted.is_empty() {
            decline(report);
        } else {
            apply_some(report, &rewrite.original, &accepted, recheck, scope);
        }
    }
    out.flush()?;
    Ok(())
}

/// The answers so far: after "all" every fix is accepted, after "quit" none is.
#[derive(Default)]
struct Answers {
    all: bool,
    quit: bool,
}

impl Answers {
    /// Whether a question is still asked (neither "all" nor "quit" was answered).
    fn asking(&self) -> bool {
        !(self.all || self.quit)
    }

    /// Ask `question`, or answer it from an earlier "all" or "quit".
    fn answer(
        &mut self,
        input: &mut dyn BufRead,
        out: &mut dyn Write,
        question: &str,
    ) -> io::Result<bool> {
        if self.quit {
            return Ok(false);
        }
        if self.all {
            return Ok(true);
        }
        Ok(match read_answer(input, out, question)? {
            Answer::Yes => true,
            Answer::No => false,
            Answer::All => {
                self.all = true;
                true
            }
            Answer::Quit => {
                self.quit = true;
                false
            }
        })
    }
}

/// Write the file with only the `accepted` fixes; the others print as skipped.
fn apply_some(
    report: &mut FileReport,
    original: &str,
    accepted: &[usize],
    recheck: &Recheck,
    scope: &WriteScope,
) {
    let outcome = recheck(report, &|j| accepted.contains(&j));
    match outcome {
        Some(outcome) if outcome.internal_error.is_none() => {
            let Some(fixed) = outcome.fixed_source else {
                decline(report);
                return;
            };
            report.findings = outcome.findings;
            report.rewrite = Some(Rewrite {
                original: original.to_string(),
                fixed,
            });
            apply_rewrite(report, scope);
        }
        _ => {
            decline(report);
            report.error = Some(FileError::Internal(
                "the accepted fixes do not verify without the others; the file was left alone"
                    .to_string(),
            ));
        }
    }
}

/// Ask until the answer is one of the four; the end of input is [`Answer::Quit`].
fn read_answer(input: &mut dyn BufRead, out: &mut dyn Write, question: &str) -> io::Result<Answer> {
    write!(out, "{question}")?;
    loop {
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            writeln!(out)?;
            return Ok(Answer::Quit);
        }
        if let Some(answer) = Answer::parse(&line) {
            return Ok(answer);
        }
        write!(out, "Please answer y, n, a or q: ")?;
    }
}

/// Leave the file alone: nothing of it is fixed.
fn decline(report: &mut FileReport) {
    report.rewrite = None;
    for finding in &mut report.findings {
        if finding.status.is_fixed() {
            finding.status = Status::Declined;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn report(name: &str) -> FileReport {
        let finding = crate::diagnostic::Finding {
            rule: "unsafe-trailing-return",
            range: crate::diagnostic::SourceRange {
                start_byte: 0,
                end_byte: 1,
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 2,
            },
            message: String::new(),
            function_id: None,
            status: Status::Fixed,
            fix: None,
            related: Vec::new(),
        };
        FileReport {
            findings: vec![finding],
            rewrite: Some(Rewrite {
                original: "a\n".to_string(),
                fixed: "b\n".to_string(),
            }),
            // A path that does not exist: an accepted write fails and says so.
            ..FileReport::new(
                PathBuf::from(format!("/nonexistent/{name}")),
                name.to_string(),
            )
        }
    }

    fn run(answers: &str, count: usize) -> (Vec<FileReport>, String) {
        let mut reports: Vec<FileReport> = (0..count).map(|i| report(&format!("{i}.ts"))).collect();
        let mut out = Vec::new();
        ask_with(
            &mut reports,
            &WriteScope::new(&[]),
            &|_, _| None,
            &mut answers.as_bytes(),
            &mut out,
            false,
        )
        .unwrap();
        (reports, String::from_utf8(out).unwrap())
    }

    fn declined(report: &FileReport) -> bool {
        report.findings[0].status == Status::Declined
    }

    #[test]
    fn answers() {
        assert_eq!(Answer::parse(" Y\n"), Some(Answer::Yes));
        assert_eq!(Answer::parse("quit"), Some(Answer::Quit));
        assert_eq!(Answer::parse(""), None);
    }

    #[test]
    fn no_and_quit_decline_and_stop_asking() {
        let (reports, out) = run("n\nmaybe\nq\n", 3);
        assert!(reports.iter().all(|r| declined(r) && r.rewrite.is_none()));
        assert_eq!(out.matches("] Apply the ").count(), 2, "{out}");
        assert!(out.contains("Please answer y, n, a or q"));
        assert!(out.starts_with("--- a/0.ts\n+++ b/0.ts\n"), "{out}");
    }

    #[test]
    fn all_applies_the_rest_without_asking() {
        let (reports, out) = run("a\n", 3);
        assert_eq!(out.matches("] Apply the ").count(), 1);
        // Applying means writing: these paths do not exist, so each write reports why.
        assert!(reports.iter().all(|r| !declined(r) && r.error.is_some()));
    }

    #[test]
    fn end_of_input_quits() {
        let (reports, _) = run("", 2);
        assert!(reports.iter().all(declined));
    }
}
