//! Hostile input through the library entry point: deep nesting, very long lines, empty
//! and BOM-only files, syntax errors around and inside returns.
//!
//! Every case runs on a thread with a 256 KiB stack, so a walk that recurses over
//! user-controlled depth overflows loudly here instead of on a user's machine. Every
//! case also checks the properties of `tests/properties/check.rs` (re-parse, idempotency,
//! edits only at fixed returns, BOM and line endings kept).

#[path = "properties/check.rs"]
#[allow(dead_code)]
mod check;

use std::time::{Duration, Instant};

use inngest_fix::{check_source, FileOutcome, Lang, Settings};

use check::{check_properties, error_count};

const SMALL_STACK: usize = 256 * 1024;

/// Run `f` on a thread with a small stack; a stack overflow aborts the test binary.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .name("small-stack".to_string())
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Check `source` with the properties on a small stack, within `budget` (debug build).
fn run(source: String, lang: Lang, budget: Duration) -> (FileOutcome, usize) {
    on_small_stack(move || {
        let started = Instant::now();
        let valid = error_count(&source, lang) == 0;
        let outcome = check_properties(&source, lang, &Settings::default(), valid)
            .unwrap_or_else(|problem| panic!("property failed: {problem}"));
        let elapsed = started.elapsed();
        // Speed is measured in bench/, not asserted here: a time limit fails on a busy
        // machine. The budget is printed so a slow path shows up in the test log.
        eprintln!(
            "{} bytes checked in {elapsed:.1?} (expected well under {budget:?})",
            source.len()
        );
        (outcome, error_count(&source, lang))
    })
}

fn fixed(outcome: &FileOutcome) -> usize {
    outcome.findings.iter().filter(|f| f.fixed()).count()
}

fn manual(outcome: &FileOutcome) -> usize {
    outcome
        .findings
        .iter()
        .filter(|f| f.reason().is_some())
        .count()
}

/// A handler with one step, then `body` as its last statements.
fn handler(body: &str) -> String {
    format!(
        "import {{ inngest }} from \"./client\";\n\
         export const deep = inngest.createFunction(\n  {{ id: \"deep\" }},\n  {{ event: \"app/deep\" }},\n  \
         async ({{ event, step }}) => {{\n    \
         const result = await step.run(\"load\", async () => ({{ count: 1 }}));\n\
         {body}\n  }},\n);\n"
    )
}

const DEPTH: usize = 10_000;

/// Depth of the nesting *around* a return (and around a read inside one). The analysis climbs from the return to the
/// handler with `Node::parent`, which tree-sitter computes by descending from the root:
/// O(depth) per step, O(depth²) per climb, so 10,000 levels around a return take minutes
/// (measured: 0.6 s at 500, 6 s at 2,000, 24 s at 4,000 in a debug build). Stack safety
/// does not depend on it: every climb is a loop. The walks *down* (queries, descendant
/// walks, hoisted `var`s, re-indenting a 20,000-line return value) get 10,000 levels.
const DEPTH_AROUND_RETURN: usize = 600;

#[test]
fn ten_thousand_nested_blocks_before_a_return() {
    let body = format!(
        "{}const inner = 1;{}\n    return {{ id: event.data.id, count: result.count }};",
        "{\n".repeat(DEPTH),
        "\n}".repeat(DEPTH)
    );
    let (outcome, errors) = run(handler(&body), Lang::TypeScript, Duration::from_secs(60));
    assert_eq!(errors, 0);
    assert_eq!(fixed(&outcome), 1);
}

#[test]
fn ten_thousand_nested_steps_and_vars_before_a_return() {
    // Nested blocks holding `var`s (hoisted: walked by scope resolution) and steps.
    let body = format!(
        "{}var hoisted = await step.run(\"deep\", async () => 1);{}\n    return {{ hoisted, id: event.data.id }};",
        "{\n".repeat(DEPTH),
        "\n}".repeat(DEPTH)
    );
    let (outcome, errors) = run(handler(&body), Lang::TypeScript, Duration::from_secs(60));
    assert_eq!(errors, 0);
    assert_eq!(fixed(&outcome), 1);
}

