//! Rule `duplicate-step-id`.
//!
//! ## What it does
//! Finds a literal step ID used by two step calls of one handler that can both run in
//! the same execution: `step.run("notify", …)` twice in a row. Calls inside loops and
//! callbacks (`items.map((i) => step.run("process", …))`) are left alone: the SDK
//! numbers repeated IDs there itself, and that is how loops are written. So are calls
//! in branches that exclude each other (`if`/`else`, `a ? … : …`, `switch` cases that
//! do not fall through into each other) or after which their block returns or throws
//! (outside a `try` whose `catch` could go on). A `try` block and its `catch` or
//! `finally` do not exclude each other: a step that throws runs the `catch`, and the
//! `finally` always runs.
//!
//! ## Why is this bad?
//! A step's ID is its identity in the run state: the SDK memoizes each step's result
//! under it. Two different steps under one ID make the SDK warn and fall back to
//! counting calls; renaming or reordering the code later then mixes up which stored
//! result belongs to which step.
//!
//! ## Example
//! ```ts
//! await step.run("notify", () => notifyCustomer(order));
//! await step.run("notify", () => notifyWarehouse(order));
//! ```
//! Use instead:
//! ```ts
//! await step.run("notify-customer", () => notifyCustomer(order));
//! await step.run("notify-warehouse", () => notifyWarehouse(order));
//! ```
//!
//! ## Fix safety
//! No automatic fix: renaming a step of a deployed function orphans the results stored
//! under its old ID in runs that are in flight. Every finding is left for manual review.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use tree_sitter::Node;

use super::{callee_text, Diagnostic, HandlerContext, Remedy};
use crate::analysis::steps::StepCall;
use crate::analysis::{code_children, enclosing_function, is_function};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "duplicate-step-id";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Report the second (third…) use of a literal step ID in one handler.
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
    let handler = context.handler.function;
    let candidates: Vec<&StepCall> = context
        .steps
        .calls
        .iter()
        .filter(|c| c.tool.is_some() && c.id.is_some())
        .filter(|c| context.steps.body_containing(c.call).is_none())
        .filter(|c| enclosing_function(c.call).is_some_and(|f| f.id() == handler.id()))
        .filter(|c| !in_loop(c.call, handler))
        .collect();
    for (index, later) in candidates.iter().enumerate() {
        let earlier = candidates[..index]
            .iter()
            .find(|e| e.id == later.id && !exclusive(e.call, later.call));
        let Some(earlier) = earlier else {
            continue;
        };
        out.push(
            context.report(
                later.call.byte_range(),
                format!(
                    "step ID \"{}\" of `{}` is already used on line {} in this handler",
                    later.id.as_deref().unwrap_or_default(),
                    callee_text(later.call, context.source),
                    earlier.call.start_position().row + 1
                ),
                Remedy::Manual(
                    "no automatic fix: give each step its own ID (renaming a deployed step \
                 affects runs in flight)"
                        .to_string(),
                ),
            ),
        );
    }
}

/// Whether `node` sits in a loop inside `handler`.
fn in_loop(node: Node, handler: Node) -> bool {
    let mut current = node.parent_node();
    while let Some(n) = current {
        if n.id() == handler.id() || is_function(n) {
            return false;
        }
        if matches!(
            n.kind_name(),
            "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
        ) {
            return true;
        }
        current = n.parent_node();
    }
    false
}

/// Whether the calls `earlier` and `later` cannot both run in one execution: they sit
/// in branches that exclude each other (`if`/`else`, `?:`, `switch` cases when no case
/// from the earlier one to the later one falls through), or `earlier`'s block returns or
/// throws after it with no `catch` in between that could take an error of `earlier` on
/// to `later`. A `try` block, its `catch` and its `finally` never exclude each other: a
/// step that throws in the `try` runs the `catch`, and the `finally` always runs.
fn exclusive(earlier: Node, later: Node) -> bool {
    let mut ancestors = Vec::new();
    let mut current = earlier.parent_node();
    while let Some(n) = current {
        ancestors.push(n);
        current = n.parent_node();
    }
    // The lowest common ancestor, and the children of it that lead to each call.
    let mut later_child = later;
    let mut current = later.parent_node();
    let mut common = None;
    while let Some(n) = current {
        if ancestors.iter().any(|a| a.id() == n.id()) {
            common = Some(n);
            break;
        }
        later_child = n;
        current = n.parent_node();
    }
    let Some(common) = common else {
        return false;
    };
    let below_common: Vec<Node> = ancestors
        .iter()
        .copied()
        .take_while(|a| a.id() != common.id())
        .collect();
    let earlier_child = below_common.last().copied().unwrap_or(earlier);
    let is_condition = |child: Node| {
        common
            .field("condition")
            .is_some_and(|c| c.id() == child.id())
    };
    let different = earlier_child.id() != later_child.id();
    match common.kind_name() {
        "if_statement" | "ternary_expression"
            if different && !is_condition(earlier_child) && !is_condition(later_child) =>
        {
            return true;
        }
        "switch_body" if different && !falls_through(common, earlier_child, later_child) => {
            return true;
        }
        "try_statement" => return false,
        _ => {}
    }
    // `if (x) { await step.run("a"); return; }` or `return step.run("a")` in a branch,
    // unless a `catch` between that block and `later` takes an error of `earlier`.
    below_common.iter().enumerate().any(|(index, block)| {
        let leaves = block.kind_name() == "return_statement"
            || (block.kind_name() == "statement_block"
                && code_children(*block).any(|statement| {
                    matches!(
                        statement.kind_name(),
                        "return_statement" | "throw_statement"
                    ) && statement.start_byte() >= earlier.end_byte()
                }));
        let caught = below_common[index + 1..].iter().any(|outer| {
            outer.kind_name() == "try_statement"
                && outer.field("handler").is_some()
                && outer
                    .field("body")
                    .is_some_and(|b| crate::analysis::contains(b, *block))
        });
        leaves && !caught
    })
}

/// Whether, in a `switch` body, control can fall from the case `from` into the later
/// case `to`: no case from `from` up to `to` ends in `break`, `return`, `throw` or
/// `continue`.
fn falls_through(switch_body: Node, from: Node, to: Node) -> bool {
    let mut started = false;
    for case in code_children(switch_body) {
        if case.id() == from.id() {
            started = true;
        }
        if case.id() == to.id() {
            return started;
        }
        if started && ends_in_jump(case) {
            return false;
        }
    }
    false
}

/// Whether the last statement of a case (or block) always leaves it.
fn ends_in_jump(node: Node) -> bool {
    let Some(last) = code_children(node)
        .filter(|c| c.kind_name() != "empty_statement")
        .last()
    else {
        return false;
    };
    match last.kind_name() {
        "break_statement" | "return_statement" | "throw_statement" | "continue_statement" => true,
        "statement_block" => ends_in_jump(last),
        _ => false,
    }
}
