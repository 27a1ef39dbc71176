//! Code frames: the lines of a finding's span with their numbers, the span underlined,
//! and its related locations, the way ruff and rustc show a diagnostic in context.
//!
//! ```text
//!    |
//! 16 |     await step.run("add-points", async () => {
//! 17 |       points += 10;
//!    |       ------ written inside a step body here
//! ...
//! 21 |     return { userId: event.data.userId, points };
//!    |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//!    |
//! ```
//!
//! Owns: choosing the lines to show (each span's lines, long spans elided, one line of
//! context around them, `...` over gaps), cutting long lines to a window around their
//! spans, tabs shown as spaces so that underlines line up, and the underlines (`^` for
//! the finding, `-` for a related location, with its label; a span over several lines
//! is underlined on its first and last line). Does not own the header,
//! help and colours of anything but the frame ([`super::text`]).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::ops::Range;

use super::style;

/// Lines of context shown before and after the spans.
const CONTEXT: usize = 1;
/// A span over more lines than this shows its first [`HEAD`] and last [`TAIL`] lines.
const MAX_SPAN_LINES: usize = 6;
const HEAD: usize = 3;
const TAIL: usize = 2;
/// Source lines are cut to this many characters, around the spans on them.
const MAX_LINE_CHARS: usize = 100;
/// Characters shown before the first span of a line that had to be cut.
const LEAD: usize = 16;
/// How a tab is shown.
const TAB: &str = "    ";

/// One place to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span<'a> {
    /// Byte range in the source (may be empty: one character is underlined).
    pub range: Range<usize>,
    /// Written after the underline on the span's last line; empty for none.
    pub label: &'a str,
    /// The finding itself (`^`), or a related location (`-`).
    pub primary: bool,
}

/// The frame of `spans` in `source`, every line ending in `\n`, starting and ending
/// with an empty gutter line. Spans outside the source are clamped to it.
pub fn render(source: &str, spans: &[Span], color: bool) -> String {
    Lines::new(source).render(spans, color)
}

impl<'a> Lines<'a> {
    /// [`render`] for a file whose lines are indexed once for all its findings.
    pub fn render(&self, spans: &[Span], color: bool) -> String {
        let lines = self;
        let spans: Vec<LineSpan> = spans.iter().map(|span| lines.locate(span)).collect();
        let shown = lines_to_show(&spans, lines.count());
        let width = shown.last().map_or(1, |&last| (last + 1).to_string().len());
        let gutter =
            |number: &str| style::paint(&format!("{number:>width$} |"), style::BOLD_BLUE, color);
        let mut out = String::new();
        let _ = writeln!(out, "{}", gutter(""));
        let mut previous: Option<usize> = None;
        for &line in &shown {
            if previous.is_some_and(|p| line > p + 1) {
                let _ = writeln!(out, "{}", style::paint("...", style::BOLD_BLUE, color));
            }
            previous = Some(line);
            let text = lines.text(line);
            let marks: Vec<Mark> = spans.iter().filter_map(|s| s.mark_on(line, text)).collect();
            let window = Window::around(text, &marks);
            let shown_text = window.show(text);
            if shown_text.is_empty() {
                let _ = writeln!(out, "{}", gutter(&(line + 1).to_string()));
            } else {
                let _ = writeln!(out, "{} {shown_text}", gutter(&(line + 1).to_string()));
            }
            for mark in &marks {
                let (start, end) = window.columns(text, mark.chars.clone());
                let underline = if mark.primary { "^" } else { "-" }.repeat(end - start);
                let paint = if mark.primary {
                    style::BOLD_RED
                } else {
                    style::BOLD_CYAN
                };
                let label = if mark.label.is_empty() {
                    String::new()
                } else {
                    format!(" {}", mark.label)
                };
                let _ = writeln!(
                    out,
                    "{} {}{}",
                    gutter(""),
                    " ".repeat(start),
                    style::paint(&format!("{underline}{label}"), paint, color)
                );
            }
        }
        let _ = writeln!(out, "{}", gutter(""));
        out
    }
}

