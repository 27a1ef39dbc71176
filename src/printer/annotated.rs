//! The default text format's findings, as ruff shows them: the `path:line:col: rule
//! message` line, the code frame ([`super::frame`]: the span underlined, related
//! locations labelled), a one-line help saying what fixes it, and where to read more.
//!
//! ```text
//! src/fn.ts:7:5: unsafe-trailing-return return after steps reads `a` and `event` outside any step
//!   |
//! 6 |     const a = await step.run("a", async () => 1);
//! 7 |     return { a, id: event.data.id };
//!   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//! 8 |   },
//!   |
//!   = help: `--write` wraps it in a final step
//!   = docs: inngest-fix --explain unsafe-trailing-return
//! ```
//!
//! Owns: the block of one finding and the help's words for each status. Does not own
//! where it is written or the one-line format (`--format concise`, [`super::text`]).

use std::fmt::Write as _;

use super::frame::{Lines, Span};
use super::style;
use super::FixFlags;
use crate::diagnostic::{Finding, Status};
use crate::fix::Applicability;
use crate::report::Mode;
use crate::rule::FixTitle;
use crate::rules::registry;

/// Help and docs lines are wrapped at this many characters.
const WIDTH: usize = 100;

/// One finding's block, ending with an empty line. `lines` is the file's text, when it
/// is known (a file that could not be read has no frame).
pub fn render(
    path: &str,
    lines: Option<&Lines>,
    finding: &Finding,
    help: Option<&str>,
    color: bool,
) -> String {
    let mut out = String::new();
    let location = format!("{path}:{}:{}:", finding.range.line, finding.range.column);
    let _ = writeln!(
        out,
        "{} {} {}",
        style::paint(&location, style::BOLD, color),
        style::paint(finding.rule, style::BOLD_RED, color),
        // What the fix waits for is the help line's to say, not the message's too.
        finding.rule_message()
    );
    let mut width = 1;
    if let Some(lines) = lines {
        let primary = Span {
            range: finding.range.start_byte..finding.range.end_byte,
            label: "",
            primary: true,
        };
        let related = finding.related.iter().map(|related| Span {
            range: related.range.start_byte..related.range.end_byte,
            label: &related.message,
            primary: false,
        });
        let spans: Vec<Span> = std::iter::once(primary).chain(related).collect();
        let frame = lines.render(&spans, color);
        // The gutter's width as the terminal shows it: colour escapes take no column.
        width = without_escapes(frame.lines().next().unwrap_or(""))
            .find('|')
            .unwrap_or(2)
            .saturating_sub(1);
        out.push_str(&frame);
    }
    let pad = " ".repeat(width);
    let mut note = |label: &str, text: &str| {
        let head = format!("{pad} = {label}: ");
        let indent = " ".repeat(head.chars().count());
        for (i, line) in wrap(text, WIDTH.saturating_sub(head.len()))
            .iter()
            .enumerate()
        {
            let lead = if i == 0 {
                style::paint(&head, style::BOLD_CYAN, color)
            } else {
                indent.clone()
            };
            let _ = writeln!(out, "{lead}{line}");
        }
    };
    if let Some(help) = help {
        note("help", help);
    }
    note("docs", &format!("inngest-fix --explain {}", finding.rule));
    out.push('\n');
    out
}

/// What fixes a finding, or why nothing does automatically, from what became of it.
pub fn help(finding: &Finding, mode: Mode, flags: FixFlags) -> Option<String> {
    let (title, done) = fix_title(finding.rule);
    Some(match &finding.status {
        Status::Fixed => match mode {
            Mode::Write | Mode::Interactive => format!("fixed: {done}"),
            // A fix that applies only because of a flag of this command line: `--write`
            // needs that flag too.
            Mode::DryRun | Mode::Check => match finding.applicability() {
                Some(Applicability::NeedsReview) if flags.unsafe_fixes => {
                    format!("needs review: `--write --unsafe-fixes` {title}")
                }
                Some(Applicability::NonTrailing) if flags.all_returns => {
                    format!("`--write --all-returns` {title}")
                }
                _ => format!("`--write` {title}"),
            },
        },
        Status::WaitsForAllReturns => match finding.status_note() {
            Some(note) => note.to_string(),
            None => format!("not in tail position: `--all-returns` {title}"),
        },
        Status::WaitsForUnsafeFixes => match finding.status_note() {
            Some(note) => format!("needs review: {note}"),
            None => format!("needs review: `--unsafe-fixes` {title}"),
        },
        Status::Deferred => crate::diagnostic::DEFERRED_NOTE.to_string(),
        Status::Manual(reason) if reason.starts_with("no automatic fix") => reason.clone(),
        Status::Manual(reason) => format!("no automatic fix: {reason}"),
        Status::Declined => format!("skipped: you declined its fix, which {title}"),
        Status::NotApplied => "not fixed: see the error reported for this file".to_string(),
        Status::NoFix | Status::Suppressed => return None,
    })
}

/// What a rule's fix did, in a few words (`--show-fixes`).
pub fn fix_done(rule: &str) -> &'static str {
    fix_title(rule).1
}

/// What a rule's fix does, in a few words after "`--write`", and once done, after
/// "fixed:" (declared with the rule, [`crate::rule::Rule::fix_title`]).
fn fix_title(rule: &str) -> (&'static str, &'static str) {
    let title = registry::get(rule).map_or(FixTitle::GENERIC, |rule| rule.fix_title);
    (title.does, title.done)
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word
/// stays whole).
/// `text` without its ANSI colour escapes (`\x1b[…m`).
fn without_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_takes_no_column() {
        assert_eq!(without_escapes("\x1b[1;34m12 |\x1b[0m x"), "12 | x");
        let finding = crate::printer::text::tests::finding(2, true, None);
        let lines = Lines::new("a\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\nc\n");
        let plain = render("a.ts", Some(&lines), &finding, Some("help text"), false);
        let coloured = render("a.ts", Some(&lines), &finding, Some("help text"), true);
        // The same lines, once the escapes are gone: `= help:` lines up with the gutter.
        assert_eq!(without_escapes(&coloured), plain);
        assert!(plain.contains("\n  = help: help text\n"), "{plain}");
    }

    #[test]
    fn help_names_the_flag_a_fix_needs_with_write() {
        let mut finding = crate::printer::text::tests::finding(2, true, None);
        finding.fix = Some(crate::fix::Fix {
            edits: Vec::new(),
            applicability: Applicability::NeedsReview,
            waiting_note: None,
        });
        let flags = FixFlags {
            unsafe_fixes: true,
            all_returns: false,
        };
        assert_eq!(
            help(&finding, Mode::Check, flags).as_deref(),
            Some("needs review: `--write --unsafe-fixes` wraps it in a final step")
        );
        // Given by a configuration file instead, plain --write applies it.
        assert_eq!(
            help(&finding, Mode::Check, FixFlags::default()).as_deref(),
            Some("`--write` wraps it in a final step")
        );
    }

    #[test]
    fn wrapping_breaks_at_spaces() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("averylongword x", 4), ["averylongword", "x"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
