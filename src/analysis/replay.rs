//! Where a value computed outside steps goes, and whether a replay that computes it
//! again can change what the run does.
//!
//! The handler runs again from the top for every step. A value computed outside step
//! bodies (`const startedAt = Date.now()`) is computed again by every execution; that
//! matters only where the executions must agree on it:
//! - it decides which steps run (a condition around step calls, or an early exit
//!   before them) or a step's ID;
//! - it is computed before a step and read after it, in a later step body or outside
//!   one: that read sees the value of a later execution, not the one the code before
//!   the step saw.
//!
//! A value read after a step only in a log line or a return of the handler, or as a
//! step tool's argument (a `sleepUntil` date, a `sendEvent` payload, `invoke` data:
//! memoized with the step) that no earlier step consumed, is not used inconsistently. Owns: following a value through the names that hold it and
//! judging each read. Does not own which expressions are nondeterministic (the rule).

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use tree_sitter::Node;

use super::scope::resolve;
use super::steps::HandlerSteps;
use super::{code_children, contains, for_each_descendant, is_function, text};

/// Why a read of the value changes what the run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hazard {
    /// Part of a step's ID.
    StepId,
    /// A condition that decides whether steps run.
    DecidesSteps,
    /// Read after a step, which a replay reaches with a recomputed value.
    ReadAfterStep,
}

/// One read of the value that a replay can change.
#[derive(Debug, Clone, Copy)]
pub struct HazardousRead<'t> {
    /// The read (the name, or the expression itself when nothing holds it).
    pub node: Node<'t>,
    pub hazard: Hazard,
}

/// Where the value of `expression` (outside step bodies) flows: the names holding it,
/// transitively through the declarations computed from them.
pub struct ValueFlow<'t> {
    /// The declaration holding the value (`const startedAt = Date.now()`), if any.
    pub holder: Option<Node<'t>>,
    /// Reads of the value: the names that hold it (or the expression itself).
    pub reads: Vec<Node<'t>>,
}

/// Follow the value of `expression` through the handler.
pub fn flow<'t>(
    expression: Node<'t>,
    handler: Node<'t>,
    steps: &HandlerSteps<'t>,
    source: &str,
) -> ValueFlow<'t> {
    let (holder, names) = holding_names(expression, steps, source);
    let Some(holder_node) = holder else {
        return ValueFlow {
            holder: None,
            reads: vec![expression],
        };
    };
    // `const summary = { date: new Date().toISOString(), total: rows.length }`: only
    // `summary.date` (or `summary` whole) reads the value, not `summary.total`.
    let key = object_key_of(expression, holder_node, source);
    let first_names: Vec<usize> = names.iter().map(|n| n.id()).collect();
    let mut reads = Vec::new();
    let mut pending: Vec<Node<'t>> = names;
    let mut seen_holders = vec![holder_node.id()];
    while let Some(name) = pending.pop() {
        let Some(scope) = resolve(name, handler, text(name, source), source) else {
            continue;
        };
        for reference in references(name, scope, handler, source) {
            if let Some(key) = key.filter(|_| first_names.contains(&name.id())) {
                let other_field = reference
                    .parent_node()
                    .filter(|p| {
                        p.kind_name() == "member_expression"
                            && p.field("object").is_some_and(|o| o.id() == reference.id())
                    })
                    .and_then(|p| p.field("property"))
                    .is_some_and(|p| text(p, source) != key);
                if other_field {
                    continue;
                }
            }
            // A declaration computed from the value holds it too.
            let (derived, derived_names) = holding_names(reference, steps, source);
            match derived {
                Some(d) if steps.body_containing(d).is_none() => {
                    if !seen_holders.contains(&d.id()) && seen_holders.len() < 32 {
                        seen_holders.push(d.id());
                        pending.extend(derived_names);
                    }
                }
                _ => reads.push(reference),
            }
        }
    }
    reads.sort_by_key(|r| r.start_byte());
    ValueFlow {
        holder: Some(holder_node),
        reads,
    }
}

