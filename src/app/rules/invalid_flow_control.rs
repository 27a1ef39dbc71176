//! Rule `invalid-flow-control`.
//!
//! ## What it does
//! Reports flow-control options of `createFunction` that the Inngest engine rejects when
//! the app syncs, or accepts and then ignores. What the engine does, and where (Go
//! sources of `inngest/inngest`):
//!
//! | option | rejected at sync | ignored or changed |
//! |---|---|---|
//! | `concurrency` | more than 2 entries (`MaxConcurrencyLimits`, `pkg/consts`); `scope: "env"`/`"account"` without a `key`; a `key` that is not a string | `limit: 0` means no limit (documented): not reported |
//! | `throttle` | a `period` str2duration cannot parse (`Throttle.UnmarshalJSON`) | `limit: 0` becomes 1 |
//! | `rateLimit` | `limit` ≤ 0, no `period`, a `period` that does not parse or is over 24h (`FunctionIdempotencyPeriod`; `RateLimit.IsValid`) | |
//! | `debounce` | a `period` that does not parse, under 1s or over 7 days (`MinDebouncePeriod`, `MaxDebouncePeriod`) | a `timeout` that does not parse (`TimeoutDuration` returns none) |
//! | `batchEvents` | `maxSize` under 2; a `timeout` Go's `time.ParseDuration` cannot parse (no `d`/`w` here) or under 1s (`EventBatchConfig.IsValid`) | |
//! | `priority` | a `run` that is not a string | |
//! | `timeouts` | | a `start`/`finish` that does not parse (`StartDuration`/`FinishDuration`) |
//! | `retries` | not a whole number | over 20 is capped to 20 (`MaxRetries`, `pkg/sdk/function.go`); negative |
//!
//! Durations are Go durations with `d` and `w` (`"30s"`, `"1h30m"`, `"2d"`): `"1 hour"`
//! does not parse. Only values written in the code are judged (a variable is not).
//!
//! ## Why is this bad?
//! A value the engine rejects fails the whole app's sync; a value it ignores leaves the
//! function without the limit its author wrote (a timeout that never fires, retries that
//! stop at 20).
//!
//! ## Example
//! ```ts
//! inngest.createFunction(
//!   { id: "digest", debounce: { period: "1 hour" }, retries: 50 },
//!   …
//! );
//! ```
//! Write `period: "1h"`, `retries: 20`.
//!
//! ## Fix safety
//! No automatic fix: the intended value is the author's to choose.

use std::ops::Range;

use super::report;
use crate::app::facts::{Function, Value};
use crate::app::{duration, AppContext, AppDiagnostic, AppOptions};
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};

