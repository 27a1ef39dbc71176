//! Generated Inngest handler files (the generator of `tests/properties.rs`, driven by
//! the fuzzer's bytes) through `check_source`: valid input, so an internal error is a
//! failure, and a return the generator knows is fixable must be fixed.
#![no_main]

#[path = "../../tests/properties/check.rs"]
#[allow(dead_code)]
mod check;
#[path = "../../tests/properties/generate.rs"]
mod generate;

use inngest_fix::{Lang, Settings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let generated = generate::generate(&mut generate::Choices::new(data));
    let lang = if generated.tsx {
        Lang::Tsx
    } else {
        Lang::TypeScript
    };
    let settings = Settings {
        all_returns: generated.all_returns,
        ..Settings::default()
    };
    let errors = check::error_count(&generated.source, lang);
    assert_eq!(errors, 0, "generator bug:\n{}", generated.source);
    match check::check_properties(&generated.source, lang, &settings, true) {
        Ok(outcome) => assert!(
            !generated.expect_fix || outcome.fixed_source.is_some(),
            "fixable return not fixed:\n{}",
            generated.source
        ),
        Err(problem) => panic!("{problem}\n{}", generated.source),
    }
});
