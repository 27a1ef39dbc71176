//! Rule `unawaited-step`.
//!
//! ## What it does
//! Finds a step call whose promise is dropped: a statement `step.run(…);` (or
//! `step.sleep(…).then(…);`) that is not awaited, returned, `void`ed, assigned, passed
//! on or collected into an array or `Promise.all`. Any step binding counts (`{ step: s }`,
//! `ctx.step`, a destructured `run`, an imported `step`). Step calls inside step bodies
//! are `nested-step`'s to report.
//!
//! ## Why is this bad?
//! The handler goes on without the step: its result and its errors are lost, a
//! `step.sleep` does not delay what follows, and the handler can finish while the step
//! is still pending, so the order of the run's steps no longer follows the code.
//!
//! ## Example
//! ```ts
//! step.run("send-receipt", () => sendReceipt(order));
//! await step.sleep("cool-off", "1h");
//! ```
//! Use instead:
//! ```ts
//! await step.run("send-receipt", () => sendReceipt(order));
//! await step.sleep("cool-off", "1h");
//! ```
//!
//! ## Fix safety
//! Safe, applied by default (`--write`): the fix adds `await ` before the statement,
//! which makes the handler wait for the step as the code reads. It is offered only
//! where `await` is legal (the nearest enclosing function is `async`); elsewhere the
//! finding is left for manual review. Steps meant to run in parallel belong in
//! `Promise.all([...])`, which this rule accepts.

use tree_sitter::Tree;

use super::{
    await_fix, callee_text, dropped_promise, function_statement_start, Diagnostic, HandlerContext,
    Remedy,
};
use crate::language::Lang;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "unawaited-step";

/// Report every step call of one handler whose promise is dropped.
pub fn check(context: &HandlerContext, _tree: &Tree, _lang: Lang, out: &mut Vec<Diagnostic>) {
    let source = context.source;
    for call in &context.steps.calls {
        if call.tool.is_none() || context.steps.body_containing(call.call).is_some() {
            continue;
        }
        let Some(dropped) = dropped_promise(call.call, source) else {
            continue;
        };
        let remedy = Remedy::from_result(await_fix(call.call, dropped));
        let id = call
            .id
            .as_deref()
            .map(|id| format!("(\"{id}\")"))
            .unwrap_or_default();
        out.push(Diagnostic {
            rule: NAME,
            range: call.call.byte_range(),
            message: format!(
                "`{}{id}` is not awaited: the handler goes on without the step's result or errors",
                callee_text(call.call, source)
            ),
            function_id: context.function.id.clone(),
            function_start: function_statement_start(context.function.call),
            remedy,
            related: Vec::new(),
        });
    }
}
