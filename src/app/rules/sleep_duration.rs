//! Rule `sleep-duration`.
//!
//! ## What it does
//! Reports the duration of `step.sleep(id, duration)` and the `timeout` of
//! `step.waitForEvent(id, { timeout })` when it does not parse, when it is over the
//! engine's maximum (366 days: `MaxSleepDuration` and `MaxWaitForEventTimeout` in
//! `pkg/consts`; plans limit it further, seven days on the free plan), or when it is
//! longer than a threshold (`--long-sleep DAYS`, 180 by default), which is usually a
//! unit slip (`"30d"` for `"30m"`, seconds passed where milliseconds are read). The
//! default is that high because on 70 repositories nobody tuned the rule on, every wait
//! of 60 to 90 days was meant.
//!
//! The SDK reads these strings with the `ms` package before the engine sees them
//! (`"1 hour"`, `"2 days"`, `"90s"`; a number is milliseconds): a string `ms` cannot read
//! (`"1h30m"`, `"tomorrow"`) makes the step throw. `step.sleepUntil` takes a time, not a
//! duration: its string is not judged here.
//!
//! ## Why is this bad?
//! A duration that does not parse fails the run at that step; one over the maximum is
//! refused by the engine; a suspiciously long one parks every run for weeks.
//!
//! ## Example
//! ```ts
//! await step.sleep("wait-a-bit", "1h30m"); // ms cannot read a compound duration
//! await step.waitForEvent("wait-payment", { event: "invoice/paid", timeout: "400d" });
//! ```
//!
//! ## Fix safety
//! No automatic fix: only the author knows the intended wait.

use super::report;
use crate::app::facts::{SleepKind, Value};
use crate::app::{duration, AppContext, AppDiagnostic, AppOptions};
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};

/// The rule, as the registry lists it ([`crate::rules::registry`]).
pub const RULE: Rule = Rule {
    name: "sleep-duration",
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Its name.
pub const NAME: &str = RULE.name;

/// The engine's maximum sleep and wait, in seconds (366 days).
const MAX_SECONDS: f64 = 366.0 * 86400.0;

pub fn check(context: &AppContext, options: &AppOptions, out: &mut Vec<AppDiagnostic>) {
    for (file, facts) in context.files.iter().enumerate() {
        for sleep in &facts.sleeps {
            if sleep.kind == SleepKind::SleepUntil {
                continue;
            }
            let what = match sleep.kind {
                SleepKind::WaitForEvent => "timeout",
                _ => "duration",
            };
            let (seconds, written) = match &sleep.value {
                Value::Str(s) => match duration::ms(s) {
                    Some(seconds) => (seconds, format!("`{s}`")),
                    None => {
                        out.push(report(
                            file,
                            NAME,
                            sleep.range.clone(),
                            format!(
                                "`{}` {what} `{s}` does not parse: the SDK reads it with `ms` \
                                 (`\"90s\"`, `\"2 hours\"`, `\"7d\"`; one number and one unit)",
                                sleep.callee
                            ),
                            sleep.statement_start,
                            None,
                            Vec::new(),
                        ));
                        continue;
                    }
                },
                Value::Num(ms) => (ms / 1000.0, format!("{ms} ms")),
                _ => continue,
            };
            let message = if seconds > MAX_SECONDS {
                format!(
                    "`{}` {what} {written} ({}) is over the engine's maximum of 366 days",
                    sleep.callee,
                    duration::human(seconds)
                )
            } else if seconds > options.long_sleep_seconds as f64 {
                format!(
                    "`{}` {what} {written} ({}) is longer than {} (`--long-sleep`): is the unit right?",
                    sleep.callee,
                    duration::human(seconds),
                    duration::human(options.long_sleep_seconds as f64)
                )
            } else {
                continue;
            };
            out.push(report(
                file,
                NAME,
                sleep.range.clone(),
                message,
                sleep.statement_start,
                None,
                Vec::new(),
            ));
        }
    }
}
