//! Rule `invalid-cron`.
//!
//! ## What it does
//! Reports a `cron` trigger whose expression the Inngest engine rejects. The engine
//! (`CronTrigger.Validate` in `pkg/inngest/trigger.go`) parses it with
//! `robfig/cron/v3` and the fields minute, hour, day of month, month and day of week:
//! exactly five fields, no seconds field, no `@daily` or `@every 5m` descriptors; each
//! field a list of `*`, `?`, `N` or `N-M`, each with an optional `/step`; month and day
//! names (`jan`, `MON`); an optional `TZ=Zone ` or `CRON_TZ=Zone ` prefix. Bounds: minute
//! 0–59, hour 0–23, day of month 1–31, month 1–12, day of week 0–6 (`7` is not Sunday).
//!
//! ## Why is this bad?
//! An expression the engine cannot parse fails the whole app's sync: none of its
//! functions is updated until it is fixed.
//!
//! ## Example
//! ```ts
//! inngest.createFunction({ id: "report" }, { cron: "0 0 9 * * 1" }, …); // six fields
//! ```
//! Use `{ cron: "0 9 * * 1" }`.
//!
//! ## Fix safety
//! No automatic fix: only the author knows the schedule they meant.

use super::report;
use crate::app::facts::TriggerKind;
use crate::app::{cron, AppContext, AppDiagnostic, AppOptions};
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};

/// The rule, as the registry lists it ([`crate::rules::registry`]).
pub const RULE: Rule = Rule {
    name: "invalid-cron",
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Its name.
pub const NAME: &str = RULE.name;

pub fn check(context: &AppContext, _options: &AppOptions, out: &mut Vec<AppDiagnostic>) {
    for function in &context.functions {
        for trigger in &function.function.triggers {
            let TriggerKind::Cron(expression) = &trigger.kind else {
                continue;
            };
            if let Err(reason) = cron::check(expression) {
                out.push(report(
                    function.file,
                    NAME,
                    trigger.range.clone(),
                    format!("cron `{expression}` fails the app's sync: {reason}"),
                    function.function.statement_start,
                    function.function.id.clone(),
                    Vec::new(),
                ));
            }
        }
    }
}
