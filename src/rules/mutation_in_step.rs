//! Rule `mutation-in-step`.
//!
//! ## What it does
//! Finds reads of a handler-scoped variable after a step body that writes it: an
//! assignment (`total = …`, `total += …`), `++`/`--`, a member write
//! (`state.done = true`), `delete`, a mutating call (`rows.push(x)`, `splice`,
//! `map.set`, `set.add`, `map.delete`…) or `Object.assign(state, …)` inside
//! `step.run(…, () => {…})`, then a read of that variable outside the step body, after
//! it (in the handler, in a later step's arguments, or in a later step's body). Each
//! read is reported where it is.
//!
//! A write that nothing reads afterwards, and a variable declared inside the step body,
//! are left alone. So is the usual pattern `a = await step.run("add-one", () => a + 1)`:
//! the step returns the value and the handler assigns it.
//!
//! ## Why is this bad?
//! A step body runs once. On every later request the handler replays from the top and
//! the body is skipped: its return value comes back from run state, but its writes to
//! outside variables do not happen again. Code after the step that reads the variable
//! sees its value before the write (`0`, `[]`, `{}`) on every request but the first.
//!
//! ## Example
//! ```ts
//! const rejected: string[] = [];
//! await step.run("validate-rows", async () => {
//!   for (const row of rows) if (!row.email) rejected.push(row.id);
//! });
//! await step.run("notify", () => notify(rejected));
//! ```
//! Use instead:
//! ```ts
//! const rejected = await step.run("validate-rows", async () => {
//!   return rows.filter((row) => !row.email).map((row) => row.id);
//! });
//! await step.run("notify", () => notify(rejected));
//! ```
//!
//! ## Fix safety
//! No automatic fix: turning writes into a returned value means restructuring the step
//! body. Every finding is left for manual review. (`unsafe-trailing-return` also refuses
//! to fix a return that reads such a variable.)

use tree_sitter::{Node, Tree};

use super::{function_statement_start, Diagnostic, HandlerContext};
use crate::analysis::mutations::{step_body_writes, StepBodyWrite};
use crate::analysis::scope::resolve;
use crate::analysis::{for_each_descendant, text};
use crate::Lang;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "mutation-in-step";

/// Report every read, after a step body, of a handler variable that body writes.
pub fn check(context: &HandlerContext, _tree: &Tree, _lang: Lang, out: &mut Vec<Diagnostic>) {
    let source = context.source;
    let handler = context.handler.function;
    // Each write with the scope declaring its variable, kept when that scope belongs
    // to the handler and lies outside every step body.
    let writes: Vec<(StepBodyWrite, Node)> =
        step_body_writes(context.handler.function, &context.steps.bodies, source)
            .into_iter()
            .filter_map(|write| {
                let scope = resolve(write.target, handler, write.name(source), source)?;
                context
                    .steps
                    .body_containing(scope)
                    .is_none()
                    .then_some((write, scope))
            })
            .collect();
    if writes.is_empty() {
        return;
    }
    // Every occurrence of a written variable in the handler, in source order.
    let mut occurrences: Vec<(Node, usize)> = Vec::new();
    for_each_descendant(handler, |node| {
        if !matches!(node.kind(), "identifier" | "shorthand_property_identifier") {
            return;
        }
        let name = text(node, source);
        let found = writes.iter().position(|(write, scope)| {
            write.name(source) == name
                && resolve(node, handler, name, source).is_some_and(|s| s.id() == scope.id())
        });
        if let Some(index) = found {
            occurrences.push((node, index));
        }
    });
    let mut reads: Vec<(Node, StepBodyWrite)> = Vec::new();
    for &(node, _) in &occurrences {
        if is_assignment_target(node) {
            continue;
        }
        let name = text(node, source);
        let stale = writes.iter().find(|(write, scope)| {
            write.name(source) == name
                && node.start_byte() >= write.body.end_byte()
                && !reassigned_between(&occurrences, scope, write.body.end_byte(), node, context)
        });
        if let Some((write, _)) = stale {
            reads.push((node, *write));
        }
    }
    for (read, write) in reads {
        let name = text(read, source);
        out.push(Diagnostic {
            rule: NAME,
            range: read.byte_range(),
            message: format!(
                "`{name}` is read after a step body writes it (line {}): that write is lost \
                 when the handler replays",
                write.line()
            ),
            function_id: context.function.id.clone(),
            function_start: function_statement_start(context.function.call),
            fix: None,
            fix_applies: false,
            manual_reason: Some(
                "no automatic fix: return the value from the step instead of writing it \
                 from inside"
                    .to_string(),
            ),
        });
    }
}

/// Whether the handler assigns the variable afresh (`x = …` outside step bodies)
/// between byte `after` and `read`: the read then sees that value, not the lost write.
fn reassigned_between(
    occurrences: &[(Node, usize)],
    scope: &Node,
    after: usize,
    read: Node,
    context: &HandlerContext,
) -> bool {
    let source = context.source;
    occurrences.iter().any(|(node, _)| {
        is_assignment_target(*node)
            && text(*node, source) == text(read, source)
            && node.start_byte() >= after
            && node.end_byte() <= read.start_byte()
            && context.steps.body_containing(*node).is_none()
            && resolve(*node, context.handler.function, text(*node, source), source)
                .is_some_and(|s| s.id() == scope.id())
    })
}

/// `x` in `x = …`: a plain assignment overwrites the variable without reading it.
fn is_assignment_target(node: Node) -> bool {
    node.parent().is_some_and(|parent| {
        parent.kind() == "assignment_expression"
            && parent
                .child_by_field_name("left")
                .is_some_and(|left| left.id() == node.id())
    })
}