/// A source text's lines (without their line endings), indexed once.
pub struct Lines<'a> {
    source: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Index the lines of `source`.
    pub fn new(source: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1));
        Lines { source, starts }
    }

    /// The number of lines; a final line ending starts no line of its own.
    fn count(&self) -> usize {
        let phantom = self.source.ends_with('\n');
        self.starts.len() - usize::from(phantom)
    }

    /// 0-based line of byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        line.min(self.count().saturating_sub(1))
    }

    /// Line `line` (0-based) without its `\n` or `\r\n`.
    fn text(&self, line: usize) -> &'a str {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.source.len(), |&next| next - 1);
        let text = self.source.get(start..end).unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// Character column (0-based) of byte `offset` in its line.
    fn column(&self, line: usize, offset: usize) -> usize {
        let start = self.starts[line];
        self.source
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
    }

    fn locate<'s>(&self, span: &Span<'s>) -> LineSpan<'s> {
        let clamp = |offset: usize| {
            let mut offset = offset.min(self.source.len());
            while !self.source.is_char_boundary(offset) {
                offset -= 1;
            }
            offset
        };
        let (start, end) = (
            clamp(span.range.start),
            clamp(span.range.end.max(span.range.start)),
        );
        let first = self.line_of(start);
        // A span ending at the start of a line ends on the line before.
        let end_line = self.line_of(end);
        let mut last = end_line;
        if end > start && last > first && self.starts[last] == end {
            last -= 1;
        }
        let end_column = if end_line == last {
            self.column(last, end)
        } else {
            self.text(last).chars().count()
        };
        LineSpan {
            first,
            last,
            start_column: self.column(first, start),
            end_column,
            label: span.label,
            primary: span.primary,
        }
    }
}

/// A span in line and character terms (0-based).
struct LineSpan<'a> {
    first: usize,
    last: usize,
    start_column: usize,
    /// Exclusive, on `last`.
    end_column: usize,
    label: &'a str,
    primary: bool,
}

/// The part of one line a span covers.
struct Mark<'a> {
    chars: Range<usize>,
    label: &'a str,
    primary: bool,
}

impl LineSpan<'_> {
    /// The lines of the span that are shown: all, or the first and last few.
    fn shown_lines(&self) -> impl Iterator<Item = usize> {
        let (first, last) = (self.first, self.last);
        let long = last - first + 1 > MAX_SPAN_LINES;
        (first..=last).filter(move |&line| !long || line < first + HEAD || line + TAIL > last)
    }

    /// What the span covers of `line` (whose text is `text`), underlined on its first
    /// line (from its start to the line's end) and its last (from the line's first
    /// non-blank character to its end); the lines between are shown as they are.
    fn mark_on(&self, line: usize, text: &str) -> Option<Mark<'_>> {
        if line != self.first && line != self.last {
            return None;
        }
        let length = text.chars().count();
        let indent = text.chars().take_while(|c| c.is_whitespace()).count();
        let start = if line == self.first {
            self.start_column
        } else {
            indent
        };
        let end = if line == self.last {
            self.end_column
        } else {
            length
        };
        let end = end.max(start + 1);
        Some(Mark {
            chars: start..end,
            label: if line == self.last { self.label } else { "" },
            primary: self.primary,
        })
    }
}

/// Every line to show, in order: each span's shown lines and their context.
fn lines_to_show(spans: &[LineSpan], count: usize) -> Vec<usize> {
    let mut shown = BTreeSet::new();
    for span in spans {
        for line in span.shown_lines() {
            let from = line.saturating_sub(CONTEXT);
            let to = (line + CONTEXT).min(count.saturating_sub(1));
            // Context around a span's own lines only where they border the outside.
            let inside = |l: usize| l >= span.first && l <= span.last;
            for l in from..=to {
                if l == line || !inside(l) || span.shown_lines().any(|s| s == l) {
                    shown.insert(l);
                }
            }
        }
    }
    shown.into_iter().collect()
}

/// The characters of a line that are shown: all of it, or a window around its marks
/// when it is longer than [`MAX_LINE_CHARS`], with `…` where it was cut.
struct Window {
    /// First character shown.
    start: usize,
    /// One past the last character shown.
    end: usize,
    length: usize,
}

impl Window {
    fn around(text: &str, marks: &[Mark]) -> Window {
        let length = text.chars().count();
        if length <= MAX_LINE_CHARS {
            return Window {
                start: 0,
                end: length,
                length,
            };
        }
        let first_mark = marks.iter().map(|m| m.chars.start).min().unwrap_or(0);
        let start = first_mark.saturating_sub(LEAD).min(length - MAX_LINE_CHARS);
        Window {
            start,
            end: start + MAX_LINE_CHARS,
            length,
        }
    }