/// The reads of the value that a replay can change, in source order.
pub fn hazardous_reads<'t>(
    expression: Node<'t>,
    flow: &ValueFlow<'t>,
    handler: Node<'t>,
    steps: &HandlerSteps<'t>,
    source: &str,
) -> Vec<HazardousRead<'t>> {
    let computed_at = flow.holder.unwrap_or(expression);
    // The step calls that consume the value, with the end of each.
    let consumers: Vec<usize> = flow
        .reads
        .iter()
        .filter_map(|r| consuming_step(*r, steps))
        .map(|c| c.end_byte())
        .collect();
    let mut found = Vec::new();
    for read in &flow.reads {
        let read = *read;
        if in_step_id(read, steps) {
            found.push(HazardousRead {
                node: read,
                hazard: Hazard::StepId,
            });
            continue;
        }
        if decides_steps(read, handler, steps) {
            found.push(HazardousRead {
                node: read,
                hazard: Hazard::DecidesSteps,
            });
            continue;
        }
        if flow.holder.is_none() || !read_after_step(computed_at, read, handler, steps) {
            continue;
        }
        // A log line or the handler's return is never held against the run; a step
        // tool's argument is, when an earlier step consumed the same value (the event
        // sent names another ID than the row created).
        if in_log_call(read, source)
            || in_handler_return(read, handler)
            || in_returned_step(read, handler, steps, source)
        {
            continue;
        }
        let consumed_before = consumers.iter().any(|end| *end <= read.start_byte());
        if !in_step_tool_arguments(read, steps) || consumed_before {
            found.push(HazardousRead {
                node: read,
                hazard: Hazard::ReadAfterStep,
            });
        }
    }
    found
}

/// The key of the object literal's property that holds `expression`, when that object
/// literal is the whole value of `holder` (`const summary = { date: <expression> }`).
fn object_key_of<'s>(expression: Node, holder: Node, source: &'s str) -> Option<&'s str> {
    let value = holder.field("value").map(super::unwrap_expression)?;
    if value.kind_name() != "object" {
        return None;
    }
    let mut child = expression;
    while let Some(parent) = child.parent_node() {
        if parent.kind_name() == "pair"
            && parent.parent_node().is_some_and(|o| o.id() == value.id())
        {
            let key = parent.field("key")?;
            return (key.kind_name() == "property_identifier").then(|| text(key, source));
        }
        if parent.id() == value.id() || parent.id() == holder.id() {
            return None;
        }
        child = parent;
    }
    None
}

/// The declaration that holds the value of `expression`, and the names it binds:
/// `const x = f(expression) + 1` holds it in `x`; `x = expression` too. Climbs through
/// expressions, not through statements, functions or a step call's arguments.
fn holding_names<'t>(
    expression: Node<'t>,
    steps: &HandlerSteps<'t>,
    source: &str,
) -> (Option<Node<'t>>, Vec<Node<'t>>) {
    let _ = source;
    let mut node = expression;
    while let Some(parent) = node.parent_node() {
        match parent.kind_name() {
            "variable_declarator" => {
                let is_value = parent.field("value").is_some_and(|v| v.id() == node.id());
                if !is_value {
                    return (None, Vec::new());
                }
                let mut names = Vec::new();
                if let Some(pattern) = parent.field("name") {
                    super::scope::pattern_names(pattern, &mut names);
                }
                return (Some(parent), names);
            }
            "assignment_expression" => {
                let left = parent.field("left");
                let is_right = parent.field("right").is_some_and(|r| r.id() == node.id());
                return match left.filter(|l| is_right && l.kind_name() == "identifier") {
                    Some(left) => (Some(parent), vec![left]),
                    None => (None, Vec::new()),
                };
            }
            "arguments" => {
                let call = parent.parent_node();
                if call.is_some_and(|c| steps.is_step_call(c)) {
                    return (None, Vec::new());
                }
                node = parent;
            }
            // An expression-bodied callback (`items.map((i) => `${i}-${Math.random()}`)`):
            // its values flow into the call's result.
            "arrow_function"
                if parent.field("body").is_some_and(|b| b.id() == node.id())
                    && parent
                        .parent_node()
                        .is_some_and(|p| p.kind_name() == "arguments") =>
            {
                node = parent;
            }
            kind if is_expression_part(kind) => node = parent,
            _ => return (None, Vec::new()),
        }
    }
    (None, Vec::new())
}

