//! Rule `mutation-in-step`.
//!
//! ## What it does
//! Finds writes inside step bodies to handler-scoped variables whose value is read
//! afterwards: an assignment (`total = …`, `total += …`), `++`/`--`, a member write
//! (`state.done = true`), `delete`, a mutating call (`rows.push(x)`, `splice`,
//! `map.set`, `set.add`, `map.delete`…) or `Object.assign(state, …)` inside
//! `step.run(…, () => {…})` — or inside a function of the handler that only a step body
//! calls — then a read of that variable outside the step body, after it (in the
//! handler, in a later step's arguments, or in a later step's body). A step body in a
//! loop that reads what it wrote in an earlier iteration (`total += x` in a body run
//! once per item) counts too. One finding per write, located at the write; the message
//! names the first read, and every read is a related location.
//!
//! A write that nothing reads afterwards, and a variable declared inside the step body
//! (or inside the loop that runs it), are left alone. So is the usual pattern
//! `a = await step.run("add-one", () => a + 1)`: the step returns the value and the
//! handler assigns it.
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

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use tree_sitter::Node;

use super::{Diagnostic, HandlerContext, Related, Remedy};
use crate::analysis::mutations::{step_body_writes, StepBodyWrite};
use crate::analysis::scope::resolve;
use crate::analysis::{contains, for_each_descendant, text};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "mutation-in-step";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Report every read, after a step body, of a handler variable that body writes.
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
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
        if !matches!(
            node.kind_name(),
            "identifier" | "shorthand_property_identifier"
        ) {
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
    // One finding per write, with the reads that see the lost value.
    let mut reported: Vec<usize> = Vec::new();
    for (write, scope) in &writes {
        let name = write.name(source);
        let in_loop = enclosing_loop(write.body, handler).filter(|l| !contains(*l, *scope));
        let reads: Vec<Node> = occurrences
            .iter()
            .map(|(node, _)| *node)
            .filter(|node| text(*node, source) == name && is_read(*node, source))
            .filter(|node| {
                resolve(*node, handler, name, source).is_some_and(|s| s.id() == scope.id())
            })
            .filter(|node| {
                let after_body = node.start_byte() >= write.body.end_byte()
                    && !reassigned_between(
                        &occurrences,
                        scope,
                        write.body.end_byte(),
                        *node,
                        context,
                    );
                // A body in a loop reads, in a later iteration, what it wrote in an
                // earlier one (itself included: `total += x`).
                let same_loop = in_loop.is_some_and(|l| contains(l, *node));
                after_body || same_loop
            })
            .collect();
        // Name a read outside the writing body when there is one.
        let Some(first) = reads
            .iter()
            .find(|r| !contains(write.body, **r))
            .or(reads.first())
        else {
            continue;
        };
        let at = write_expression(write.target);
        if sorts_for_its_value(at, source) {
            continue;
        }
        if reported.contains(&at.id()) {
            continue;
        }
        reported.push(at.id());
        let where_read = if contains(write.body, *first) {
            "the same step body reads it in the next iteration of the loop".to_string()
        } else {
            format!(
                "`{name}` is read after it (line {})",
                first.start_position().row + 1
            )
        };
        out.push(Diagnostic {
            related: reads
                .iter()
                .map(|read| Related {
                    range: read.byte_range(),
                    message: if contains(write.body, *read) {
                        format!("`{name}` read here in the next iteration")
                    } else {
                        format!("`{name}` read here, without the write on replay")
                    },
                })
                .collect(),
            ..context.report(
                at.byte_range(),
                format!(
                    "this write to `{name}` inside a step body is lost when the handler replays, \
                 and {where_read}"
                ),
                Remedy::Manual(
                    "no automatic fix: return the value from the step instead of writing it \
                 from inside"
                        .to_string(),
                ),
            )
        });
    }
}

/// `items.sort(…).map(…)`, `const top = items.sort(…)`: a sort (or `reverse`) whose
/// result is used is there for that result, computed again on replay; the in-place
/// change it also makes is not what the code relies on.
fn sorts_for_its_value(write: Node, source: &str) -> bool {
    if write.kind_name() != "call_expression" {
        return false;
    }
    let method = write
        .field("function")
        .and_then(|f| f.field("property"))
        .map_or("", |p| text(p, source));
    matches!(method, "sort" | "reverse")
        && write
            .parent_node()
            .is_some_and(|p| p.kind_name() != "expression_statement")
}

