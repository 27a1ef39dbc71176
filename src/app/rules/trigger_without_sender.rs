//! Rule `trigger-without-sender`.
//!
//! ## What it does
//! Reports an event trigger (`{ event: "…" }`) whose event nothing in the run sends with
//! `inngest.send(…)` or `step.sendEvent(…)`. Event names are read from string literals
//! and `const`s, as `event-without-listener` reads them. The engine's own events
//! (`inngest/function.failed`, `inngest/scheduled.timer`, …) are left out.
//!
//! Opt-in (`--select trigger-without-sender`): events also come from outside the code
//! (webhooks, other services, the dashboard), so a trigger nobody in the run sends is
//! often fine.
//!
//! ## Why is this bad?
//! A function whose event is never sent never runs: often a typo on one side, or a
//! sender that was removed.
//!
//! ## Example
//! ```ts
//! inngest.createFunction({ id: "welcome" }, { event: "user/signup" }, …);
//! await inngest.send({ name: "user/signed-up", data });
//! ```
//!
//! ## Fix safety
//! No automatic fix.

use std::collections::HashSet;

use super::report;
use crate::app::facts::TriggerKind;
use crate::app::{AppContext, AppDiagnostic, AppOptions};
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};

/// The rule, as the registry lists it ([`crate::rules::registry`]).
pub const RULE: Rule = Rule {
    name: "trigger-without-sender",
    group: Group::OptIn,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Its name.
pub const NAME: &str = RULE.name;

pub fn check(context: &AppContext, _options: &AppOptions, out: &mut Vec<AppDiagnostic>) {
    let sent: HashSet<&str> = context
        .files
        .iter()
        .flat_map(|f| f.sends.iter().map(|s| s.event.as_str()))
        .collect();
    for function in &context.functions {
        for trigger in &function.function.triggers {
            let TriggerKind::Event(event) = &trigger.kind else {
                continue;
            };
            if event.starts_with("inngest/") || sent.contains(event.as_str()) {
                continue;
            }
            out.push(report(
                function.file,
                NAME,
                trigger.range.clone(),
                format!("nothing in the run sends event `{event}`"),
                function.function.statement_start,
                function.function.id.clone(),
                Vec::new(),
            ));
        }
    }
}