#[test]
fn nested_blocks_around_a_return() {
    let body = format!(
        "{}return {{ id: event.data.id, count: result.count }};{}",
        "{\n".repeat(DEPTH_AROUND_RETURN),
        "\n}".repeat(DEPTH_AROUND_RETURN)
    );
    let (outcome, errors) = run(handler(&body), Lang::TypeScript, Duration::from_secs(60));
    assert_eq!(errors, 0);
    assert_eq!(
        fixed(&outcome),
        1,
        "a return in nested tail blocks is trailing"
    );
}

#[test]
fn nested_ifs_around_a_return() {
    let body = format!(
        "{}return event.data;{}",
        "if (event.data.ok) {\n".repeat(DEPTH_AROUND_RETURN),
        "\n}".repeat(DEPTH_AROUND_RETURN)
    );
    let (outcome, _) = run(handler(&body), Lang::TypeScript, Duration::from_secs(60));
    assert_eq!(fixed(&outcome), 1);
}

#[test]
fn ten_thousand_nested_arrays_in_a_return() {
    let body = format!(
        "return [event.data.id, {}1{}];",
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    let (outcome, errors) = run(handler(&body), Lang::Tsx, Duration::from_secs(60));
    assert_eq!(errors, 0);
    assert_eq!(fixed(&outcome), 1);
}

#[test]
fn ten_thousand_nested_parentheses_in_a_return() {
    let body = format!("return {}result{};", "(".repeat(DEPTH), ")".repeat(DEPTH));
    let (outcome, errors) = run(handler(&body), Lang::TypeScript, Duration::from_secs(60));
    assert_eq!(errors, 0);
    // The step result returned directly, through parentheses: not a finding.
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
}

#[test]
fn ten_thousand_nested_callbacks_inside_a_handler() {
    // Nested arrow functions holding a step call and returns of their own. (The return
    // does not mention `nested`: a function that can run a step stays out of the
    // finalize step.)
    let body = format!(
        "const nested = {}step.run(\"inner\", async () => 1){};\n    return {{ id: event.data.id }};",
        "(() => ".repeat(DEPTH),
        ")".repeat(DEPTH)
    );
    let (outcome, errors) = run(handler(&body), Lang::TypeScript, Duration::from_secs(60));
    assert_eq!(errors, 0);
    assert_eq!(fixed(&outcome), 1);
}

#[test]
fn ten_thousand_nested_objects_in_a_multiline_return() {
    let body = format!(
        "return {{\n id: event.data.id,\n deep: {}1{},\n}};",
        "{\n a: ".repeat(DEPTH),
        "\n}".repeat(DEPTH)
    );
    let (outcome, errors) = run(handler(&body), Lang::TypeScript, Duration::from_secs(60));
    assert_eq!(errors, 0);
    assert_eq!(fixed(&outcome), 1);
}

#[test]
fn unbalanced_deep_nesting_is_not_fixed_and_does_not_overflow() {
    let body = format!(
        "{}return {{ id: event.data.id }};",
        "{ if (x) (".repeat(DEPTH)
    );
    let (outcome, errors) = run(handler(&body), Lang::TypeScript, Duration::from_secs(60));
    assert!(errors > 0);
    assert_eq!(fixed(&outcome), 0);
}

#[test]
fn five_megabyte_single_line_file() {
    // A minified bundle: everything on one line, the handler in the middle.
    let mut source = String::from("import { inngest } from \"./client\";");
    let mut index = 0;
    while source.len() < 2 * 1024 * 1024 {
        source.push_str(&format!("const m{index} = \"module\" + {index};"));
        index += 1;
    }
    source.push_str(
        "export const big = inngest.createFunction({ id: \"big\" }, { event: \"app/big\" }, async ({ event, step }) => { const r = await step.run(\"s\", async () => 1); let total = 0;",
    );
    while source.len() < 4 * 1024 * 1024 {
        source.push_str(&format!("total += {index};"));
        index += 1;
    }
    source.push_str("return { r, total, id: event.data.id }; });");
    while source.len() < 5 * 1024 * 1024 {
        source.push_str(&format!("const n{index} = {index};"));
        index += 1;
    }
    assert!(!source.contains('\n'));
    let (outcome, errors) = run(source, Lang::TypeScript, Duration::from_secs(120));
    assert_eq!(errors, 0);
    assert_eq!(fixed(&outcome), 1);
}

#[test]
fn five_megabyte_return_value_on_one_line() {
    let blob = "x".repeat(5 * 1024 * 1024);
    let source = handler(&format!(
        "    return {{ id: event.data.id, blob: \"{blob}\", tail: `${{result.count}}` }};"
    ));
    let (outcome, errors) = run(source, Lang::TypeScript, Duration::from_secs(120));
    assert_eq!(errors, 0);
    assert_eq!(fixed(&outcome), 1);
}

#[test]
fn many_fixes_in_one_large_file() {
    // 500 functions, each with a fixable trailing return. (The file's style is
    // detected once per fix, a scan of the whole file each time: 2,000 functions take
    // 17 s in a debug build, quadratic in the number of fixes.)
    let mut source = String::from("import { inngest } from \"./client\";\n");
    for index in 0..500 {
        source.push_str(&format!(
            "export const f{index} = inngest.createFunction({{ id: \"f{index}\" }}, {{ event: \"e\" }}, async ({{ event, step }}) => {{\n  \
             const r = await step.run(\"s\", async () => {index});\n  return {{ r, id: event.data.id }};\n}});\n"
        ));
    }
    let (outcome, _) = run(source, Lang::TypeScript, Duration::from_secs(60));
    assert_eq!(fixed(&outcome), 500);
}

#[test]
fn empty_file() {
    for lang in [Lang::TypeScript, Lang::Tsx] {
        let (outcome, _) = run(String::new(), lang, Duration::from_secs(5));
        assert!(!outcome.has_inngest_functions);
        assert!(outcome.findings.is_empty());
        assert!(outcome.fixed_source.is_none());
        assert!(outcome.internal_error.is_none());
    }
}

#[test]
fn file_that_is_only_a_bom() {
    for lang in [Lang::TypeScript, Lang::Tsx] {
        let (outcome, errors) = run("\u{feff}".to_string(), lang, Duration::from_secs(5));
        assert_eq!(errors, 0);
        assert!(outcome.findings.is_empty());
        assert!(outcome.fixed_source.is_none());
        assert!(outcome.internal_error.is_none());
    }
}

#[test]
fn whitespace_nul_and_lone_keywords() {
    for source in [
        "\n\n\n",
        "\r\n",
        "\0\0\0",
        "createFunction",
        "x.createFunction(",
        "x.createFunction(a, async ({ step }) => { await step.run(",
        "return",
        "\u{feff}\u{feff}createFunction",
    ] {
        for lang in [Lang::TypeScript, Lang::Tsx] {
            let (outcome, _) = run(source.to_string(), lang, Duration::from_secs(5));
            assert!(outcome.fixed_source.is_none(), "{source:?}");
        }
    }
}

/// A well-formed function after one whose return is broken.
const FINE_FUNCTION: &str = "export const fine = inngest.createFunction(\n  { id: \"fine\" },\n  { event: \"app/fine\" },\n  async ({ event, step }) => {\n    const r = await step.run(\"s\", async () => 1);\n    return { r, id: event.data.id };\n  },\n);\n";

fn broken_then_fine(broken_return: &str) -> String {
    format!(
        "import {{ inngest }} from \"./client\";\n\n\
         export const broken = inngest.createFunction(\n  {{ id: \"broken\" }},\n  {{ event: \"app/broken\" }},\n  \
         async ({{ event, step }}) => {{\n    const r = await step.run(\"s\", async () => 1);\n    {broken_return}\n  }},\n);\n\n{FINE_FUNCTION}"
    )
}

#[test]
fn syntax_error_inside_a_return_is_manual_and_the_rest_is_fixed() {
    for broken in [
        // A missing comma.
        "return { r, id: event.data.id status: 1 };",
        // A stray token.
        "return { r, id: event.data.id } );",
        // An operator with no right-hand side.
        "return r + ;",
        // A missing closing parenthesis (a MISSING node).
        "return (r + event.data.id;",
    ] {
        let source = broken_then_fine(broken);
        let (outcome, errors) = run(source.clone(), Lang::TypeScript, Duration::from_secs(10));
        assert!(errors > 0, "{broken}: expected a syntax error");
        assert_eq!(fixed(&outcome), 1, "{broken}: the fine function is fixed");
        let broken_line = 8;
        assert!(
            outcome
                .findings
                .iter()
                .filter(|f| f.range.line == broken_line)
                .all(|f| !f.fixed()),
            "{broken}: the broken return is left alone: {:?}",
            outcome.findings
        );
        let fixed_text = outcome.fixed_source.as_deref().unwrap_or_default();
        assert!(
            fixed_text.contains(broken),
            "{broken}: the broken return is kept verbatim"
        );
    }
}

#[test]
fn syntax_errors_around_returns() {
    let cases = [
        // An unterminated string after the handler.
        format!("{FINE_FUNCTION}const tail = \"unterminated\n"),
        // A stray closing brace before.
        format!("}}\n{FINE_FUNCTION}"),
        // An unterminated template literal at the end of the file.
        format!("{FINE_FUNCTION}const t = `open ${{"),
        // A broken statement just before the return, inside the handler.
        FINE_FUNCTION.replace("    return", "    const = ;\n    return"),
        // A broken statement just after the return, inside the handler.
        FINE_FUNCTION.replace("};\n  },", "};\n    if (\n  },"),
        // The handler's closing brace missing.
        FINE_FUNCTION.replace("  },\n);", ");"),
    ];
    for source in cases {
        for lang in [Lang::TypeScript, Lang::Tsx] {
            let (outcome, errors) = run(source.clone(), lang, Duration::from_secs(10));
            assert!(errors > 0, "expected a syntax error in:\n{source}");
            // Whatever is fixed, the properties held (checked in `run`); a return
            // inside an error region is never fixed.
            for finding in outcome.findings.iter().filter(|f| f.fixed()) {
                let statement = &source[finding.range.start_byte..finding.range.end_byte];
                assert!(statement.starts_with("return"), "{statement}");
            }
            let _ = manual(&outcome);
        }
    }
}

#[test]
fn return_statement_cut_at_end_of_file() {
    let source = handler("    return { r: result, id: event.data.id");
    let source = source[..source.find("id: event.data.id").unwrap_or(0) + 17].to_string();
    let (outcome, errors) = run(source, Lang::TypeScript, Duration::from_secs(10));
    assert!(errors > 0);
    assert_eq!(fixed(&outcome), 0);
}

#[test]
fn check_source_directly_on_a_small_stack() {
    // The entry point itself, without the property harness, on an even smaller stack.
    let source = handler(&format!(
        "{}const x = [{}event.data{}];{}\n    return {{ id: event.data.id, count: result.count }};",
        "{\n".repeat(DEPTH),
        "[(".repeat(DEPTH),
        ")]".repeat(DEPTH),
        "\n}".repeat(DEPTH)
    ));
    let outcome = std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(move || check_source(&source, Lang::TypeScript, &Settings::default()))
        .expect("spawn")
        .join()
        .expect("no panic");
    assert!(outcome.fixed_source.is_some());
}
