//! Suppression comments (SPEC 4).
//!
//! `// inngest-fix-ignore`, optionally naming rules (`: unsafe-trailing-return`) and
//! giving a reason (`-- reason`), on the line before a return (or at the end of its
//! line) silences that finding; on the line before the statement holding a
//! `createFunction` call, every finding of that function.

use crate::fix::style::line_start;

const DIRECTIVE: &str = "inngest-fix-ignore";

/// Whether a directive on the line before `at` (or trailing on `at`'s line) covers `rule`.
pub fn covers(source: &str, at: usize, rule: &str) -> bool {
    let start = line_start(source, at);
    let line_end = memchr::memchr(b'\n', &source.as_bytes()[at.min(source.len())..])
        .map_or(source.len(), |i| at + i);
    let own_line = &source[start..line_end];
    if own_line
        .find("//")
        .is_some_and(|c| directive_covers(&own_line[c..], rule))
    {
        return true;
    }
    match previous_line(source, start) {
        Some(line) => {
            let trimmed = line.trim_start();
            (trimmed.starts_with("//") || trimmed.starts_with("/*") || trimmed.starts_with('*'))
                && directive_covers(trimmed, rule)
        }
        None => false,
    }
}

/// The line that ends just before byte `line_start`.
fn previous_line(source: &str, line_start_byte: usize) -> Option<&str> {
    if line_start_byte == 0 {
        return None;
    }
    let end = line_start_byte - 1; // the '\n'
    let start = line_start(source, end);
    Some(source[start..end].trim_end_matches('\r'))
}

/// Whether a comment's text holds a directive for `rule` (or for every rule).
fn directive_covers(comment: &str, rule: &str) -> bool {
    let Some(at) = comment.find(DIRECTIVE) else {
        return false;
    };
    let rest = &comment[at + DIRECTIVE.len()..];
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
        assert!(directive_covers("// inngest-fix-ignore", RULE));
        assert!(directive_covers(
            "// inngest-fix-ignore: unsafe-trailing-return",
            RULE
        ));
        assert!(directive_covers(
            "// inngest-fix-ignore: unsafe-trailing-return -- reviewed",
            RULE
        ));
        assert!(directive_covers(
            "// inngest-fix-ignore -- reviewed by ops",
            RULE
        ));
        assert!(!directive_covers("// inngest-fix-ignore: other-rule", RULE));
        assert!(!directive_covers("// something else", RULE));
        assert!(!directive_covers("// inngest-fix-ignored", RULE));
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
