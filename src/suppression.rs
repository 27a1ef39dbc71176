//! Suppression comments (SPEC 4).
//!
//! `// inngest-fix-ignore`, optionally naming rules (`: unsafe-trailing-return`) and
//! giving a reason (`-- reason`), on the line before a return (or at the end of its
//! line) silences that finding; on the line before the statement holding a
//! `createFunction` call, every finding of that function. The directive is the first
//! word of its comment: a comment that mentions it in prose is not a directive.
//!
//! Also lists a file's directives ([`directives`]) so that the ones that silence nothing
//! can be reported (rule `unused-suppression`, see [`crate::rules::unused_suppression`]).

use std::ops::Range;

use crate::fix::style::line_start;

/// The directive's text: a file without it has no suppression comments.
pub const DIRECTIVE: &str = "inngest-fix-ignore";

/// One `// inngest-fix-ignore` comment of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The byte range of the whole comment.
    pub comment: Range<usize>,
    /// The byte range of the directive itself (`inngest-fix-ignore: rule -- reason`
    /// without the reason), what an unused directive is reported at.
    pub range: Range<usize>,
    /// The rules it names; empty for a bare directive (every rule).
    pub rules: Vec<String>,
}

/// The directives among a file's comments (`comments`: byte ranges of comment nodes).
/// A directive starts the comment's text (`// inngest-fix-ignore…`, or a line of a block
/// comment); a comment that mentions it in prose is not one.
pub fn directives(
    source: &str,
    comments: impl IntoIterator<Item = Range<usize>>,
) -> Vec<Directive> {
    let mut found = Vec::new();
    for comment in comments {
        let Some(text) = source.get(comment.clone()) else {
            continue;
        };
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            if let Some(at) = directive_in_comment_line(line) {
                let rest = &line[at + DIRECTIVE.len()..];
                let names = rest.split("--").next().unwrap_or("");
                let names = names.trim_end().trim_end_matches("*/").trim_end();
                let rules = match names.trim_start().strip_prefix(':') {
                    Some(list) => list
                        .split([',', ' '])
                        .map(str::trim)
                        .filter(|name| !name.is_empty())
                        .map(str::to_string)
                        .collect(),
                    None => Vec::new(),
                };
                let start = comment.start + line_start + at;
                found.push(Directive {
                    comment: comment.clone(),
                    range: start..start + DIRECTIVE.len() + names.len(),
                    rules,
                });
            }
            line_start += line.len();
        }
    }
    found
}

/// Whether a directive on the line before `at` (or trailing on `at`'s line) covers `rule`.
pub fn covers(source: &str, at: usize, rule: &str) -> bool {
    covering(source, at, rule).is_some()
}

/// The byte offset of the directive that covers `rule` at `at`: on `at`'s own line
/// (trailing), or on the line before.
pub fn covering(source: &str, at: usize, rule: &str) -> Option<usize> {
    let at = at.min(source.len());
    let start = line_start(source, at);
    let line_end = memchr::memchr(b'\n', &source.as_bytes()[at..]).map_or(source.len(), |i| at + i);
    let own_line = source.get(start..line_end)?;
    let trailing = own_line
        .match_indices("//")
        .chain(own_line.match_indices("/*"))
        .find_map(|(c, _)| {
            let d = directive_in_comment_line(&own_line[c..])?;
            directive_covers(&own_line[c + d..], rule).then_some(start + c + d)
        });
    if trailing.is_some() {
        return trailing;
    }
    let (line_start_byte, line) = previous_line(source, start)?;
    let d = directive_in_comment_line(line)?;
    directive_covers(&line[d..], rule).then_some(line_start_byte + d)
}

/// [`covering`] for a reported range: also a directive trailing the range's last line
/// (`}; // inngest-fix-ignore` after a multi-line return, where Prettier puts it).
pub fn covering_range(source: &str, range: Range<usize>, rule: &str) -> Option<usize> {
    covering(source, range.start, rule).or_else(|| {
        let end = range.end.min(source.len());
        let line_end =
            memchr::memchr(b'\n', &source.as_bytes()[end..]).map_or(source.len(), |i| end + i);
        let rest = source.get(end..line_end)?;
        let c = rest.find("//").or_else(|| rest.find("/*"))?;
        // Only a comment right after the range on that line: `x; // …`.
        if !rest[..c].trim().trim_matches(';').trim().is_empty() {
            return None;
        }
        let d = directive_in_comment_line(&rest[c..])?;
        directive_covers(&rest[c + d..], rule).then_some(end + c + d)
    })
}

