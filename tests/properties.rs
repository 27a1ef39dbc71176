//! Property tests on generated Inngest handlers: the rewrite never breaks a file.
//!
//! A generator (`tests/properties/generate.rs`) turns a byte string into a valid
//! TypeScript or TSX file of 1–3 Inngest functions: every step-binding shape, step
//! calls in loops, fan-outs and helpers, returns in tail and non-tail positions, in
//! if/else, try/catch, switch cases and braceless ifs, multi-line and commented return
//! values, template literals spanning lines, 2/4-space or tab indentation, LF or CRLF,
//! optional BOM, with or without semicolons, either quote, v3 and v4 forms.
//! `tests/properties/check.rs` states the properties checked on each file.
//!
//! Deterministic: a fixed seed (override with `INNGEST_FIX_PROPTEST_SEED`), 256 cases
//! by default (`PROPTEST_CASES` overrides), no regression files written. On failure,
//! the shrunk file is printed.

#[path = "properties/check.rs"]
#[allow(dead_code)]
mod check;
#[path = "properties/generate.rs"]
mod generate;

use proptest::collection::vec;
use proptest::prelude::any;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use inngest_fix::{Lang, Settings};

use check::{check_properties, error_count};
use generate::{generate, Choices, Generated};

const DEFAULT_SEED: u64 = 0x1a9e_57f1;

fn runner() -> TestRunner {
    // `Config::default()` reads `PROPTEST_CASES` and the other `PROPTEST_*` variables.
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    let seed = std::env::var("INNGEST_FIX_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(DEFAULT_SEED);
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key))
}

fn lang_of(generated: &Generated) -> Lang {
    if generated.tsx {
        Lang::Tsx
    } else {
        Lang::TypeScript
    }
}

/// All properties on one generated file.
fn properties_hold(bytes: &[u8]) -> Result<(), String> {
    let generated = generate(&mut Choices::new(bytes));
    let lang = lang_of(&generated);
    let errors = error_count(&generated.source, lang);
    if errors > 0 {
        return Err(format!(
            "generator bug: {errors} syntax errors in the input"
        ));
    }
    let settings = Settings {
        all_returns: generated.all_returns,
        ..Settings::default()
    };
    let outcome = check_properties(&generated.source, lang, &settings, true)?;
    if generated.expect_fix && outcome.fixed_source.is_none() {
        return Err(
            "a trailing return that reads handler variables after steps was not fixed".to_string(),
        );
    }
    Ok(())
}

#[test]
fn generated_handlers_are_fixed_safely() {
    let mut runner = runner();
    let started = std::time::Instant::now();
    let result = runner.run(&vec(any::<u8>(), 0..600), |bytes| {
        properties_hold(&bytes).map_err(TestCaseError::fail)
    });
    if let Err(error) = result {
        let detail = match &error {
            proptest::test_runner::TestError::Fail(_, bytes) => {
                let generated = generate(&mut Choices::new(bytes));
                format!(
                    "\n--- shrunk input ({:?}, all_returns={}), bytes {:?} ---\n{}\n--- output ---\n{}",
                    lang_of(&generated),
                    generated.all_returns,
                    bytes,
                    generated.source,
                    inngest_fix::check_source(
                        &generated.source,
                        lang_of(&generated),
                        &Settings {
                            all_returns: generated.all_returns,
                            ..Settings::default()
                        }
                    )
                    .fixed_source
                    .unwrap_or_default()
                )
            }
            _ => String::new(),
        };
        panic!("{error}{detail}");
    }
    eprintln!(
        "generated_handlers_are_fixed_safely: {} cases in {:.1?}",
        runner.config().cases,
        started.elapsed()
    );
}

/// The generator's simplest file (no choices) is a fixable handler: guards the
/// generator against drifting into producing nothing interesting.
#[test]
fn generator_covers_fixes_and_manual_findings() {
    let mut rng_runner = runner();
    let mut fixed = 0;
    let mut manual = 0;
    let mut tsx = 0;
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..400)
            .map(|_| {
                use proptest::strategy::{Strategy, ValueTree};
                any::<u8>()
                    .new_tree(&mut rng_runner)
                    .map(|t| t.current())
                    .unwrap_or(0)
            })
            .collect();
        let generated = generate(&mut Choices::new(&bytes));
        let lang = lang_of(&generated);
        tsx += usize::from(generated.tsx);
        let outcome = inngest_fix::check_source(&generated.source, lang, &Settings::default());
        fixed += outcome.findings.iter().filter(|f| f.fixed()).count();
        manual += outcome
            .findings
            .iter()
            .filter(|f| f.reason().is_some())
            .count();
    }
    assert!(fixed > 100, "only {fixed} fixes in 200 generated files");
    assert!(
        manual > 10,
        "only {manual} manual findings in 200 generated files"
    );
    assert!(tsx > 20, "only {tsx} TSX files in 200");
}