/// The rule, as the registry lists it ([`crate::rules::registry`]).
pub const RULE: Rule = Rule {
    name: "invalid-flow-control",
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Its name.
pub const NAME: &str = RULE.name;

const MAX_CONCURRENCY_LIMITS: usize = 2;
const MAX_RETRIES: f64 = 20.0;
const DAY: f64 = 86400.0;

pub fn check(context: &AppContext, _options: &AppOptions, out: &mut Vec<AppDiagnostic>) {
    for function in &context.functions {
        let mut problems = Vec::new();
        problems_of(function.function, &mut problems);
        for (range, message) in problems {
            out.push(report(
                function.file,
                NAME,
                range,
                message,
                function.function.statement_start,
                function.function.id.clone(),
                Vec::new(),
            ));
        }
    }
}

type Problems = Vec<(Range<usize>, String)>;

fn problems_of(function: &Function, out: &mut Problems) {
    let options = &function.options;
    if let Some((value, range)) = options.get("concurrency") {
        concurrency(value, range, out);
    }
    if let Some((value, range)) = options.get("throttle") {
        key(value, "throttle", out);
        if let Some((period, at)) = value.get("period") {
            parsed(period, at, "throttle.period", out, |_| None);
        }
        if let Some((Value::Num(n), at)) = value.get("limit") {
            if *n == 0.0 {
                out.push((
                    at.clone(),
                    "throttle.limit 0 is taken as 1 by the engine".to_string(),
                ));
            }
        }
        let _ = range;
    }
    if let Some((value, range)) = options.get("rateLimit") {
        key(value, "rateLimit", out);
        match value.get("limit") {
            Some((Value::Num(n), at)) if *n <= 0.0 => out.push((
                at.clone(),
                format!("rateLimit.limit {n} fails the app's sync: it must be greater than 0"),
            )),
            _ => {}
        }
        match value.get("period") {
            Some((period, at)) => parsed(period, at, "rateLimit.period", out, |s| {
                (s > DAY).then(|| "over the engine's maximum of 24h".to_string())
            }),
            None if complete(value) => out.push((
                range.clone(),
                "rateLimit without a period fails the app's sync".to_string(),
            )),
            None => {}
        }
    }
    if let Some((value, range)) = options.get("debounce") {
        key(value, "debounce", out);
        match value.get("period") {
            Some((period, at)) => parsed(period, at, "debounce.period", out, |s| {
                if s < 1.0 {
                    Some("under the engine's minimum of 1s".to_string())
                } else if s > 7.0 * DAY {
                    Some("over the engine's maximum of 7 days".to_string())
                } else {
                    None
                }
            }),
            None if complete(value) => out.push((
                range.clone(),
                "debounce without a period fails the app's sync".to_string(),
            )),
            None => {}
        }
        if let Some((timeout, at)) = value.get("timeout") {
            ignored_unless_parsed(timeout, at, "debounce.timeout", out);
        }
    }
    if let Some((value, _)) = options.get("batchEvents") {
        key(value, "batchEvents", out);
        if let Some((Value::Num(n), at)) = value.get("maxSize") {
            if *n < 2.0 {
                out.push((
                    at.clone(),
                    format!("batchEvents.maxSize {n} fails the app's sync: a batch takes at least 2 events"),
                ));
            }
        }
        if let Some((Value::Str(s), at)) = value.get("timeout") {
            match duration::go(s) {
                None => out.push((
                    at.clone(),
                    format!(
                        "batchEvents.timeout `{s}` fails the app's sync: the engine reads it as a Go \
                         duration (`30s`, `5m`, `2h`; no days or words)"
                    ),
                )),
                Some(seconds) if seconds < 1.0 => out.push((
                    at.clone(),
                    format!("batchEvents.timeout `{s}` fails the app's sync: under the engine's minimum of 1s"),
                )),
                Some(_) => {}
            }
        }
    }
    if let Some((value, _)) = options.get("priority") {
        if let Some((run, at)) = value.get("run") {
            if is_not_string(run) {
                out.push((
                    at.clone(),
                    "priority.run must be an expression string; the app's sync fails".to_string(),
                ));
            }
        }
    }
    if let Some((value, _)) = options.get("timeouts") {
        for field in ["start", "finish"] {
            if let Some((v, at)) = value.get(field) {
                ignored_unless_parsed(v, at, &format!("timeouts.{field}"), out);
            }
        }
    }
    if let Some((Value::Num(n), at)) = options.get("retries") {
        if n.fract() != 0.0 {
            out.push((
                at.clone(),
                format!("retries {n} fails the app's sync: it must be a whole number"),
            ));
        } else if *n > MAX_RETRIES {
            out.push((
                at.clone(),
                format!("retries {n} is capped to 20 by the engine"),
            ));
        } else if *n < 0.0 {
            out.push((
                at.clone(),
                format!("retries {n} is negative: write 0 for no retries"),
            ));
        }
    }
}

fn concurrency(value: &Value, range: &Range<usize>, out: &mut Problems) {
    let entries: Vec<(&Value, &Range<usize>)> = match value {
        Value::Array(items) => {
            if items.len() > MAX_CONCURRENCY_LIMITS {
                out.push((
                    range.clone(),
                    format!(
                        "{} concurrency limits fail the app's sync: the engine takes at most {MAX_CONCURRENCY_LIMITS}",
                        items.len()
                    ),
                ));
            }
            items.iter().map(|(v, r)| (v, r)).collect()
        }
        Value::Object { .. } => vec![(value, range)],
        _ => Vec::new(),
    };
    for (entry, at) in entries {
        key(entry, "concurrency", out);
        let scope = entry.get("scope").and_then(|(s, _)| s.as_str());
        if let Some(scope @ ("env" | "account")) = scope {
            if entry.get("key").is_none() && complete(entry) {
                out.push((
                    at.clone(),
                    format!("a concurrency limit with scope `{scope}` needs a key; the app's sync fails"),
                ));
            }
        }
    }
}

/// The entries of an object are all known (no spread).
fn complete(value: &Value) -> bool {
    matches!(value, Value::Object { complete: true, .. })
}

/// A literal that is not a string.
fn is_not_string(value: &Value) -> bool {
    matches!(
        value,
        Value::Num(_) | Value::Bool(_) | Value::Array(_) | Value::Object { .. }
    )
}

/// `key` must be an expression string.
fn key(value: &Value, option: &str, out: &mut Problems) {
    if let Some((key, at)) = value.get("key") {
        if is_not_string(key) {
            out.push((
                at.clone(),
                format!("{option}.key must be an expression string (`\"event.data.userId\"`); the app's sync fails"),
            ));
        }
    }
}

/// A period the engine must parse (str2duration), then `bound` on its seconds.
fn parsed(
    value: &Value,
    at: &Range<usize>,
    name: &str,
    out: &mut Problems,
    bound: impl Fn(f64) -> Option<String>,
) {
    match value {
        Value::Str(s) => match duration::engine(s) {
            None => out.push((
                at.clone(),
                format!(
                    "{name} `{s}` fails the app's sync: not a duration the engine parses \
                     (`30s`, `1h30m`, `2d`)"
                ),
            )),
            Some(seconds) => {
                if let Some(reason) = bound(seconds) {
                    out.push((
                        at.clone(),
                        format!("{name} `{s}` fails the app's sync: {reason}"),
                    ));
                }
            }
        },
        Value::Num(_) | Value::Bool(_) => out.push((
            at.clone(),
            format!("{name} must be a duration string (`\"1m\"`); the app's sync fails"),
        )),
        _ => {}
    }
}

/// A duration the engine drops silently when it does not parse.
fn ignored_unless_parsed(value: &Value, at: &Range<usize>, name: &str, out: &mut Problems) {
    if let Value::Str(s) = value {
        if !s.is_empty() && duration::engine(s).is_none() {
            out.push((
                at.clone(),
                format!(
                    "{name} `{s}` is ignored by the engine: not a duration it parses \
                     (`30s`, `1h30m`, `2d`)"
                ),
            ));
        }
    }
}
