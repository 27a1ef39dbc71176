//! `--explain RULE` and `--list-rules`: the rules' own documentation, as
//! [`crate::rule_docs`] took it from their source files.

use std::io::{self, Write};

use crate::report::Exit;
use crate::rule_docs;

/// Print `rule`'s documentation; for an unknown rule, say so with the closest name
/// (exit 2, a usage error).
pub fn explain(rule: &str, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Exit> {
    match rule_docs::doc(rule) {
        Some(doc) => {
            writeln!(out, "# {rule}\n")?;
            // The first line repeats the name: `Rule `x`.`
            let body = doc.split_once('\n').map_or(doc, |(_, rest)| rest).trim();
            writeln!(out, "{body}")?;
            Ok(Exit::Clean)
        }
        None => {
            let reason = rule_docs::unknown_rule(rule, &[]);
            writeln!(err, "inngest-fix: error: {reason}")?;
            Ok(Exit::Error)
        }
    }
}

/// One line per rule: its name and summary.
pub fn list_rules(out: &mut dyn Write) -> io::Result<()> {
    let width = rule_docs::names().map(str::len).max().unwrap_or(0);
    for (name, doc) in rule_docs::RULE_DOCS {
        writeln!(out, "  {name:width$}  {}", rule_docs::summary(doc))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_prints_the_sections() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = explain("unsafe-trailing-return", &mut out, &mut err).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(exit, Exit::Clean);
        assert!(
            out.starts_with("# unsafe-trailing-return\n\n## What it does\n"),
            "{out}"
        );
        assert!(out.contains("## Fix safety"));
    }

    #[test]
    fn unknown_rule_suggests_the_closest() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = explain("nested-steps", &mut out, &mut err).unwrap();
        assert_eq!(exit, Exit::Error);
        let err = String::from_utf8(err).unwrap();
        assert_eq!(
            err,
            "inngest-fix: error: unknown rule `nested-steps`; did you mean `nested-step`?\n"
        );
        assert!(out.is_empty());
    }
}
