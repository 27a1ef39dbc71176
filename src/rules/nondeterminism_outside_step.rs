//! Rule `nondeterminism-outside-step`.
//!
//! ## What it does
//! Finds `Date.now()`, `new Date()` without arguments, `Math.random()`,
//! `crypto.randomUUID()` (or an imported `randomUUID()`) and `performance.now()`
//! evaluated outside step bodies in a handler that runs steps, including in the
//! arguments of step calls (`step.sleepUntil("wait", new Date(Date.now() + DAY))`).
//!
//! ## Why is this bad?
//! The handler replays from the top for every step, and code outside step bodies runs
//! again each time. Each replay gets a new time or random value, so an ID, a deadline or
//! a branch computed from it differs between the requests of one run: the value a later
//! step sees is not the one an earlier step saw.
//!
//! ## Example
//! ```ts
//! const startedAt = Date.now();
//! await step.run("charge", () => charge(order));
//! await step.run("record", () => record(order, Date.now() - startedAt));
//! ```
//! Use instead:
//! ```ts
//! const startedAt = await step.run("date-now", () => Date.now());
//! await step.run("charge", () => charge(order));
//! await step.run("record", () => record(order, Date.now() - startedAt));
//! ```
//!
//! ## Fix safety
//! Needs review: applied only with `--unsafe-fixes`. The fix wraps the expression in
//! a step, `await step.run("date-now", () => Date.now())`, whose value is memoized. The
//! step ID is derived from the expression (`date-now`, `new-date`, `math-random`,
//! `random-uuid`, `performance-now`, with `-2`, `-3`… when taken in the handler). It adds
//! one step per evaluation (counted toward the step limit and billing), and changes
//! timing: the value is taken when the step first runs. `new Date()` becomes
//! `new Date(await step.run("new-date", () => Date.now()))`, because a step's result is
//! JSON and a `Date` would come back as a string. The fix is offered only where `await`
//! is legal: the nearest enclosing function is `async` and the expression is not in its
//! parameters. Elsewhere the finding is left for manual review.

use tree_sitter::{Node, Tree};

use super::{function_statement_start, Diagnostic, HandlerContext};
use crate::analysis::scope::resolve;
use crate::analysis::{
    code_children, contains, enclosing_function, for_each_descendant, is_async_function, text,
};
use crate::fix::{Edit, Fix};
use crate::Lang;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "nondeterminism-outside-step";

/// A nondeterministic expression found outside step bodies.
struct Nondeterministic<'t> {
    node: Node<'t>,
    /// The base of the derived step ID: `date-now`, `math-random`…
    id_base: &'static str,
    /// `new Date()`: the fix wraps `Date.now()` and keeps the `Date`.
    is_new_date: bool,
}

/// Report every nondeterministic expression outside the step bodies of one handler.
pub fn check(context: &HandlerContext, _tree: &Tree, _lang: Lang, out: &mut Vec<Diagnostic>) {
    let source = context.source;
    let handler = context.handler.function;
    let mut found = Vec::new();
    for_each_descendant(handler, |node| {
        if let Some(hit) = classify(node, handler, source) {
            if context.steps.body_containing(node).is_none() {
                found.push(hit);
            }
        }
    });
    if found.is_empty() {
        return;
    }
    let mut taken: Vec<String> = context
        .steps
        .calls
        .iter()
        .filter_map(|c| c.id.clone())
        .collect();
    let quote = context.steps.calls.iter().find_map(|c| {
        let first = code_children(c.call.child_by_field_name("arguments")?).next()?;
        (first.kind() == "string").then(|| text(first, source).chars().next())?
    });
    let style = context.style.style(source, quote);
    for hit in found {
        let expression = text(hit.node, source);
        let fix = match why_no_fix(context, hit.node) {
            Some(reason) => Err(reason),
            None => {
                let id = first_free(hit.id_base, &taken);
                taken.push(id.clone());
                wrap(context, &hit, &id, style.quote).ok_or_else(|| {
                    "no automatic fix: the handler destructures no `run` from `step`".to_string()
                })
            }
        };
        let mut message = format!(
            "`{expression}` is evaluated outside any step: it changes each time the handler replays"
        );
        if fix.is_ok() && !context.settings.unsafe_fixes {
            message.push_str(" (`--unsafe-fixes` wraps it in a step)");
        }
        let (fix, manual_reason) = match fix {
            Ok(fix) => (Some(fix), None),
            Err(reason) => (None, Some(reason)),
        };
        out.push(Diagnostic {
            rule: NAME,
            range: hit.node.byte_range(),
            message,
            function_id: context.function.id.clone(),
            function_start: function_statement_start(context.function.call),
            fix_applies: fix.is_some() && context.settings.unsafe_fixes,
            fix,
            manual_reason,
        });
    }
}

