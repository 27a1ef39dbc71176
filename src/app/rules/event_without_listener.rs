//! Rule `event-without-listener`.
//!
//! ## What it does
//! Reports an event sent by `inngest.send(…)` or `step.sendEvent(…)` that no function of
//! the run triggers on. Event names are read from string literals, from `const`s of the
//! file (`const USER_SIGNUP = "user/signup"`, `Events.Signup` of a `const` object). Events
//! under `inngest/` are the engine's own and are left out.
//!
//! Opt-in (`--select event-without-listener`): an event may be meant for another app, or
//! for a function outside the paths given.
//!
//! ## Why is this bad?
//! An event nobody listens to starts nothing: usually a typo in the name on one side
//! (`user/sign-up` sent, `user/signup` listened to), or a function that was removed.
//!
//! ## Example
//! ```ts
//! await inngest.send({ name: "user/sign-up", data }); // the function listens to "user/signup"
//! ```
//!
//! ## Fix safety
//! No automatic fix: which side is wrong is for the author to say.

use std::collections::HashSet;

use super::report;
use crate::app::facts::TriggerKind;
use crate::app::{AppContext, AppDiagnostic, AppOptions};
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};

/// The rule, as the registry lists it ([`crate::rules::registry`]).
pub const RULE: Rule = Rule {
    name: "event-without-listener",
    group: Group::OptIn,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Its name.
pub const NAME: &str = RULE.name;

pub fn check(context: &AppContext, _options: &AppOptions, out: &mut Vec<AppDiagnostic>) {
    let listened: HashSet<&str> = context
        .functions
        .iter()
        .flat_map(|f| f.function.triggers.iter())
        .filter_map(|t| match &t.kind {
            TriggerKind::Event(name) => Some(name.as_str()),
            TriggerKind::Cron(_) => None,
        })
        .collect();
    for (file, facts) in context.files.iter().enumerate() {
        for send in &facts.sends {
            if send.event.starts_with("inngest/") || listened.contains(send.event.as_str()) {
                continue;
            }
            let function = send.in_function.map(|i| &facts.functions[i]);
            out.push(report(
                file,
                NAME,
                send.range.clone(),
                format!("no function of the run triggers on event `{}`", send.event),
                function.map_or(send.range.start, |f| f.statement_start),
                function.and_then(|f| f.id.clone()),
                Vec::new(),
            ));
        }
    }
}
