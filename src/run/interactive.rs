//! `--interactive`: show each file's fixes as a diff and ask whether to apply them, like
//! `ast-grep -i`.
//!
//! Fixes are offered per file: the file's fixed text is what the tool verified (it
//! re-parses with no new errors, and a second run finds nothing to fix), while an
//! arbitrary subset of its hunks was never checked. Accepted files are written as
//! `--write` writes them; declined ones are left alone and their findings reported as
//! not fixed. Answers come one per line from stdin (a terminal, or a pipe in scripts and
//! tests); the end of input means quit.

use std::io::{self, BufRead, IsTerminal, Write};

use super::{apply_rewrite, Config, FileReport, WriteScope};
use crate::printer::diff;

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

/// Ask about every report that has a fix, reading answers from `input`, and write the
/// accepted ones. The diffs and questions go to stdout.
pub fn ask(
    reports: &mut [FileReport],
    config: &Config,
    input: &mut dyn BufRead,
) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let color = config.color.enabled(stdout.is_terminal());
    let mut out = stdout.lock();
    ask_with(
        reports,
        &WriteScope::new(&config.paths),
        input,
        &mut out,
        color,
    )
}

fn ask_with(
    reports: &mut [FileReport],
    scope: &WriteScope,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    color: bool,
) -> anyhow::Result<()> {
    let total = reports.iter().filter(|r| r.rewrite.is_some()).count();
    let mut asked = 0;
    let mut all = false;
    let mut quit = false;
    for report in reports.iter_mut() {
        let Some(rewrite) = &report.rewrite else {
            continue;
        };
        asked += 1;
        let accept = if quit {
            false
        } else if all {
            true
        } else {
            diff::write_diff(
                out,
                &report.display_path,
                &rewrite.original,
                &rewrite.fixed,
                color,
            )?;
            let question = format!(
                "[{asked}/{total}] Apply the fixes to {}? [y]es, [n]o, [a]ll, [q]uit: ",
                report.display_path
            );
            match read_answer(input, out, &question)? {
                Answer::Yes => true,
                Answer::No => false,
                Answer::All => {
                    all = true;
                    true
                }
                Answer::Quit => {
                    quit = true;
                    false
                }
            }
        };
        if accept {
            apply_rewrite(report, scope);
        } else {
            decline(report);
        }
    }
    out.flush()?;
    Ok(())
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
    report.declined = true;
    for finding in &mut report.findings {
        finding.fixed = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Rewrite;
    use std::path::PathBuf;

    fn report(name: &str) -> FileReport {
        FileReport {
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
            &mut answers.as_bytes(),
            &mut out,
            false,
        )
        .unwrap();
        (reports, String::from_utf8(out).unwrap())
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
        assert!(reports.iter().all(|r| r.declined && r.rewrite.is_none()));
        assert_eq!(out.matches("Apply the fixes").count(), 2, "{out}");
        assert!(out.contains("Please answer y, n, a or q"));
        assert!(out.starts_with("--- a/0.ts\n+++ b/0.ts\n"), "{out}");
    }

    #[test]
    fn all_applies_the_rest_without_asking() {
        let (reports, out) = run("a\n", 3);
        assert_eq!(out.matches("Apply the fixes").count(), 1);
        // Applying means writing: these paths do not exist, so each write reports why.
        assert!(reports.iter().all(|r| !r.declined && r.error.is_some()));
    }

    #[test]
    fn end_of_input_quits() {
        let (reports, _) = run("", 2);
        assert!(reports.iter().all(|r| r.declined));
    }
}
