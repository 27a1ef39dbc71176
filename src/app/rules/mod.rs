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

/// A rule that reads the whole app.
pub type AppRule = fn(&AppContext, &AppOptions, &mut Vec<AppDiagnostic>);

/// Every app rule, by name.
pub const ALL: [(&str, AppRule); 6] = [
    (duplicate_function_id::NAME, duplicate_function_id::check),
    (invalid_cron::NAME, invalid_cron::check),
    (invalid_flow_control::NAME, invalid_flow_control::check),
    (sleep_duration::NAME, sleep_duration::check),
    (event_without_listener::NAME, event_without_listener::check),
    (trigger_without_sender::NAME, trigger_without_sender::check),
];

/// The opt-in app rules: events may come from, or go to, code outside the run.
pub const OPT_IN: [&str; 2] = [event_without_listener::NAME, trigger_without_sender::NAME];

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

#[cfg(test)]
mod tests {
    #[test]
    fn the_settings_know_every_app_rule() {
        let names: Vec<&str> = super::ALL.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, crate::settings::APP_RULES);
        for name in super::OPT_IN {
            assert!(crate::settings::is_opt_in_rule(name));
        }
    }
}
