//! Rule `unsafe-trailing-return`.
//!
//! ## What it does
//! Finds the `return` of an Inngest handler that comes after steps and reads
//! handler-scoped variables (step results, `event`, locals) from outside any step.
//! The message says what each read is — a step result, event data, a handler input, a
//! value written inside a step body, or a value computed outside steps (and from what) —
//! and each read's declaration is a related location.
//!
//! ## Why is this bad?
//! An Inngest handler replays from the top on every step; step results come back from
//! the run state, while code outside steps runs again each time. A long function that
//! builds its result from locals after many steps depends on every line between the
//! steps being replay-safe. Teams adopt one pattern for these returns: build the value
//! inside one last step, whose output is memoized, and return that step's result.
//!
//! ## Example
//! ```ts
//! const finalResult = await step.run("process", () => process(jobId));
//! return { jobId, processed: finalResult.processedCount };
//! ```
//! Use instead:
//! ```ts
//! const finalResult = await step.run("process", () => process(jobId));
//! const finalReturn = await step.run("finalize-and-return", async () => {
//!   return { jobId, processed: finalResult.processedCount };
//! });
//! return finalReturn;
//! ```
//!
//! ## Fix safety
//! On the real SDK the rewrite returns the same JSON value when the return expression
//! is free of side effects and step calls. It adds one step per run (counted toward
//! the 1,000-step limit and billing) and stores the return value twice in run state.
//! An expression moves only when the analysis proves it can; otherwise the finding is
//! left for manual review with the reason:
//! - a step is reachable from it: a step call, an alias of the step binding, a closure
//!   or function of the file that (transitively) runs one, an unawaited step promise, the
//!   v4 global `step`, a function from a module of the project (relative, or a
//!   `tsconfig.json` path alias) that mentions `step` (nested steps warn and can hang
//!   the run);
//! - at the return, the step binding's name means a local of the same name;
//! - it sits in a `try` block with a `catch` and may throw (the error would be retried
//!   and reach the `catch` wrapped as a step error);
//! - in TypeScript: it relies on narrowing the new closure loses (a narrowed property
//!   path, a narrowed name assigned elsewhere), reads a variable whose type evolves with
//!   later assignments (`const xs = []`), or a reassigned `let` where its type matters,
//!   or the handler's return type is fixed from outside (declared, annotated, `as`/
//!   `satisfies`, a named handler exported or used elsewhere);
//! - a variable it reads is written inside a step body (already lost on replay), the
//!   handler is not async, it contains `yield`, or it is in code that did not parse.
//!
//! Only trailing returns are fixed by default; `--all-returns` also fixes early
//! returns after steps and returns inside loops.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};

use tree_sitter::Node;

use super::{Diagnostic, HandlerContext, Related, Remedy};
use crate::analysis::assertions::Assertions;
use crate::analysis::movability;
use crate::analysis::mutations::{step_body_writes, StepBodyWrite};
use crate::analysis::provenance::{self, Provenance};
use crate::analysis::reads::{handler_reads, HandlerRead, HandlerScope};
use crate::analysis::returns::HandlerReturn;
use crate::analysis::scope::resolve;
use crate::analysis::semantic::SemanticModel;
use crate::analysis::{any_descendant, code_children, contains, text, unwrap_expression};
use crate::fix::finalize::{self, Finalize, Names};
use crate::language::Lang;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "unsafe-trailing-return";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::Safe,
    fix_title: FixTitle {
        action: "Wrap the return in a final step",
        does: "wraps it in a final step",
        done: "wrapped in a final step",
    },
    file: file!(),
    files: Files::Functions,
};