/// Whether `node` is one of the nondeterministic expressions, on globals the handler
/// does not shadow.
fn classify<'t>(node: Node<'t>, handler: Node<'t>, source: &str) -> Option<Nondeterministic<'t>> {
    let global = |name: Node| {
        name.kind() == "identifier" && resolve(name, handler, text(name, source), source).is_none()
    };
    let hit = |id_base, is_new_date| {
        Some(Nondeterministic {
            node,
            id_base,
            is_new_date,
        })
    };
    match node.kind() {
        "call_expression" => {
            let function = node.child_by_field_name("function")?;
            let arguments = node.child_by_field_name("arguments")?;
            if arguments.kind() != "arguments" {
                return None; // a tagged template
            }
            match function.kind() {
                "identifier" if text(function, source) == "randomUUID" && global(function) => {
                    hit("random-uuid", false)
                }
                "member_expression" => {
                    let object = function.child_by_field_name("object")?;
                    let property = function.child_by_field_name("property")?;
                    // Names first: resolving a name climbs the tree, which costs more
                    // than comparing text, and almost every call is not one of these.
                    let id_base = match (text(object, source), text(property, source)) {
                        ("Date", "now") => "date-now",
                        ("Math", "random") => "math-random",
                        ("crypto", "randomUUID") => "random-uuid",
                        ("performance", "now") => "performance-now",
                        _ => return None,
                    };
                    if !global(object) {
                        return None;
                    }
                    hit(id_base, false)
                }
                _ => None,
            }
        }
        "new_expression" => {
            let constructor = node.child_by_field_name("constructor")?;
            let no_arguments = node
                .child_by_field_name("arguments")
                .map_or(true, |a| code_children(a).next().is_none());
            (text(constructor, source) == "Date" && global(constructor) && no_arguments)
                .then_some(())
                .and_then(|()| hit("new-date", true))
        }
        _ => None,
    }
}

/// Why the expression cannot be wrapped in a step, if it cannot.
fn why_no_fix(context: &HandlerContext, node: Node) -> Option<String> {
    if node.has_error() || node.parent().is_some_and(|p| p.is_error()) {
        return Some("no automatic fix: the code around it did not parse cleanly".to_string());
    }
    if context.binding.run_callee().is_none() {
        return Some("no automatic fix: the handler destructures no `run` from `step`".to_string());
    }
    let Some(function) = enclosing_function(node) else {
        return Some("no automatic fix: not inside a function".to_string());
    };
    if !is_async_function(function) {
        return Some(
            "no automatic fix: the enclosing function is not async, so a step cannot be \
             awaited there"
                .to_string(),
        );
    }
    let in_parameters = ["parameters", "parameter"].iter().any(|field| {
        function
            .child_by_field_name(field)
            .is_some_and(|p| contains(p, node))
    });
    if in_parameters {
        return Some("no automatic fix: `await` is not allowed in parameters".to_string());
    }
    None
}

/// `base`, else `base-2`, `base-3`… the first not in `taken`.
fn first_free(base: &str, taken: &[String]) -> String {
    let is_taken = |candidate: &str| taken.iter().any(|t| t == candidate);
    if !is_taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

/// The edit wrapping the expression in an awaited step.
fn wrap(context: &HandlerContext, hit: &Nondeterministic, id: &str, quote: char) -> Option<Fix> {
    let callee = context.binding.run_callee()?;
    let node = hit.node;
    let replacement = if hit.is_new_date {
        format!("new Date(await {callee}({quote}{id}{quote}, () => Date.now()))")
    } else {
        let step = format!(
            "await {callee}({quote}{id}{quote}, () => {})",
            text(node, context.source)
        );
        if needs_parentheses(node, context.source) {
            format!("({step})")
        } else {
            step
        }
    };
    Some(Fix {
        edits: vec![Edit {
            range: node.byte_range(),
            replacement,
        }],
    })
}

/// Whether `await …` in the place of `node` would bind differently than `node` did:
/// as the object of a member access or call (`Date.now().toString()`), the base of `**`,
/// the operand of a unary operator, and so on. Parentheses are added unless the
/// place is known to take any unary expression as is.
fn needs_parentheses(node: Node, source: &str) -> bool {
    let Some(parent) = node.parent() else {
        return true;
    };
    match parent.kind() {
        "variable_declarator"
        | "arguments"
        | "array"
        | "pair"
        | "return_statement"
        | "expression_statement"
        | "parenthesized_expression"
        | "template_substitution"
        | "spread_element"
        | "assignment_expression"
        | "augmented_assignment_expression" => false,
        "binary_expression" => parent
            .child_by_field_name("operator")
            .map_or(true, |op| text(op, source) == "**"),
        _ => true,
    }
}