    /// The shown text: tabs as spaces, `…` at a cut end.
    fn show(&self, text: &str) -> String {
        let mut out = String::new();
        if self.start > 0 {
            out.push('…');
        }
        for c in text.chars().skip(self.start).take(self.end - self.start) {
            match c {
                '\t' => out.push_str(TAB),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
        if self.end < self.length {
            out.push('…');
        }
        out.trim_end().to_string()
    }

    /// Display columns (from the start of the shown text) of the characters `chars`,
    /// clipped to the window; at least one column wide.
    fn columns(&self, text: &str, chars: Range<usize>) -> (usize, usize) {
        let display = |upto: usize| -> usize {
            let upto = upto.clamp(self.start, self.end);
            let lead = usize::from(self.start > 0);
            lead + text
                .chars()
                .skip(self.start)
                .take(upto - self.start)
                .map(|c| if c == '\t' { TAB.len() } else { 1 })
                .sum::<usize>()
        };
        let start = display(chars.start);
        let end = display(chars.end).max(start + 1);
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn primary(source: &str, text: &str) -> Span<'static> {
        let start = source.find(text).unwrap();
        Span {
            range: start..start + text.len(),
            label: "",
            primary: true,
        }
    }

    const HANDLER: &str = "async ({ step }) => {\n  let points = 0;\n  await step.run(\"add\", async () => {\n    points += 10;\n  });\n  return { points };\n}\n";

    #[test]
    fn one_line_span_with_context() {
        let frame = render(HANDLER, &[primary(HANDLER, "return { points };")], false);
        assert_eq!(
            frame,
            "  |\n\
             5 |   });\n\
             6 |   return { points };\n  \
               |   ^^^^^^^^^^^^^^^^^^\n\
             7 | }\n  \
               |\n"
        );
    }

    #[test]
    fn related_locations_are_labelled_and_gaps_elided() {
        let mut source = String::from("const a = 1;\n");
        source.push_str(&"// filler\n".repeat(8));
        source.push_str("use(a);\n");
        let at = source.find("a =").unwrap();
        let spans = [
            primary(&source, "use(a)"),
            Span {
                range: at..at + 1,
                label: "declared here",
                primary: false,
            },
        ];
        let frame = render(&source, &spans, false);
        let expected = [
            "   |",
            " 1 | const a = 1;",
            "   |       - declared here",
            " 2 | // filler",
            "...",
            " 9 | // filler",
            "10 | use(a);",
            "   | ^^^^^^",
            "   |",
        ];
        assert_eq!(frame.lines().collect::<Vec<_>>(), expected, "{frame}");
    }

    #[test]
    fn multi_line_spans_are_underlined_at_both_ends_and_elided_in_the_middle() {
        let source = "f(\n  1,\n  2,\n  3,\n  4,\n  5,\n  6,\n);\n";
        let frame = render(source, &[primary(source, source.trim_end())], false);
        let expected = [
            "  |", "1 | f(", "  | ^^", "2 |   1,", "3 |   2,", "...", "7 |   6,", "8 | );",
            "  | ^^", "  |",
        ];
        assert_eq!(frame.lines().collect::<Vec<_>>(), expected, "{frame}");
        let short = "g(\n  1,\n);\nnext();\n";
        let span = Span {
            range: 1..short.find(')').unwrap() + 2,
            label: "here",
            primary: false,
        };
        let frame = render(short, &[span], false);
        let expected = [
            "  |",
            "1 | g(",
            "  |  -",
            "2 |   1,",
            "3 | );",
            "  | -- here",
            "4 | next();",
            "  |",
        ];
        assert_eq!(frame.lines().collect::<Vec<_>>(), expected, "{frame}");
    }

    #[test]
    fn long_lines_are_cut_around_the_span_and_tabs_line_up() {
        let long = format!("const x = [{}]; return x;", "1, ".repeat(2_000));
        let frame = render(&long, &[primary(&long, "return x;")], false);
        let lines: Vec<&str> = frame.lines().collect();
        assert!(lines[1].starts_with("1 | …"), "{frame}");
        assert!(lines[1].chars().count() < MAX_LINE_CHARS + 10, "{frame}");
        let caret = lines[2].find('^').unwrap();
        let shown: String = lines[1].chars().skip(caret).take(9).collect();
        assert_eq!(shown, "return x;");

        let tabbed = "\tif (x) {\n\t\treturn y;\n\t}\n";
        let frame = render(tabbed, &[primary(tabbed, "return y;")], false);
        let lines: Vec<&str> = frame.lines().collect();
        let caret = lines[3].find('^').unwrap();
        assert_eq!(&lines[2][caret..caret + 6], "return");
    }

    #[test]
    fn odd_ranges_do_not_panic() {
        let source = "héllo\r\nwörld";
        for range in [0..0, 1..2, 3..100, 100..200, 7..7] {
            let span = Span {
                range,
                label: "",
                primary: true,
            };
            let frame = render(source, &[span], false);
            assert!(frame.contains('^'), "{frame}");
            assert!(!frame.contains('\r'));
        }
        assert!(render("", &[primary("", "")], false).contains("1 |"));
    }
}
