//! Arbitrary bytes, read as UTF-8 lossily, through `check_source` with both grammars.
//! Seeds: `fuzz/corpus/raw/` (copies of fixtures). The properties are those of
//! `tests/properties/check.rs`; an internal error is a failure only when the input
//! itself parses without errors.
#![no_main]

#[path = "../../tests/properties/check.rs"]
#[allow(dead_code)]
mod check;

use inngest_fix::{Lang, Settings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    // Alternate `--all-returns` with the input, so both settings see both grammars.
    let all_returns = data.len() % 2 == 1;
    for (lang, all_returns) in [(Lang::TypeScript, all_returns), (Lang::Tsx, !all_returns)] {
        let settings = Settings {
            all_returns,
            ..Settings::default()
        };
        let valid = check::error_count(&source, lang) == 0;
        if let Err(problem) = check::check_properties(&source, lang, &settings, valid) {
            panic!("{lang:?} all_returns={all_returns}: {problem}");
        }
    }
});
