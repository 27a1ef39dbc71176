//! The v4 migration plan: after the findings of a run with migration rules, what was
//! rewritten and, for each thing left, where and what to do, in an order a person can
//! follow (dependencies first, then each file, then what no rule can see).
//!
//! Owns: that text, built from the reports alone. Does not own: the findings (the
//! migration rules, [`crate::rules::migration`]) or where it goes (the text printer).

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::diagnostic::{Finding, Status};
use crate::report::{FileReport, Mode};
use crate::rule::Group;
use crate::rules::migration::{v4_dependencies, v4_non_npm_sdk};
use crate::rules::registry;

/// The v4 changes no rule can see in code (docs/migrating-to-v4.md, "What is left").
const UNSEEN: &[&str] = &[
    "the default mode is now `cloud`: set `isDev: true` on the client or `INNGEST_DEV=1` for \
     local development",
    "checkpointing is on by default: on serverless set `checkpointing: { maxRuntime }` below \
     the platform's limit",
    "`INNGEST_SERVE_HOST` is now `INNGEST_SERVE_ORIGIN` in the environment",
];

/// Write the plan for `reports`, or nothing when no migration rule found anything.
pub fn write_plan(w: &mut dyn Write, reports: &[FileReport], mode: Mode) -> io::Result<()> {
    let migration = |f: &&Finding| {
        registry::get(f.rule).is_some_and(|rule| rule.group == Group::Migration) && !f.suppressed()
    };
    if !reports
        .iter()
        .any(|r| r.findings.iter().any(|f| migration(&f)))
    {
        return Ok(());
    }
    let written = matches!(mode, Mode::Write | Mode::Interactive);
    writeln!(w, "v4 migration plan")?;

    // Which SDK each group of files uses.
    let mut remote: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut npm_files = 0;
    let mut manifests: Vec<&str> = Vec::new();
    for report in reports {
        let findings: Vec<&Finding> = report.findings.iter().filter(migration).collect();
        if findings.is_empty() {
            continue;
        }
        if let Some(sdk) = findings.iter().find(|f| f.rule == v4_non_npm_sdk::NAME) {
            let what = sdk
                .message
                .split(", not the npm package")
                .next()
                .unwrap_or("");
            // However the file reaches it: "`URL` is inngest 3.16.1".
            let what = what.split(" here too").next().unwrap_or(what);
            remote
                .entry(what.to_string())
                .or_default()
                .push(&report.display_path);
        } else if findings.iter().all(|f| f.rule == v4_dependencies::NAME) {
            manifests.push(&report.display_path);
        } else {
            npm_files += 1;
        }
    }
    writeln!(w, "  SDKs:")?;
    let declared = if manifests.is_empty() {
        String::new()
    } else {
        format!(" ({})", manifests.join(", "))
    };
    if npm_files == 0 {
        writeln!(w, "    the npm package `inngest`{declared}")?;
    } else {
        writeln!(
            w,
            "    the npm package `inngest`{declared}: {npm_files} file{} with findings, migrated",
            plural(npm_files)
        )?;
    }
    for (what, files) in &remote {
        writeln!(
            w,
            "    {what} (not migrated, left on v3): {}",
            files.join(", ")
        )?;
    }

    // What the fixes rewrote.
    let mut rewritten: BTreeMap<&str, (usize, Vec<&str>)> = BTreeMap::new();
    for report in reports {
        for finding in report.findings.iter().filter(migration) {
            if finding.fixed() {
                let entry = rewritten.entry(finding.rule).or_default();
                entry.0 += 1;
                if !entry.1.contains(&report.display_path.as_str()) {
                    entry.1.push(&report.display_path);
                }
            }
        }
    }
    if rewritten.is_empty() {
        writeln!(w, "  Rewritten: nothing")?;
    } else {
        let verb = if written {
            "Rewritten"
        } else {
            "To rewrite (`--write` applies these)"
        };
        writeln!(w, "  {verb}:")?;
        for (rule, (count, files)) in &rewritten {
            writeln!(
                w,
                "    {rule}: {count} in {} file{}",
                files.len(),
                plural(files.len())
            )?;
        }
    }

    // What is left, in order: install, then each finding, then the unseen changes.
    writeln!(w, "  Left for you, in order:")?;
    let mut step = 0;
    let mut item = |w: &mut dyn Write, text: String| -> io::Result<()> {
        step += 1;
        writeln!(w, "    {step}. {text}")
    };
    let bumps = reports.iter().any(|r| {
        r.findings
            .iter()
            .any(|f| f.rule == v4_dependencies::NAME && (f.fixed() || f.fixable()))
    });
    if bumps {
        let when = if written { "" } else { "after `--write`, " };
        item(
            w,
            format!(
                "{when}run your package manager's install so that the lockfile follows \
                 package.json (inngest-fix installs nothing)"
            ),
        )?;
    }
    for report in reports {
        for finding in report.findings.iter().filter(migration) {
            if finding.fixed() {
                continue;
            }
            let location = format!(
                "{}:{}:{}",
                report.display_path, finding.range.line, finding.range.column
            );
            let todo = match &finding.status {
                Status::Manual(reason) => {
                    let reason = reason.strip_prefix("no automatic fix: ").unwrap_or(reason);
                    format!("{}: {reason}", finding.message)
                }
                Status::WaitsForUnsafeFixes => {
                    format!("{} (`--unsafe-fixes` applies its fix)", finding.message)
                }
                Status::Deferred => format!("{} (run again to apply its fix)", finding.message),
                _ => finding.message.clone(),
            };
            item(w, format!("{location} {}: {todo}", finding.rule))?;
        }
    }
    item(
        w,
        "run `npx tsc --noEmit`: each error left should sit on a line named above".to_string(),
    )?;
    for unseen in UNSEEN {
        item(w, format!("no rule sees this: {unseen}"))?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
