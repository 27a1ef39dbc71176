//! The GitHub Actions format (`--format github`): one workflow command per finding, which
//! GitHub shows as an annotation on the file and line in the run and the pull request:
//! `::warning file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE`.
//!
//! Findings are warnings (manual ones say why in the message); a file that could not be
//! read, checked or written is an `::error file=PATH::reason`. Values are escaped as the
//! runner requires: in the message `%`, CR and LF; in properties also `:` and `,`.
//! Everything goes to stdout, which is where the runner reads commands; the human
//! summary goes to stderr.

use std::io::{self, Write};

use super::{write_summary, PrintOptions, Printer};
use crate::diagnostic::{Finding, Status};
use crate::report::{FileReport, Mode, Summary};

/// Prints workflow commands.
pub struct GithubPrinter<O: Write, E: Write> {
    options: PrintOptions,
    out: O,
    err: E,
}

impl<O: Write, E: Write> GithubPrinter<O, E> {
    /// A printer writing commands to `out` and the summary to `err`.
    pub fn new(options: PrintOptions, out: O, err: E) -> Self {
        GithubPrinter { options, out, err }
    }

    /// The two streams back, for tests.
    pub fn into_inner(self) -> (O, E) {
        (self.out, self.err)
    }
}

impl<O: Write, E: Write> Printer for GithubPrinter<O, E> {
    fn file(&mut self, report: &FileReport) -> io::Result<()> {
        for finding in report.shown().0.iter().filter(|f| !f.suppressed()) {
            writeln!(
                self.out,
                "{}",
                annotation(&report.display_path, finding, self.options.mode)
            )?;
        }
        if let Some(reason) = report.error.as_ref().map(ToString::to_string) {
            writeln!(
                self.out,
                "::error file={},title=inngest-fix::{}",
                escape_property(&report.display_path),
                escape_data(&reason)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.flush()?;
        write_summary(&mut self.err, summary, &self.options)?;
        self.err.flush()
    }
}

/// The `::warning …` command for one finding.
pub fn annotation(path: &str, finding: &Finding, mode: Mode) -> String {
    let range = &finding.range;
    let mut message = finding.message.clone();
    match &finding.status {
        Status::Manual(reason) => message.push_str(&format!(" (manual review: {reason})")),
        Status::Fixed => message.push_str(match mode {
            Mode::Write | Mode::Interactive => " (fixed)",
            Mode::DryRun | Mode::Check => " (fixable: run inngest-fix --write)",
        }),
        _ => {}
    }
    format!(
        "::warning file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(path),
        range.line,
        range.column,
        range.end_line,
        range.end_column,
        escape_property(finding.rule),
        escape_data(&message)
    )
}

/// A command's message: `%`, CR and LF are percent-encoded.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: as [`escape_data`], and `:` and `,` too.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceRange;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        assert_eq!(escape_property("src/a:b,c.ts"), "src/a%3Ab%2Cc.ts");
        assert_eq!(escape_property("%\n"), "%25%0A");
    }

    #[test]
    fn a_finding_is_a_warning_on_its_range() {
        let finding = Finding {
            rule: "unsafe-trailing-return",
            range: SourceRange {
                start_byte: 0,
                end_byte: 1,
                line: 7,
                column: 5,
                end_line: 9,
                end_column: 6,
            },
            message: "return after steps reads `a`, `b`".to_string(),
            function_id: None,
            status: Status::Manual("moves a step call: 50% of runs hang\nsee docs".to_string()),
            fix: None,
            related: Vec::new(),
        };
        assert_eq!(
            annotation("src/odd,name.ts", &finding, Mode::Check),
            "::warning file=src/odd%2Cname.ts,line=7,col=5,endLine=9,endColumn=6,\
             title=unsafe-trailing-return::return after steps reads `a`, `b` \
             (manual review: moves a step call: 50%25 of runs hang%0Asee docs)"
        );
    }
}