/// Nodes through which a value flows into the expression that holds them.
fn is_expression_part(kind: &str) -> bool {
    matches!(
        kind,
        "binary_expression"
            | "unary_expression"
            | "parenthesized_expression"
            | "call_expression"
            | "new_expression"
            | "member_expression"
            | "subscript_expression"
            | "template_substitution"
            | "template_string"
            | "object"
            | "pair"
            | "array"
            | "spread_element"
            | "ternary_expression"
            | "await_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
    )
}

/// The other occurrences of the name `name` (declared in `scope`) in the handler.
fn references<'t>(
    name: Node<'t>,
    scope: Node<'t>,
    handler: Node<'t>,
    source: &str,
) -> Vec<Node<'t>> {
    let wanted = text(name, source);
    let mut found = Vec::new();
    for_each_descendant(handler, |node| {
        if node.id() == name.id()
            || !matches!(
                node.kind_name(),
                "identifier" | "shorthand_property_identifier"
            )
            || text(node, source) != wanted
        {
            return;
        }
        let is_assigned = node.parent_node().is_some_and(|p| {
            p.kind_name() == "assignment_expression"
                && p.field("left").is_some_and(|l| l.id() == node.id())
        });
        if !is_assigned
            && resolve(node, handler, wanted, source).is_some_and(|s| s.id() == scope.id())
        {
            found.push(node);
        }
    });
    found
}

/// The step call (a tool, not a helper) whose arguments or body hold `node`.
fn consuming_step<'t>(node: Node<'t>, steps: &HandlerSteps<'t>) -> Option<Node<'t>> {
    steps
        .calls
        .iter()
        .rev()
        .find(|c| c.tool.is_some() && contains(c.call, node))
        .map(|c| c.call)
}

/// Whether `node` is inside the first argument (the ID) of a step call.
fn in_step_id(node: Node, steps: &HandlerSteps) -> bool {
    steps.calls.iter().any(|c| {
        c.tool.is_some()
            && c.call
                .field("arguments")
                .and_then(|a| code_children(a).next())
                .is_some_and(|id| contains(id, node))
    })
}

/// Whether `node` is in the arguments of a step tool other than a step body: a
/// `sleepUntil` date, a `sendEvent` payload, `invoke` data.
fn in_step_tool_arguments(node: Node, steps: &HandlerSteps) -> bool {
    steps.calls.iter().any(|c| {
        c.tool.is_some()
            && c.call.field("arguments").is_some_and(|a| {
                code_children(a).any(|argument| !is_function(argument) && contains(argument, node))
            })
    })
}

/// Whether `node` is in the arguments of a logging call (`logger.info(…)`, `console.log(…)`).
fn in_log_call(node: Node, source: &str) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent_node() {
        if is_function(parent) {
            return false;
        }
        if parent.kind_name() == "arguments" {
            let callee = parent
                .parent_node()
                .and_then(|c| c.field("function"))
                .filter(|f| f.kind_name() == "member_expression");
            if let Some(callee) = callee {
                let object = callee.field("object").map_or("", |o| text(o, source));
                let last = object
                    .rsplit('.')
                    .next()
                    .unwrap_or(object)
                    .to_ascii_lowercase();
                if last == "console" || last == "log" || last.ends_with("logger") {
                    return true;
                }
            }
        }
        current = parent;
    }
    false
}

