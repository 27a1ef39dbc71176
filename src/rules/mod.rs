//! Rules: one file each. A rule reads the analysis of one handler and reports
//! [`Diagnostic`]s, each with its fix as data when a safe one exists.
//!
//! Owns: judgement. Does not own: applying or verifying fixes ([`crate::fix`]),
//! suppression comments ([`crate::suppression`]), output.

pub mod duplicate_step_id;
pub mod migration;
pub mod mutation_in_step;
pub mod nested_step;
pub mod non_json_step_result;
pub mod nondeterminism_outside_step;
pub mod side_effect_outside_step;
pub mod unawaited_send;
pub mod unawaited_step;
pub mod unsafe_trailing_return;
pub mod unused_suppression;

use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::analysis::binding::StepBinding;
use crate::analysis::functions::{self, Handler, InngestFunction};
use crate::analysis::{enclosing_function, is_async_function, returns, steps, text};
use crate::fix::style::StyleCache;
use crate::fix::{Edit, Fix};
use crate::{Lang, Settings};

/// A rule's report about one place in the file, before suppression and verification.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule's name.
    pub rule: &'static str,
    /// The byte range reported (the return statement).
    pub range: Range<usize>,
    /// One line for people.
    pub message: String,
    /// The Inngest function's `id`, when a string literal.
    pub function_id: Option<String>,
    /// Start of the `createFunction` call: a suppression comment above it covers the whole function.
    pub function_start: usize,
    /// The fix, when a safe one exists.
    pub fix: Option<Fix>,
    /// The fix is applied in this run (it may exist and not apply: a non-trailing return without `--all-returns`).
    pub fix_applies: bool,
    /// Why the finding is left for manual review.
    pub manual_reason: Option<String>,
}

/// Everything a rule may read about one handler.
pub struct HandlerContext<'a, 't> {
    pub source: &'a str,
    pub settings: &'a Settings,
    pub function: &'a InngestFunction<'t>,
    pub handler: &'a Handler<'t>,
    pub binding: &'a StepBinding,
    pub steps: &'a steps::HandlerSteps<'t>,
    pub returns: &'a [returns::HandlerReturn<'t>],
    /// The file's style, detected on first use and shared by every handler.
    pub style: &'a StyleCache,
}

/// Run every rule over every handler of a parsed file, in source order.
pub fn check_tree(tree: &Tree, source: &str, lang: Lang, settings: &Settings) -> Checked {
    let functions = functions::find_with(tree, source, lang, &settings.extra_create_function_names);
    let mut diagnostics = Vec::new();
    let style = StyleCache::default();
    for function in &functions {
        for handler in &function.handlers {
            let Some(binding) = StepBinding::of_handler(handler.function, tree, source) else {
                // No step binding: the handler runs no steps, nothing can be unsafe.
                continue;
            };
            let steps = steps::find(handler, &binding, source, lang);
            if steps.calls.is_empty() {
                continue;
            }
            let returns = returns::find(handler, &steps, source, lang);
            let context = HandlerContext {
                source,
                settings,
                function,
                handler,
                binding: &binding,
                steps: &steps,
                returns: &returns,
                style: &style,
            };
            let rules: [HandlerRule; 8] = [
                unsafe_trailing_return::check,
                mutation_in_step::check,
                nested_step::check,
                nondeterminism_outside_step::check,
                unawaited_step::check,
                duplicate_step_id::check,
                side_effect_outside_step::check,
                non_json_step_result::check,
            ];
            for check in rules {
                check(&context, tree, lang, &mut diagnostics);
            }
        }
    }
    unawaited_send::check(&functions, tree, source, &mut diagnostics);
    migration::check(&functions, tree, source, lang, settings, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    // Every rule runs, so that a suppression for a rule left out of this run still
    // counts as used; the findings of rules left out are dropped by the caller
    // ([`crate::fix`]), and their fixes never apply nor block another rule's.
    for diagnostic in &mut diagnostics {
        if !settings.rule_enabled(diagnostic.rule) {
            diagnostic.fix_applies = false;
        }
    }
    drop_conflicting_fixes(&mut diagnostics);
    Checked {
        has_inngest_functions: !functions.is_empty(),
        diagnostics,
    }
}

/// The flag that lets a finding's existing fix apply, when the fix waits for one:
/// `--unsafe-fixes` for fixes that need review, else `--all-returns` (non-trailing returns).
pub fn flag_for_waiting_fix(rule: &str) -> &'static str {
    if rule == nondeterminism_outside_step::NAME
        || rule == side_effect_outside_step::NAME
        || rule == migration::v4_serve_streaming::NAME
    {
        "--unsafe-fixes"
    } else {
        "--all-returns"
    }
}

/// A rule that reads one handler at a time.
type HandlerRule = fn(&HandlerContext, &Tree, Lang, &mut Vec<Diagnostic>);

