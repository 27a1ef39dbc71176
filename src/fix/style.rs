//! The file's own style, which a rewrite must match (SPEC 3): indent unit, quote
//! character, line ending. Semicolons are taken per statement from the return itself.

use std::cell::OnceCell;

/// How the file writes code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStyle {
    /// One level of indentation: a tab or N spaces.
    pub indent_unit: String,
    /// `'` or `"`, for the new step ID.
    pub quote: char,
}

impl FileStyle {
    /// Detect the style of `source`. `preferred_quote` (the quote of the handler's
    /// existing step IDs) wins over the file's imports. For many fixes in one file, keep
    /// a [`StyleCache`] instead.
    pub fn detect(source: &str, preferred_quote: Option<char>) -> FileStyle {
        StyleCache::default().style(source, preferred_quote)
    }
}

/// The file-wide half of a [`FileStyle`], detected once per file on first use: a file
/// with many fixes would otherwise scan its whole text once per fix.
#[derive(Debug, Default)]
pub struct StyleCache {
    indent_unit: OnceCell<String>,
    import_quote: OnceCell<Option<char>>,
}

impl StyleCache {
    /// The style of `source` (always the same text for one cache); `preferred_quote`
    /// (the quote of the handler's existing step IDs) wins over the file's imports.
    pub fn style(&self, source: &str, preferred_quote: Option<char>) -> FileStyle {
        FileStyle {
            indent_unit: self.indent_unit.get_or_init(|| indent_unit(source)).clone(),
            quote: preferred_quote
                .or_else(|| *self.import_quote.get_or_init(|| import_quote(source)))
                .unwrap_or('\''),
        }
    }
}

/// Tabs when most indented lines start with a tab; otherwise the most common
/// increase of indentation between consecutive code lines (2 when there is none).
fn indent_unit(source: &str) -> String {
    let mut tabs = 0usize;
    let mut spaced = 0usize;
    let mut deltas = [0usize; 9];
    let mut previous = 0usize;
    for line in source.lines() {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('*') {
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        if indent.starts_with('\t') {
            tabs += 1;
            continue;
        }
        let width = indent.len();
        if width > 0 {
            spaced += 1;
        }
        if width > previous && width - previous < deltas.len() {
            deltas[width - previous] += 1;
        }
        previous = width;
    }
    if tabs > spaced {
        return "\t".to_string();
    }
    let best = (1..deltas.len())
        .filter(|&d| deltas[d] > 0)
        .max_by_key(|&d| (deltas[d], std::cmp::Reverse(d)))
        .unwrap_or(2);
    " ".repeat(best)
}

/// The quote of the first `import … from '…'` or `require('…')`.
fn import_quote(source: &str) -> Option<char> {
    for line in source.lines() {
        let line = line.trim();
        let tail = if line.starts_with("import ") || line.starts_with("export ") {
            line.rsplit_once(" from ").map(|(_, t)| t)
        } else {
            line.split_once("require(").map(|(_, t)| t)
        };
        if let Some(c) = tail.and_then(|t| t.trim_start().chars().next()) {
            if c == '\'' || c == '"' {
                return Some(c);
            }
        }
    }
    None
}

/// The line ending of the line holding byte `at`: `\r\n` or `\n`.
pub fn line_ending_at(source: &str, at: usize) -> &'static str {
    let after = source.get(at..).unwrap_or("");
    match memchr::memchr(b'\n', after.as_bytes()) {
        Some(i) if i > 0 && after.as_bytes()[i - 1] == b'\r' => "\r\n",
        Some(_) => "\n",
        None if source.contains("\r\n") => "\r\n",
        None => "\n",
    }
}

/// The leading whitespace of the line holding byte `at`.
pub fn line_indent(source: &str, at: usize) -> &str {
    let start = line_start(source, at);
    let line = &source[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// Byte offset where the line holding `at` starts.
pub fn line_start(source: &str, at: usize) -> usize {
    memchr::memrchr(b'\n', &source.as_bytes()[..at.min(source.len())]).map_or(0, |i| i + 1)
}

/// Whether only spaces and tabs precede byte `at` on its line.
pub fn starts_line(source: &str, at: usize) -> bool {
    source[line_start(source, at)..at]
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_indent_units() {
        assert_eq!(indent_unit("a {\n  b {\n    c\n  }\n}\n"), "  ");
        assert_eq!(indent_unit("a {\n    b {\n        c\n    }\n}\n"), "    ");
        assert_eq!(indent_unit("a {\n\tb {\n\t\tc\n\t}\n}\n"), "\t");
        assert_eq!(indent_unit("/**\n * doc\n */\nx\n"), "  ");
    }

    #[test]
    fn detects_quotes() {
        assert_eq!(
            FileStyle::detect("import { a } from \"b\";\n", None).quote,
            '"'
        );
        assert_eq!(
            FileStyle::detect("import { a } from 'b';\n", None).quote,
            '\''
        );
        assert_eq!(
            FileStyle::detect("import { a } from 'b';\n", Some('"')).quote,
            '"'
        );
        assert_eq!(
            FileStyle::detect("const a = require(\"b\")\n", None).quote,
            '"'
        );
    }

    #[test]
    fn line_facts() {
        let s = "a\r\n  b\r\n";
        assert_eq!(line_ending_at(s, 5), "\r\n");
        assert_eq!(line_indent(s, 5), "  ");
        assert!(starts_line(s, 5));
        assert!(!starts_line(s, 6));
    }
}