/// The line that ends just before byte `line_start`, and where it starts.
fn previous_line(source: &str, line_start_byte: usize) -> Option<(usize, &str)> {
    if line_start_byte == 0 {
        return None;
    }
    let end = line_start_byte - 1; // the '\n'
    let start = line_start(source, end);
    Some((start, source.get(start..end)?.trim_end_matches('\r')))
}

/// Where `inngest-fix-ignore` starts in a line that begins a comment or continues a
/// block comment (`//`, `/*`, `/**`, `*`), when it is the first word of the comment.
fn directive_in_comment_line(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let body = ["/**", "/*", "//", "*"]
        .iter()
        .find_map(|marker| trimmed.strip_prefix(marker))?
        .trim_start();
    let rest = body.strip_prefix(DIRECTIVE)?;
    let next = rest.chars().next();
    let whole_word = !next.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    whole_word.then_some(line.len() - body.len())
}

/// Whether a directive (`text` starts with `inngest-fix-ignore`) covers `rule`: it names
/// no rules, or names `rule`.
fn directive_covers(text: &str, rule: &str) -> bool {
    let rest = text.strip_prefix(DIRECTIVE).unwrap_or("");
    let rest = rest.split("--").next().unwrap_or("").trim();
    let rest = rest.trim_end_matches("*/").trim();
    match rest.strip_prefix(':') {
        Some(list) => list
            .split([',', ' '])
            .map(str::trim)
            .any(|name| name == rule),
        None => rest.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "unsafe-trailing-return";

    #[test]
    fn directive_forms() {
        let covers = |comment: &str| {
            directive_in_comment_line(comment)
                .is_some_and(|at| directive_covers(&comment[at..], RULE))
        };
        assert!(covers("// inngest-fix-ignore"));
        assert!(covers("// inngest-fix-ignore: unsafe-trailing-return"));
        assert!(covers(
            "// inngest-fix-ignore: unsafe-trailing-return -- reviewed"
        ));
        assert!(covers("// inngest-fix-ignore -- reviewed by ops"));
        assert!(!covers("// inngest-fix-ignore: other-rule"));
        assert!(!covers("// something else"));
        assert!(!covers("// inngest-fix-ignored"));
        assert!(!covers(
            "// a bare `// inngest-fix-ignore` silences a finding"
        ));
        assert!(covers(" * inngest-fix-ignore */"));
    }

    #[test]
    fn directives_are_listed_with_their_rules() {
        let source = "// inngest-fix-ignore: a, b -- why\nx(); /* inngest-fix-ignore */\n// inngest-fix-ignored\n";
        let comments = [0..34, 40..64, 65..87];
        let found = directives(source, comments);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].rules, ["a", "b"]);
        assert_eq!(&source[found[0].range.clone()], "inngest-fix-ignore: a, b");
        assert!(found[1].rules.is_empty());
        assert_eq!(&source[found[1].range.clone()], "inngest-fix-ignore");
    }

    #[test]
    fn covering_points_into_the_directive() {
        let source =
            "a();\n  // inngest-fix-ignore\n  return \"http://x\"; // inngest-fix-ignore\n";
        let at = source.find("return").unwrap();
        let found = covering(source, at, RULE).unwrap();
        assert!(
            source[found..].starts_with("inngest-fix-ignore\n"),
            "trailing wins"
        );
        let source = "a();\n  // inngest-fix-ignore\n  return x;\n";
        let at = source.find("return").unwrap();
        assert_eq!(covering(source, at, RULE), Some(10));
    }

    #[test]
    fn line_before_or_same_line() {
        let source = "a();\n  // inngest-fix-ignore\n  return x;\n";
        let at = source.find("return").unwrap();
        assert!(covers(source, at, RULE));
        let source = "a();\n  return x; // inngest-fix-ignore\n";
        let at = source.find("return").unwrap();
        assert!(covers(source, at, RULE));
        let source = "// inngest-fix-ignore\na();\nreturn x;\n";
        let at = source.find("return").unwrap();
        assert!(!covers(source, at, RULE));
    }
}