/// Two fixes that touch the same text cannot both apply in one run. The
/// `unsafe-trailing-return` fix wins (it moves the return expression into a step, which
/// also settles what the other fix was about, such as a `Date.now()` in that
/// expression); among the others the first in the file wins. A fix that loses is
/// reported, not applied.
fn drop_conflicting_fixes(diagnostics: &mut [Diagnostic]) {
    let mut order: Vec<usize> = (0..diagnostics.len())
        .filter(|&i| diagnostics[i].fix_applies && diagnostics[i].fix.is_some())
        .collect();
    order.sort_by_key(|&i| diagnostics[i].rule != unsafe_trailing_return::NAME);
    let mut taken: Vec<Range<usize>> = Vec::new();
    for index in order {
        let ranges: Vec<Range<usize>> = diagnostics[index]
            .fix
            .iter()
            .flat_map(|f| f.edits.iter().map(|e| e.range.clone()))
            .collect();
        // Touching counts as overlapping: an insertion at the edge of a replaced range
        // would land on one side or the other by accident.
        let conflicts = ranges
            .iter()
            .any(|r| taken.iter().any(|t| r.start <= t.end && t.start <= r.end));
        if conflicts {
            let diagnostic = &mut diagnostics[index];
            diagnostic.fix_applies = false;
            diagnostic
                .message
                .push_str(" (its fix overlaps another fix: run again to apply it)");
        } else {
            taken.extend(ranges);
        }
    }
}

/// Where the statement holding `node` starts, in its block or at the top of the file:
/// a suppression comment above it covers everything in it (for a `createFunction`
/// call, the whole function).
pub fn function_statement_start(node: Node) -> usize {
    let mut node = node;
    while let Some(parent) = node.parent() {
        if parent.kind() == "program"
            || parent.kind() == "class_body"
            || parent.kind() == "statement_block"
        {
            break;
        }
        node = parent;
    }
    node.start_byte()
}

/// The expression that drops the promise of `call`, if it does: the call (or a
/// `.then(…)`/`.catch(…)`/`.finally(…)` chain on it, in parentheses or not) is a whole
/// expression statement. Awaited, returned, `void`ed, assigned, passed on or collected
/// into an array or `Promise.all` promises are not dropped.
pub fn dropped_promise<'t>(call: Node<'t>, source: &str) -> Option<Node<'t>> {
    let mut node = call;
    loop {
        let parent = node.parent()?;
        match parent.kind() {
            "parenthesized_expression" => node = parent,
            "member_expression" => {
                let on_node = parent
                    .child_by_field_name("object")
                    .is_some_and(|o| o.id() == node.id());
                let chain_method = parent
                    .child_by_field_name("property")
                    .is_some_and(|p| matches!(text(p, source), "then" | "catch" | "finally"));
                let chained = parent.parent().filter(|c| {
                    c.kind() == "call_expression"
                        && c.child_by_field_name("function")
                            .is_some_and(|f| f.id() == parent.id())
                });
                match chained {
                    Some(chained) if on_node && chain_method => node = chained,
                    _ => return None,
                }
            }
            "expression_statement" => return Some(node),
            _ => return None,
        }
    }
}

/// The fix that awaits a dropped promise, or why there is none: `await` needs an
/// async function around the statement.
pub fn await_fix(call: Node, dropped: Node) -> Result<Fix, String> {
    if dropped.has_error() {
        return Err("no automatic fix: the statement did not parse cleanly".to_string());
    }
    match enclosing_function(call) {
        Some(function) if is_async_function(function) => Ok(Fix {
            edits: vec![Edit {
                range: dropped.start_byte()..dropped.start_byte(),
                replacement: "await ".to_string(),
            }],
        }),
        Some(_) => Err(
            "no automatic fix: the enclosing function is not async; await the promise there \
             or return it"
                .to_string(),
        ),
        None => Err("no automatic fix: the call is not inside a function".to_string()),
    }
}

/// The callee of a call as written (`step.run`, `ctx.step.sleep`, `inngest.send`), for messages.
pub fn callee_text<'s>(call: Node, source: &'s str) -> &'s str {
    call.child_by_field_name("function")
        .map_or("", |f| text(f, source))
}

/// The rules' verdict on one file.
pub struct Checked {
    /// At least one `createFunction` call with a handler shape.
    pub has_inngest_functions: bool,
    /// Every diagnostic, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
inngest.createFunction({ id: "f" }, { event: "e" }, async ({ step }) => {
  step.run("a", () => 1);
  await step.run("a", () => Date.now());
});
"#;

    fn diagnostics(settings: &Settings) -> Vec<(&'static str, bool)> {
        let tree = crate::language::parse(SOURCE, Lang::TypeScript).expect("parses");
        check_tree(&tree, SOURCE, Lang::TypeScript, settings)
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.fix_applies))
            .collect()
    }

    #[test]
    fn rules_left_out_still_report_but_never_fix() {
        assert_eq!(
            diagnostics(&Settings::default()),
            vec![
                (unawaited_step::NAME, true),
                (duplicate_step_id::NAME, false)
            ]
        );
        let without = Settings {
            ignore: vec![unawaited_step::NAME.to_string()],
            ..Settings::default()
        };
        assert_eq!(
            diagnostics(&without),
            vec![
                (unawaited_step::NAME, false),
                (duplicate_step_id::NAME, false)
            ]
        );
    }
}
