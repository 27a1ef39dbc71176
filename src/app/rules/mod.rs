//! The app-wide rules: one file each, its `//!` comment its documentation (`build.rs`
//! reads this folder too). Each reads the joined facts of the run ([`AppContext`]) and
//! reports [`AppDiagnostic`]s.
//!
//! Owns: judgement about the app. Does not own: selection, suppression, status
//! ([`crate::pipeline::app_findings`]).

pub mod duplicate_function_id;
pub mod event_without_listener;
pub mod invalid_cron;
pub mod invalid_flow_control;
pub mod sleep_duration;
pub mod trigger_without_sender;

use std::ops::Range;

use super::{AppContext, AppDiagnostic, AppOptions};
use crate::diagnostic::{Diagnostic, Related, Remedy};
use crate::rule::Rule;

/// A rule that reads the whole app.
pub type AppRule = fn(&AppContext, &AppOptions, &mut Vec<AppDiagnostic>);

/// Every app rule with its check. The registry ([`crate::rules::registry`]) lists the
/// same rules as run elsewhere: a test checks the two agree.
pub const ALL: [(&Rule, AppRule); 6] = [
    (&duplicate_function_id::RULE, duplicate_function_id::check),
    (&invalid_cron::RULE, invalid_cron::check),
    (&invalid_flow_control::RULE, invalid_flow_control::check),
    (&sleep_duration::RULE, sleep_duration::check),
    (&event_without_listener::RULE, event_without_listener::check),
    (&trigger_without_sender::RULE, trigger_without_sender::check),
];

/// Whether `name` is an app rule.
pub fn is_app_rule(name: &str) -> bool {
    ALL.iter().any(|(rule, _)| rule.name == name)
}

/// A diagnostic with no fix (app findings are for a person to settle).
pub(crate) fn report(
    file: usize,
    rule: &'static str,
    range: Range<usize>,
    message: String,
    function_start: usize,
    function_id: Option<String>,
    related: Vec<Related>,
) -> AppDiagnostic {
    AppDiagnostic {
        file,
        diagnostic: Diagnostic {
            rule,
            range,
            message,
            function_id,
            function_start,
            remedy: Remedy::None,
            related,
        },
    }
}