/// Whether `node` is in the value of a return statement of the handler itself.
fn in_handler_return(node: Node, handler: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent_node() {
        if parent.id() == handler.id() {
            // An expression-bodied handler returns its body.
            return handler
                .field("body")
                .is_some_and(|b| b.id() == current.id() && b.kind_name() != "statement_block");
        }
        if is_function(parent) {
            return false;
        }
        if parent.kind_name() == "return_statement" {
            return super::enclosing_function(parent).is_some_and(|f| f.id() == handler.id());
        }
        current = parent;
    }
    false
}

/// Whether `node` is in the body of a step that only builds the handler's return
/// value: `const finalReturn = await step.run("finalize-and-return", async () => {
/// return { … } }); return finalReturn;` (the finalize step `unsafe-trailing-return`
/// writes), or `return await step.run(…, () => ({ … }))`. The step runs in the request
/// that returns, so its body sees what the return would have seen.
fn in_returned_step(node: Node, handler: Node, steps: &HandlerSteps, source: &str) -> bool {
    // The step call around `node`: found by its callback, not in `steps` (which may
    // leave these very steps out, see `without_returned_steps`).
    let _ = steps;
    let Some(call) = super::enclosing_function(node)
        .and_then(|f| f.parent_node())
        .filter(|a| a.kind_name() == "arguments")
        .and_then(|a| a.parent_node())
        .filter(|c| {
            c.kind_name() == "call_expression"
                && c.field("function").is_some_and(|f| {
                    let callee = text(f, source);
                    callee == "run" || callee.ends_with(".run")
                })
        })
    else {
        return false;
    };
    let body = call
        .field("arguments")
        .and_then(|a| code_children(a).find(|b| is_function(*b)))
        .and_then(|f| f.field("body"));
    let Some(body) = body.filter(|b| contains(*b, node)) else {
        return false;
    };
    let only_returns = body.kind_name() != "statement_block" || {
        let mut statements = code_children(body);
        statements
            .next()
            .is_some_and(|s| s.kind_name() == "return_statement")
            && statements.next().is_none()
    };
    if !only_returns {
        return false;
    }
    let Some(awaited) = call
        .parent_node()
        .filter(|p| p.kind_name() == "await_expression")
    else {
        return false;
    };
    let Some(parent) = awaited.parent_node() else {
        return false;
    };
    match parent.kind_name() {
        "return_statement" => in_handler_return(awaited, handler),
        "variable_declarator" => {
            let Some(name) = parent
                .field("name")
                .filter(|n| n.kind_name() == "identifier")
            else {
                return false;
            };
            let Some(declaration) = parent.parent_node() else {
                return false;
            };
            let Some(block) = declaration.parent_node() else {
                return false;
            };
            let next = code_children(block).find(|s| s.start_byte() >= declaration.end_byte());
            next.is_some_and(|r| {
                r.kind_name() == "return_statement"
                    && code_children(r)
                        .next()
                        .is_some_and(|v| text(v, source) == text(name, source))
                    && super::enclosing_function(r).is_some_and(|f| f.id() == handler.id())
            })
        }
        _ => false,
    }
}

/// Whether a step call runs between the evaluation at `computed_at` and `read`: a
/// step call after the one and before the other in the text, or a loop around the read
/// (not around the evaluation) that runs a step.
fn read_after_step(computed_at: Node, read: Node, handler: Node, steps: &HandlerSteps) -> bool {
    let between = steps.calls.iter().any(|c| {
        c.call.start_byte() >= computed_at.end_byte() && c.call.end_byte() <= read.start_byte()
    });
    if between {
        return true;
    }
    let mut current = read;
    while let Some(parent) = current.parent_node() {
        if parent.id() == handler.id() {
            return false;
        }
        let is_loop = matches!(
            parent.kind_name(),
            "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
        );
        if is_loop && !contains(parent, computed_at) && steps.any_within(parent) {
            return true;
        }
        current = parent;
    }
    false
}

