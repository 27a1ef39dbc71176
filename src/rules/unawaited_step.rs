//! Rule `unawaited-step`.
//!
//! ## What it does
//! Finds a step call whose promise is dropped: a statement `step.run(…);` (or
//! `step.sleep(…).then(…);`) that is not awaited, returned, `void`ed, assigned, passed
//! on or collected into an array or `Promise.all`. Any step binding counts (`{ step: s }`,
//! `ctx.step`, a destructured `run`, an imported `step`). Step calls inside step bodies
//! are `nested-step`'s to report.
//!
//! A step call in a `forEach` callback counts too (`items.forEach((i) => step.run(…))`):
//! `forEach` drops the promise the callback returns; awaiting inside an `async` callback
//! does not help, so those are left for manual review.
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

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use tree_sitter::Node;

use super::{await_fix, callee_text, dropped_promise, Diagnostic, HandlerContext, Remedy};
use crate::analysis::{is_async_function, is_function, text, unwrap_expression};

/// The `forEach` call whose callback holds `call` and drops its promise: the callback
/// returns the step's promise (`(i) => step.run(…)`, `return step.run(…)`) or is
/// `async` (its own promise, which the step's belongs to, is dropped). `None` otherwise.
fn dropped_by_for_each<'t>(call: Node<'t>, handler: Node<'t>, source: &str) -> Option<Node<'t>> {
    let mut node = call;
    let callback = loop {
        let parent = node.parent_node()?;
        if parent.id() == handler.id() {
            return None;
        }
        if is_function(parent) {
            break parent;
        }
        node = parent;
    };
    let arguments = callback
        .parent_node()
        .filter(|a| a.kind_name() == "arguments")?;
    let for_each = arguments
        .parent_node()
        .filter(|c| c.kind_name() == "call_expression")?;
    let is_for_each = for_each
        .field("function")
        .filter(|f| f.kind_name() == "member_expression")
        .and_then(|f| f.field("property"))
        .is_some_and(|p| text(p, source) == "forEach");
    if !is_for_each {
        return None;
    }
    let body = callback.field("body")?;
    let returned = |expression: Node| {
        let mut value = unwrap_expression(expression);
        if value.kind_name() == "await_expression" {
            if let Some(inner) = value.named_child(0) {
                value = unwrap_expression(inner);
            }
        }
        value.id() == call.id()
    };
    let returns_it = if body.kind_name() == "statement_block" {
        let mut found = false;
        crate::analysis::for_each_descendant(body, |n| {
            found |= n.kind_name() == "return_statement" && n.named_child(0).is_some_and(returned)
        });
        found
    } else {
        returned(body)
    };
    (returns_it || is_async_function(callback)).then_some(for_each)
}

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "unawaited-step";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::Safe,
    fix_title: FixTitle::ADD_AWAIT,
    file: file!(),
    files: Files::Functions,
};

/// Report every step call of one handler whose promise is dropped.
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
    let source = context.source;
    for call in &context.steps.calls {
        if call.tool.is_none() || context.steps.body_containing(call.call).is_some() {
            continue;
        }
        if let Some(for_each) = dropped_by_for_each(call.call, context.handler.function, source) {
            out.push(context.report(call.call.byte_range(), format!(
                    "`{}` runs in a `forEach` callback (line {}): `forEach` drops the promise \
                     the callback returns, so nothing awaits the step",
                    callee_text(call.call, source),
                    for_each.start_position().row + 1
                ), Remedy::Manual(
                    "no automatic fix: use `await Promise.all(items.map(…))` or a `for…of` loop \
                     with `await`"
                        .to_string(),
                )));
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
        out.push(context.report(
            call.call.byte_range(),
            format!(
                "`{}{id}` is not awaited: the handler goes on without the step's result or errors",
                callee_text(call.call, source)
            ),
            remedy,
        ));
    }
}
