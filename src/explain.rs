//! `--explain RULE` and `--list-rules`: the rules' own documentation, as
//! [`crate::rules::registry`] lists it (from each rule's source file).

use std::io::{self, Write};

use crate::report::Exit;
use crate::rule::{Group, MIGRATION_PRESET};
use crate::rules::registry;

/// Print `rule`'s documentation; for an unknown rule, say so with the closest name
/// (exit 2, a usage error).
pub fn explain(rule: &str, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Exit> {
    if crate::settings::is_preset(rule) {
        writeln!(out, "# {rule} (preset)\n")?;
        writeln!(
            out,
            "The rules that migrate Inngest v3 code to v4 (docs/migrating-to-v4.md). \
             They are opt-in: no default run and no `--select ALL` checks them; \
             `--select {rule}` selects them all.\n"
        )?;
        let rules = registry::by_name();
        let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
        for listed in rules {
            if crate::settings::preset_selects(rule, listed) {
                let name = listed.name;
                writeln!(out, "  {name:width$}  {}", listed.summary())?;
            }
        }
        return Ok(Exit::Clean);
    }
    match registry::get(rule).map(|rule| rule.doc()) {
        Some(doc) => {
            writeln!(out, "# {rule}\n")?;
            // The first line repeats the name: `Rule `x`.`
            let body = doc.split_once('\n').map_or(doc, |(_, rest)| rest).trim();
            writeln!(out, "{body}")?;
            Ok(Exit::Clean)
        }
        None => {
            let reason = registry::unknown_rule(rule, &[]);
            writeln!(err, "inngest-fix: error: {reason}")?;
            Ok(Exit::Error)
        }
    }
}

/// One line per rule: its name and summary.
pub fn list_rules(out: &mut dyn Write) -> io::Result<()> {
    let rules = registry::by_name();
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for rule in rules {
        // Opt-in rules say how to select them: nothing else does.
        let opt_in = match rule.group {
            Group::Default => String::new(),
            Group::OptIn => format!(" [opt-in: --select {}]", rule.name),
            Group::Migration => format!(" [opt-in: --select {MIGRATION_PRESET}]"),
        };
        let name = rule.name;
        writeln!(out, "  {name:width$}  {}{opt_in}", rule.summary())?;
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
    fn the_migration_preset_is_explained_and_marked() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = explain("v4", &mut out, &mut err).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(exit, Exit::Clean);
        assert!(out.starts_with("# v4 (preset)\n"), "{out}");
        assert!(out.contains("  v4-create-function "), "{out}");
        assert!(!out.contains("unsafe-trailing-return"), "{out}");
        let mut list = Vec::new();
        list_rules(&mut list).unwrap();
        let list = String::from_utf8(list).unwrap();
        for line in list.lines() {
            let opt_in = line.ends_with("[opt-in: --select v4]");
            assert_eq!(opt_in, line.trim_start().starts_with("v4-"), "{line}");
        }
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
