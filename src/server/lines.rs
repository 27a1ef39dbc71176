//! Positions as the protocol counts them: line and UTF-16 code unit.
//!
//! Owns: converting byte offsets of a document's text to LSP [`Position`]s and back,
//! and turning "old text → new text" into the one [`TextEdit`] that changes only what
//! differs. Does not own: what the offsets point at ([`super::diagnose`]).
//!
//! Lines end at `\n` (a `\r` before it belongs to the line ending, never to a column);
//! a character outside the Basic Multilingual Plane (an emoji) counts two code units.

use lsp_types::{Position, Range, TextEdit};

/// Where each line of one text starts.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the first byte of each line; the first is 0.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// The index of `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to a character
    /// boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let column: usize = self.text[start..offset]
            .trim_end_matches('\r')
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(to_u32(line), to_u32(column))
    }

    /// The range from byte `start` to byte `end`.
    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The byte offset of `position`. A line past the end is the end of the text; a
    /// column past the end of its line is the end of the line (before `\r\n`), as the
    /// protocol asks; a column inside a surrogate pair is the character's start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line_end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |next| next - 1);
        let line = self.text[start..line_end].trim_end_matches('\r');
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units + c.len_utf16() > position.character as usize {
                return start + at;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The single edit that turns `old` into `new`: the part between their common prefix
/// and common suffix. `None` when they are equal. Replacing the whole document instead
/// would move the editor's cursor, folds and marks; this keeps them.
pub fn minimal_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    // Never split a `\r\n`: the position between them is not a column of either line.
    if prefix > 0 && old.as_bytes()[prefix - 1] == b'\r' {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(old.len() - suffix) && new.is_char_boundary(new.len() - suffix)) {
        suffix -= 1;
    }
    if suffix > 0 && old.as_bytes()[old.len() - suffix] == b'\n' {
        let before = old.len() - suffix;
        if before > 0 && old.as_bytes()[before - 1] == b'\r' {
            suffix -= 1;
        }
    }
    let lines = LineIndex::new(old);
    Some(TextEdit {
        range: lines.range(prefix, old.len() - suffix),
        new_text: new[prefix..new.len() - suffix].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Apply a `TextEdit` the way a client does, through positions.
    fn apply(old: &str, edit: &TextEdit) -> String {
        let lines = LineIndex::new(old);
        let start = lines.offset(edit.range.start);
        let end = lines.offset(edit.range.end);
        format!("{}{}{}", &old[..start], edit.new_text, &old[end..])
    }

    #[test]
    fn columns_count_utf16_code_units() {
        // "é" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units.
        let text = "a\né😀x\n";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(1, 3));
        assert_eq!(lines.offset(Position::new(1, 3)), x);
        assert_eq!(lines.position(text.len()), Position::new(2, 0));
    }

    #[test]
    fn crlf_is_a_line_ending_not_a_column() {
        let text = "ab\r\ncd";
        let lines = LineIndex::new(text);
        assert_eq!(lines.position(2), Position::new(0, 2));
        assert_eq!(lines.position(3), Position::new(0, 2));
        assert_eq!(lines.offset(Position::new(0, 99)), 2);
        assert_eq!(lines.offset(Position::new(1, 1)), 5);
        assert_eq!(lines.offset(Position::new(7, 0)), text.len());
    }

    #[test]
    fn minimal_edit_round_trips_through_positions() {
        let cases = [
            ("return x;\n", "const y = 1;\nreturn y;\n"),
            ("héllo 😀 world\r\n", "héllo 😀 big world\r\n"),
            ("a\r\nb\r\n", "a\r\n// c\r\nb\r\n"),
            ("same", "same"),
            ("", "new"),
            ("old", ""),
        ];
        for (old, new) in cases {
            match minimal_edit(old, new) {
                Some(edit) => assert_eq!(apply(old, &edit), new, "{old:?} → {new:?}"),
                None => assert_eq!(old, new),
            }
        }
    }
}
