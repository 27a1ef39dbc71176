//! `--explain RULE` and `--list-rules`: the rules' own documentation, as
//! [`crate::rules::registry`] lists it (from each rule's source file).

use std::io::{self, Write};

use crate::printer::Format;
use crate::report::Exit;
use crate::rule::{Fixes, Group, Rule, MIGRATION_PRESET};
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

/// The widest a `--list-rules` line gets: its summary is cut to fit.
const LIST_WIDTH: usize = 120;

/// `--list-rules`: a table a person reads at a glance (name, when it runs, what its fix
/// is, one line of summary), or with `--format json` an array for scripts.
pub fn list_rules(format: Format, out: &mut dyn Write) -> io::Result<()> {
    let rules = registry::by_name();
    if matches!(format, Format::Json | Format::JsonLines) {
        let rows: Vec<serde_json::Value> = rules
            .iter()
            .map(|rule| {
                serde_json::json!({
                    "name": rule.name,
                    "group": group_word(rule.group),
                    "preset": (rule.group == Group::Migration).then_some(MIGRATION_PRESET),
                    "fix": fix_word(rule.fixes),
                    "fix_title": (rule.fixes != Fixes::None).then_some(rule.fix_title.action),
                    "summary": rule.summary(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let runs = |rule: &Rule| match rule.group {
        Group::Default => "default".to_string(),
        Group::OptIn => "opt-in".to_string(),
        Group::Migration => format!("opt-in ({MIGRATION_PRESET})"),
    };
    let runs_width = rules.iter().map(|r| runs(r).len()).max().unwrap_or(0);
    let fix_width = "needs review".len();
    writeln!(
        out,
        "{:width$}  {:runs_width$}  {:fix_width$}  SUMMARY",
        "RULE", "RUNS", "FIX"
    )?;
    for rule in rules {
        let head = format!(
            "{:width$}  {:runs_width$}  {:fix_width$}  ",
            rule.name,
            runs(rule),
            fix_word(rule.fixes).replace('-', " ")
        );
        let room = LIST_WIDTH.saturating_sub(head.chars().count()).max(20);
        writeln!(out, "{head}{}", cut(&short_summary(&rule.summary()), room))?;
    }
    writeln!(
        out,
        "\nOpt-in rules run when selected by name (`--select RULE`), the migration rules by their\n\
         preset (`--select {MIGRATION_PRESET}`). `--explain RULE` prints a rule's documentation, \
         `--format json` this table."
    )
}

fn group_word(group: Group) -> &'static str {
    match group {
        Group::Default => "default",
        Group::OptIn => "opt-in",
        Group::Migration => "migration",
    }
}

fn fix_word(fixes: Fixes) -> &'static str {
    match fixes {
        Fixes::None => "none",
        Fixes::Safe => "safe",
        Fixes::NeedsReview => "needs-review",
    }
}

/// The summary without its leading "Finds" (the table's column says what the rule finds).
fn short_summary(summary: &str) -> String {
    // A list the summary's sentence opens is left for --explain.
    let summary = match summary.find(": - ") {
        Some(at) => format!("{}: …", &summary[..at]),
        None => summary.to_string(),
    };
    match summary
        .strip_prefix("Finds, ")
        .or_else(|| summary.strip_prefix("Finds "))
    {
        Some(rest) => {
            let mut chars = rest.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
        None => summary,
    }
}

/// `text` on one line of at most `room` characters, cut at a word with `…`.
fn cut(text: &str, room: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= room {
        return text;
    }
    let mut line = String::new();
    for word in text.split(' ') {
        if line.chars().count() + word.chars().count() + 2 > room {
            break;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    line.push('…');
    line
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
        list_rules(Format::Text, &mut list).unwrap();
        let list = String::from_utf8(list).unwrap();
        for line in list.lines().skip(1).take_while(|line| !line.is_empty()) {
            let opt_in = line.contains("  opt-in (v4)  ");
            assert_eq!(opt_in, line.starts_with("v4-"), "{line}");
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
