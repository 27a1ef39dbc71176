//! Fixes as data, applied and verified in one place. (Being written.)

use crate::{FileOutcome, Lang};

/// The user's choices that shape a rewrite.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Step ID of the finalize step (`--step-id`).
    pub step_id: String,
    /// Name of the variable holding its result (`--var-name`).
    pub var_name: String,
    /// Also fix findings that are not in tail position (`--all-returns`).
    pub all_returns: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            step_id: "finalize-and-return".to_string(),
            var_name: "finalReturn".to_string(),
            all_returns: false,
        }
    }
}

/// Analyse, fix, verify. (Stub until the analysis lands.)
pub fn check_and_fix(_source: &str, _lang: Lang, _settings: &Settings) -> FileOutcome {
    FileOutcome::default()
}