/// Whether an occurrence of a name reads it: not a plain assignment target, and not only
/// the object of a write that does not read it (`rows.push(x)`, `state.done = true`,
/// `delete state.x`). `count += 1` and `count++` read it.
fn is_read(node: Node, source: &str) -> bool {
    if is_assignment_target(node) {
        return false;
    }
    let at = write_expression(node);
    if at.id() == node.id() {
        return true;
    }
    match at.kind_name() {
        "update_expression" | "augmented_assignment_expression" => true,
        // `rows.push(x)` writes `rows`; `rows.push(rows.length)` also reads it.
        "call_expression" | "assignment_expression" | "unary_expression" => {
            let target = match at.kind_name() {
                "call_expression" => at.field("function"),
                "unary_expression" => at.field("argument"),
                _ => at.field("left"),
            };
            let is_write_target = target.is_some_and(|t| contains(t, node))
                && written_names(at, source)
                    .iter()
                    .any(|w| w.id() == node.id());
            !is_write_target
        }
        _ => true,
    }
}

/// The write expression whose written name is `target` (`count += 1` for `count`,
/// `rows.push(x)` for `rows`), or `target` itself when it is not written.
fn write_expression(target: Node) -> Node {
    let mut node = target;
    while let Some(parent) = node.parent_node() {
        match parent.kind_name() {
            "member_expression" | "subscript_expression" => {
                let is_object = parent.field("object").is_some_and(|o| o.id() == node.id());
                if !is_object {
                    return target;
                }
                node = parent;
            }
            "parenthesized_expression" | "non_null_expression" | "as_expression" => node = parent,
            // A target inside a destructuring pattern (not a default value of it).
            "object_pattern" | "array_pattern" | "pair_pattern" | "rest_pattern" => {
                if parent.kind_name() == "pair_pattern"
                    && parent.field("value").is_none_or(|v| v.id() != node.id())
                {
                    return target;
                }
                node = parent;
            }
            "assignment_pattern" | "object_assignment_pattern" => {
                if parent.field("left").is_none_or(|l| l.id() != node.id()) {
                    return target;
                }
                node = parent;
            }
            // `for (last of items)`: the head is the write; the finding points at it.
            "for_in_statement" if parent.field("kind").is_none() => return node,
            "assignment_expression" | "augmented_assignment_expression" => {
                return if parent.field("left").is_some_and(|l| l.id() == node.id()) {
                    parent
                } else {
                    target
                };
            }
            "update_expression" => return parent,
            "unary_expression" if parent.child(0).is_some_and(|op| op.kind_name() == "delete") => {
                return parent
            }
            "call_expression" => {
                return if parent
                    .field("function")
                    .is_some_and(|f| f.id() == node.id())
                    && node.kind_name() == "member_expression"
                {
                    parent
                } else {
                    target
                };
            }
            _ => return target,
        }
    }
    target
}

/// The names a write expression writes, as the shared analysis sees it.
fn written_names<'t>(write: Node<'t>, source: &str) -> Vec<Node<'t>> {
    crate::analysis::mutations::written_roots(write, source)
}

/// The innermost loop within `handler` around `node`.
fn enclosing_loop<'t>(node: Node<'t>, handler: Node<'t>) -> Option<Node<'t>> {
    let mut current = node.parent_node();
    while let Some(n) = current {
        if n.id() == handler.id() {
            return None;
        }
        if matches!(
            n.kind_name(),
            "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
        ) {
            return Some(n);
        }
        current = n.parent_node();
    }
    None
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

/// `x` in `x = …` or `for (x of …)`: a plain assignment overwrites the variable without
/// reading it.
fn is_assignment_target(node: Node) -> bool {
    node.parent_node().is_some_and(|parent| {
        let left = parent
            .field("left")
            .is_some_and(|left| left.id() == node.id());
        left && (parent.kind_name() == "assignment_expression"
            || (parent.kind_name() == "for_in_statement" && parent.field("kind").is_none()))
    })
}