/// Whether `node` is in a condition that decides whether steps run: the test of an
/// `if`, `?:`, loop or `switch` that holds a step call or (for an `if` or `switch`)
/// exits before a later step, or the left side of `&&`, `||`, `??` whose right side
/// calls a step. Step bodies and nested functions are not climbed out of.
fn decides_steps(node: Node, handler: Node, steps: &HandlerSteps) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent_node() {
        if parent.id() == handler.id() || is_function(parent) {
            return false;
        }
        let is_field = |field: &str| parent.field(field).is_some_and(|f| f.id() == child.id());
        let decides = match parent.kind_name() {
            // `if (due > now) await step.sleepUntil("wait", due)`: a replay that finds
            // the time passed skips a sleep that has already elapsed, which changes
            // nothing (time only moves on).
            "if_statement" if is_field("condition") && only_sleeps(parent, steps) => {
                exits(parent, true) && step_after(parent, steps)
            }
            "if_statement" if is_field("condition") => {
                steps.any_within(parent) || (exits(parent, true) && step_after(parent, steps))
            }
            // `break` only leaves the `switch`.
            "switch_statement" if is_field("value") => {
                steps.any_within(parent) || (exits(parent, false) && step_after(parent, steps))
            }
            "ternary_expression" if is_field("condition") => steps.any_within(parent),
            "while_statement" | "do_statement" if is_field("condition") => steps.any_within(parent),
            "for_statement" if is_field("condition") || is_field("increment") => {
                steps.any_within(parent)
            }
            "for_in_statement" if is_field("right") => steps.any_within(parent),
            "binary_expression" if is_field("left") => {
                parent.field("right").is_some_and(|r| steps.any_within(r))
            }
            _ => false,
        };
        if decides {
            return true;
        }
        child = parent;
    }
    false
}

/// Whether a step call starts after `node` ends.
/// Whether every step call inside `node` is a `sleep` or `sleepUntil` (and there is one).
fn only_sleeps(node: Node, steps: &HandlerSteps) -> bool {
    let mut inside = steps
        .calls
        .iter()
        .filter(|c| contains(node, c.call))
        .peekable();
    inside.peek().is_some()
        && inside.all(|c| matches!(c.tool.as_deref(), Some("sleep" | "sleepUntil")))
}

/// The steps of a handler without those that only build its return value (see
/// [`in_returned_step`]): such a step runs in the request that returns, so a value
/// that decides whether it runs, or that it reads, is used as the return would use it.
pub fn without_returned_steps<'t>(
    steps: &HandlerSteps<'t>,
    handler: Node<'t>,
    source: &str,
) -> HandlerSteps<'t> {
    let returned = |call: Node| {
        call.field("arguments")
            .and_then(|a| code_children(a).find(|b| is_function(*b)))
            .and_then(|f| f.field("body"))
            .is_some_and(|body| {
                let probe = code_children(body).next().unwrap_or(body);
                in_returned_step(probe, handler, steps, source)
            })
    };
    HandlerSteps {
        calls: steps
            .calls
            .iter()
            .filter(|c| c.tool.as_deref() != Some("run") || !returned(c.call))
            .cloned()
            .collect(),
        bodies: steps.bodies.clone(),
    }
}

fn step_after(node: Node, steps: &HandlerSteps) -> bool {
    steps
        .calls
        .iter()
        .any(|c| c.call.start_byte() >= node.end_byte())
}

/// Whether a statement holds a `return`, `throw`, `continue` (or `break`, when
/// `count_break`) of its own (not of a nested function).
fn exits(statement: Node, count_break: bool) -> bool {
    let mut stack = vec![statement];
    while let Some(node) = stack.pop() {
        let exit = match node.kind_name() {
            "return_statement" | "throw_statement" | "continue_statement" => true,
            "break_statement" => count_break,
            _ => false,
        };
        if exit {
            return true;
        }
        if is_function(node) {
            continue;
        }
        stack.extend(code_children(node));
    }
    false
}