/// Check every return of one handler.
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
    let (tree, lang) = (context.tree, context.lang);
    let mut names: Option<Names> = None;
    let mut mutations: Option<Vec<StepBodyWrite>> = None;
    for handler_return in context.returns {
        if !handler_return.after_steps {
            continue;
        }
        let Some(expression) = handler_return.argument else {
            continue;
        };
        if returns_step_result(context, handler_return.statement, expression) {
            continue;
        }
        let reads = handler_reads(
            &HandlerScope {
                handler: context.handler,
                steps: context.steps,
                binding: context.binding,
                source: context.source,
                lang,
            },
            handler_return.statement,
            expression,
        );
        if reads.is_empty() {
            continue;
        }
        let mutations = mutations.get_or_insert_with(|| {
            step_body_writes(
                context.handler.function,
                &context.steps.bodies,
                context.source,
            )
        });
        let mut manual_reason =
            manual_reason(context, handler_return, expression, &reads, mutations);
        let mut callee = None;
        if manual_reason.is_none() {
            let model = context.semantic();
            match movability(context, handler_return, expression, &reads, model, lang) {
                Ok(found) => callee = Some(found),
                Err(reason) => manual_reason = Some(reason),
            }
        }
        let remedy = match (manual_reason, callee) {
            (Some(reason), _) => Remedy::Manual(reason),
            (None, Some(callee)) => {
                let names = names.get_or_insert_with(|| {
                    Names::new(
                        context.handler.function,
                        context.steps,
                        context.options.var_name,
                        context.source,
                    )
                });
                let finalize = Finalize {
                    source: context.source,
                    tree,
                    style: context.style,
                    body: context.handler.body.unwrap_or(context.handler.function),
                    var_name: context.options.var_name,
                    step_id: context.options.step_id,
                    callee: &callee,
                };
                match finalize::plan(&finalize, handler_return, expression, names) {
                    Some(fix) => Remedy::Fix(fix),
                    None => Remedy::None,
                }
            }
            (None, None) => Remedy::None,
        };
        let provenances: Vec<Provenance> = reads
            .iter()
            .map(|read| {
                provenance::of_name(
                    &read.name,
                    read.scope,
                    context.handler.function,
                    context.steps,
                    mutations,
                    context.source,
                )
            })
            .collect();
        let message = format!(
            "return after steps reads {} outside any step",
            list_names(&reads, &provenances)
        );
        out.push(Diagnostic {
            related: reads
                .iter()
                .zip(&provenances)
                .filter_map(|(read, provenance)| {
                    let declared = provenance::declaration(&read.name, read.scope, context.source)?;
                    Some(Related {
                        range: declared.byte_range(),
                        message: format!("`{}`: {}", read.name, provenance.describe()),
                    })
                })
                .collect(),
            ..context.report(handler_return.statement.byte_range(), message, remedy)
        });
    }
}

/// `return step.run(…)`, `return await step.invoke(…)`, or `return x` where `x` holds
/// a step's result and nothing else: the value already comes from run state.
fn returns_step_result(context: &HandlerContext, statement: Node, expression: Node) -> bool {
    let mut value = unwrap_expression(expression);
    if value.kind_name() == "await_expression" {
        match value.named_child(0) {
            Some(inner) => value = unwrap_expression(inner),
            None => return false,
        }
    }
    if context.steps.is_step_call(value) || is_fan_out_of_steps(context, value) {
        return true;
    }
    if value.kind_name() != "identifier" {
        return false;
    }
    let source = context.source;
    let name = text(value, source);
    let Some(scope) = resolve(statement, context.handler.function, name, source) else {
        return false;
    };
    let mut declared = Vec::new();
    crate::analysis::scope::declared_names(scope, source, &mut declared);
    let Some(declarator) = declared
        .iter()
        .find(|n| text(**n, source) == name)
        .and_then(|n| n.parent_node())
        .filter(|d| d.kind_name() == "variable_declarator")
    else {
        return false;
    };
    let Some(initial) = declarator.field("value") else {
        return false;
    };
    let mut initial = unwrap_expression(initial);
    if initial.kind_name() == "await_expression" {
        match initial.named_child(0) {
            Some(inner) => initial = unwrap_expression(inner),
            None => return false,
        }
    }
    if !context.steps.is_step_call(initial) {
        return false;
    }
    let is_const = declarator
        .parent_node()
        .and_then(|d| d.child(0))
        .is_some_and(|keyword| keyword.kind_name() == "const");
    is_const || !crate::analysis::scope::is_assigned(context.handler.function, name, source)
}

/// `Promise.all([step.run(…), step.run(…)])` or `Promise.all(ids.map((id) => step.run(…)))`
/// (also `allSettled`, `race`, `any`): the value is made of step results only.
fn is_fan_out_of_steps(context: &HandlerContext, value: Node) -> bool {
    let source = context.source;
    let is_step = |node: Node| {
        let mut node = unwrap_expression(node);
        if node.kind_name() == "await_expression" {
            match node.named_child(0) {
                Some(inner) => node = unwrap_expression(inner),
                None => return false,
            }
        }
        context.steps.is_step_call(node)
    };
    if value.kind_name() != "call_expression" {
        return false;
    }
    let callee = value.field("function").map(|f| text(f, source));
    if !matches!(
        callee,
        Some("Promise.all" | "Promise.allSettled" | "Promise.race" | "Promise.any")
    ) {
        return false;
    }
    let Some(arguments) = value.field("arguments") else {
        return false;
    };
    let mut arguments = code_children(arguments);
    let (Some(only), None) = (arguments.next(), arguments.next()) else {
        return false;
    };
    let only = unwrap_expression(only);
    match only.kind_name() {
        "array" => code_children(only).all(is_step),
        "call_expression" => {
            // `xs.map(cb)` where `cb` returns a step call and nothing else.
            let maps = only
                .field("function")
                .filter(|f| f.kind_name() == "member_expression")
                .and_then(|f| f.field("property"))
                .is_some_and(|p| text(p, source) == "map");
            let callback = only
                .field("arguments")
                .and_then(|a| code_children(a).next())
                .map(unwrap_expression);
            let Some(callback) = callback.filter(|c| maps && c.kind_name() == "arrow_function")
            else {
                return false;
            };
            let Some(body) = callback.field("body") else {
                return false;
            };
            if body.kind_name() != "statement_block" {
                return is_step(body);
            }
            let mut statements = code_children(body);
            match (statements.next(), statements.next()) {
                (Some(only), None) if only.kind_name() == "return_statement" => {
                    code_children(only).next().is_some_and(is_step)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The proofs that the expression can move (see docs/fixes.md, "What is reported, what is
/// fixed"): no step reachable from it, the handler's step binding callable at the
/// return, the same error path, and in TypeScript the same types. `Ok` gives the callee
/// of the finalize step; `Err` the reason for manual review.
fn movability<'t>(
    context: &HandlerContext<'_, 't>,
    handler_return: &HandlerReturn<'t>,
    expression: Node<'t>,
    reads: &[HandlerRead<'t>],
    model: &SemanticModel<'_, 't>,
    lang: Lang,
) -> Result<String, String> {
    let source = context.source;
    let statement = handler_return.statement;
    let handler = context.handler.function;
    if let Some(why) = model.reaches_step(expression) {
        return Err(format!(
            "the return expression may run a step ({why}): moving it into the finalize step \
             would nest steps, which the SDK does not support"
        ));
    }
    let Some(callee) = context.binding.run_callee_at(statement, handler, source) else {
        return Err(
            "at the return, the step binding's name means a local of the same name: the \
             finalize step cannot call the handler's step tools there"
                .to_string(),
        );
    };
    if let Some(receiver) = return_receiver(context) {
        if !movability::json_stable(expression, source) {
            return Err(format!(
                "the handler's return value goes to {receiver}, not straight to the SDK: after \
                 the rewrite it gets the JSON-serialized value (a `Date` becomes a string), \
                 which it may use, or whose type its parameter may fix"
            ));
        }
    }
    let body = context.handler.body.unwrap_or(handler);
    if let Some(try_statement) = movability::in_try_with_catch(statement, body) {
        if !movability::cannot_throw(expression, statement, model, source) {
            return Err(format!(
                "the return is inside a `try` block with a `catch` (line {}) and its expression \
                 may throw: inside a step the error is retried and reaches the `catch` wrapped \
                 as a step error",
                try_statement.start_position().row + 1
            ));
        }
    }
    if is_typescript(context, context.model().root(), lang) {
        if let Some(why) =
            movability::jsdoc_return_type(handler, source).filter(|_| is_javascript(context))
        {
            return Err(why);
        }
        if let Some(why) = movability::return_type_fixed(
            handler,
            context.function.call,
            context.model().symbols(),
            source,
        ) {
            return Err(why);
        }
        let assertions = Assertions::of_file(
            context.model().root(),
            source,
            context
                .options
                .source_path
                .and_then(std::path::Path::parent),
        );
        let conditions = movability::narrowing_conditions(statement, body, source, &assertions);
        if let Some(why) = movability::lost_narrowing(
            expression,
            &conditions,
            model,
            context.model().root(),
            source,
        ) {
            return Err(why);
        }
        for read in reads {
            if let Some(why) =
                movability::evolving_or_reassigned(read.node, expression, handler, model, source)
            {
                return Err(why);
            }
        }
    }
    Ok(callee)
}

/// Who receives the handler's return value when it is not the SDK itself: the
/// higher-order function the handler is passed through, or a configured wrapper
/// (`wrappers = ["defineJob"]`) the handler is passed to.
fn return_receiver(context: &HandlerContext) -> Option<String> {
    let source = context.source;
    let callee_name = |call: Node| {
        let mut function = call.field("function")?;
        // `wrap(options)(handler)`: name the wrapper.
        while function.kind_name() == "call_expression" {
            function = function.field("function")?;
        }
        Some(text(function, source).to_string())
    };
    if let Some(through) = context.handler.through {
        let name = callee_name(through).unwrap_or_else(|| "a wrapper".to_string());
        return Some(format!("`{name}(…)`, which the handler is passed through"));
    }
    let call = context.function.call;
    let method = call.field("function").and_then(|f| match f.kind_name() {
        "member_expression" => f.field("property"),
        _ => Some(f),
    });
    let is_wrapper = method.is_some_and(|m| text(m, source) != "createFunction");
    let is_main_handler = context
        .function
        .handlers
        .first()
        .is_some_and(|h| h.function.id() == context.handler.function.id());
    (is_wrapper && is_main_handler).then(|| {
        let name = callee_name(call).unwrap_or_default();
        format!("the wrapper `{name}(…)`")
    })
}

/// Types are checked in TypeScript files, in text of unknown origin parsed as such, and
/// in JavaScript files that TypeScript checks: `// @ts-check` in the file's leading
/// comments, or `checkJs` in the nearest `tsconfig.json`/`jsconfig.json` (unless the
/// file says `// @ts-nocheck`).
fn is_typescript(context: &HandlerContext, root: Node, lang: Lang) -> bool {
    let _ = lang;
    let Some(path) = context.options.source_path else {
        return true;
    };
    if !is_javascript(context) {
        return true;
    }
    // As TypeScript reads a pragma: `// @ts-check`, or a line of a block comment that
    // starts with it.
    let pragma = |word: &str| {
        code_leading_comments(root).any(|comment| {
            let comment = text(comment, context.source);
            match comment.strip_prefix("//") {
                Some(line) => line.trim_start_matches('/').trim_start().starts_with(word),
                None => comment.trim_start_matches("/*").lines().any(|l| {
                    l.trim_start()
                        .trim_start_matches('*')
                        .trim_start()
                        .starts_with(word)
                }),
            }
        })
    };
    if pragma("@ts-nocheck") {
        return false;
    }
    pragma("@ts-check")
        || path
            .parent()
            .is_some_and(|d| crate::analysis::semantic::tsconfig::for_directory(d).check_js)
}

/// Whether the file is JavaScript (`.js .jsx .mjs .cjs`).
fn is_javascript(context: &HandlerContext) -> bool {
    context.options.source_path.is_some_and(|p| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "js" | "jsx" | "mjs" | "cjs"))
    })
}

/// The comments before the first statement of a file.
fn code_leading_comments(root: Node) -> impl Iterator<Item = Node> {
    let mut cursor = root.walk();
    let children: Vec<Node> = root.children(&mut cursor).collect();
    children
        .into_iter()
        .take_while(|c| matches!(c.kind_name(), "comment" | "hash_bang_line"))
        .filter(|c| c.kind_name() == "comment")
}

/// Why a finding cannot be fixed automatically (SPEC 2.1), if it cannot.
fn manual_reason(
    context: &HandlerContext,
    handler_return: &HandlerReturn,
    expression: Node,
    reads: &[HandlerRead],
    mutations: &[StepBodyWrite],
) -> Option<String> {
    let statement = handler_return.statement;
    if statement.has_error() || has_error_ancestor(statement) {
        return Some("the return is in code that did not parse cleanly".to_string());
    }
    if context.steps.any_within(expression) {
        return Some(
            "the return expression calls a step: moving it into a step would nest steps, \
             which the SDK does not support"
                .to_string(),
        );
    }
    if any_descendant(expression, |n| n.kind_name() == "yield_expression") {
        return Some("the return expression contains `yield`".to_string());
    }
    if context.handler.function.field("return_type").is_some() {
        return Some(
            "the handler declares its return type, and `step.run` returns the JSON-serialized \
             type: `return finalReturn` may no longer type-check (a `Date` becomes a string)"
                .to_string(),
        );
    }
    if !context.handler.is_async {
        return Some(
            "the handler is not async, so the finalize step cannot be awaited".to_string(),
        );
    }
    for read in reads {
        if !contains(context.handler.function, read.scope) {
            continue;
        }
        if let Some(m) = mutations
            .iter()
            .find(|m| m.name(context.source) == read.name)
        {
            return Some(format!(
                "`{}` is written inside a step body (line {}): that write is lost on replay, \
                 and a final step would freeze the wrong value",
                read.name,
                m.line()
            ));
        }
    }
    if context.binding.run_callee().is_none() {
        return Some("the handler destructures no `run` from `step`".to_string());
    }
    // A side effect that runs once today, because no step follows it, would run again
    // once the finalize step follows it.
    let effects = super::side_effect_outside_step::effects_of(context);
    let last_step_end = context
        .steps
        .calls
        .iter()
        .filter(|c| c.call.end_byte() <= statement.start_byte())
        .map(|c| c.call.end_byte())
        .max()
        .unwrap_or(0);
    if let Some(effect) = effects.side_effects().into_iter().find(|e| {
        e.node.start_byte() >= last_step_end
            && e.node.end_byte() <= statement.start_byte()
            && !effects.step_may_follow(e.node)
    }) {
        return Some(format!(
            "`{}` (line {}) runs once today because no step follows it; the finalize step \
             would follow it, and it would run again on that step's replay",
            crate::analysis::effects::callee_name(effect.call, context.source),
            effect.node.start_position().row + 1
        ));
    }
    None
}

fn has_error_ancestor(node: Node) -> bool {
    let mut current = node.parent_node();
    while let Some(n) = current {
        if n.is_error() {
            return true;
        }
        current = n.parent_node();
    }
    false
}

/// The names read, each with where its value comes from: `` `result` (a step
/// result), `jobId` (event data) and 2 more ``.
fn list_names(reads: &[HandlerRead], provenances: &[Provenance]) -> String {
    const SHOWN: usize = 3;
    let mut listed: Vec<String> = reads
        .iter()
        .zip(provenances)
        .take(SHOWN)
        .map(|(r, p)| format!("`{}` ({})", r.name, p.describe()))
        .collect();
    if reads.len() > SHOWN {
        listed.push(format!("{} more", reads.len() - SHOWN));
    }
    match listed.len() {
        1 => listed.remove(0),
        _ => {
            let last = listed.pop().unwrap_or_default();
            format!("{} and {}", listed.join(", "), last)
        }
    }
}
