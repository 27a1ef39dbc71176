//! Step calls and step bodies of one handler (SPEC 1.2).
//!
//! A step call is a call of a step tool on the handler's binding (`step.run(…)`,
//! `ctx.step.sleep(…)`, a bare destructured `run(…)`), wherever it sits in the handler
//! (nested callbacks such as `Promise.all(items.map(…))` included), or a call that is
//! handed the binding (`processBatch(step, items)`): it runs steps. The functions passed
//! to step tools are step bodies: code in them runs once, its effects are memoized.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor};

use super::binding::StepBinding;
use super::functions::{string_literal, Handler};
use super::queries::Queries;
use super::{code_children, contains, is_function, text};
use crate::language::Lang;

/// One step call.
#[derive(Debug, Clone)]
pub struct StepCall<'t> {
    /// The call expression.
    pub call: Node<'t>,
    /// The tool (`run`, `sleep`, `ai.infer` is `infer`…); `None` for a helper call
    /// that is handed the binding.
    pub tool: Option<String>,
    /// The step ID, when the first argument is a string literal.
    pub id: Option<String>,
}

/// The steps of one handler.
#[derive(Debug, Clone, Default)]
pub struct HandlerSteps<'t> {
    /// Step calls in source order.
    pub calls: Vec<StepCall<'t>>,
    /// Functions passed to step tools, in source order.
    pub bodies: Vec<Node<'t>>,
}

impl<'t> HandlerSteps<'t> {
    /// Whether a step call starts inside `node`.
    pub fn any_within(&self, node: Node) -> bool {
        self.calls.iter().any(|c| contains(node, c.call))
    }

    /// Whether a step call starts before `byte`.
    pub fn any_before(&self, byte: usize) -> bool {
        self.calls
            .first()
            .is_some_and(|c| c.call.start_byte() < byte)
    }

    /// Whether `node` is itself a step call.
    pub fn is_step_call(&self, node: Node) -> bool {
        self.calls.iter().any(|c| c.call.id() == node.id())
    }

    /// The step body holding `node`, if any.
    pub fn body_containing(&self, node: Node) -> Option<Node<'t>> {
        self.bodies.iter().copied().find(|b| contains(*b, node))
    }
}

/// Find the step calls and step bodies of `handler`.
pub fn find<'t>(
    handler: &Handler<'t>,
    binding: &StepBinding,
    source: &str,
    lang: Lang,
) -> HandlerSteps<'t> {
    let queries = Queries::get(lang);
    let query = &queries.calls;

    let function = handler.function;
    let mut cursor = QueryCursor::new();
    // A step call names the binding: its callee is `step.…`, `ctx.step.…` or a bare
    // tool, or its arguments hand on `step`, `ctx`, `{ step }`. So the query runs only
    // around each occurrence of a binding name in the handler (every call holding one
    // matches there), not over every node of the handler.
    let mut names: Vec<&str> = binding.names.iter().map(|n| n.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut occurrences: Vec<(usize, usize)> = names
        .iter()
        .flat_map(|name| {
            super::word_occurrences(source, function.byte_range(), name)
                .map(move |at| (at, at + name.len()))
        })
        .collect();
    occurrences.sort_unstable();
    let mut calls: Vec<StepCall<'t>> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for range in occurrences {
        cursor.set_byte_range(range.0..range.1);
        let mut matches = cursor.matches(query, function, source.as_bytes());
        while let Some(m) = matches.next() {
            let Some((call, callee, arguments)) = queries.call_parts(m) else {
                continue;
            };
            if !contains(function, call) || seen.contains(&call.id()) {
                continue;
            }
            seen.push(call.id());
            let tool = match step_tool(callee, binding, source) {
                Some(tool) => Some(tool.to_string()),
                None if hands_binding(arguments, binding, source) => None,
                None => continue,
            };
            let id = code_children(arguments)
                .next()
                .and_then(|first| step_id_literal(first, source));
            calls.push(StepCall { call, tool, id });
        }
    }
    calls.sort_by_key(|c| (c.call.start_byte(), c.call.id()));
    calls.dedup_by_key(|c| c.call.id());

    let bodies = calls
        .iter()
        .filter(|c| c.tool.is_some())
        .filter_map(|c| c.call.field("arguments"))
        .flat_map(code_children)
        .filter(|arg| is_function(*arg))
        .collect();
    HandlerSteps { calls, bodies }
}

/// The step tools, the one table every rule reads: tools called on the binding itself
/// (`step.run(…)`).
pub const TOOLS: &[&str] = &[
    "run",
    "sleep",
    "sleepUntil",
    "waitForEvent",
    "waitForSignal",
    "invoke",
    "sendEvent",
    "sendSignal",
    "fetch",
];
/// Namespaces on the binding (`step.ai`, `step.realtime`).
pub const NAMESPACES: &[&str] = &["ai", "realtime"];
/// The tools called on those namespaces: `step.ai.infer(…)`, `step.realtime.publish(…)`.
pub const NAMESPACED_TOOLS: &[&str] = &["infer", "wrap", "publish"];

/// Whether `name` is a tool called on the binding itself (`run`, `sleep`, …).
pub fn is_tool(name: &str) -> bool {
    TOOLS.contains(&name)
}

/// Whether `property`, read on the binding (`step.<property>`), is a tool or a namespace
/// of tools.
pub fn is_tool_or_namespace(property: &str) -> bool {
    is_tool(property) || NAMESPACES.contains(&property)
}

/// The tool a call's callee names on the handler's binding (`step.run` → `run`,
/// `ctx.step.ai.infer` → `infer`, a bare destructured `run` → `run`), if it names one.
fn step_tool<'s>(callee: Node, binding: &'s StepBinding, source: &'s str) -> Option<&'s str> {
    let tool = match callee.kind_name() {
        "identifier" => return binding.bare_tool(text(callee, source)),
        "member_expression" => text(callee.field("property")?, source),
        _ => return None,
    };
    let object = callee.field("object")?;
    let receiver = if TOOLS.contains(&tool) {
        object
    } else if NAMESPACED_TOOLS.contains(&tool)
        && object.kind_name() == "member_expression"
        && NAMESPACES.contains(&text(object.field("property")?, source))
    {
        object.field("object")?
    } else {
        return None;
    };
    binding
        .is_receiver(receiver, source)
        .then(|| binding.bare_tool(tool).unwrap_or(tool))
}

/// Whether a call hands the binding on: `processBatch(step, items)`, `helper(ctx)`,
/// `helper({ step, event })`, `helper({ step: s })`.
fn hands_binding(arguments: Node, binding: &StepBinding, source: &str) -> bool {
    code_children(arguments).any(|argument| match argument.kind_name() {
        "identifier" | "member_expression" => binding.is_handed(argument, source),
        "object" => code_children(argument).any(|member| match member.kind_name() {
            "shorthand_property_identifier" => binding.is_handed(member, source),
            "pair" => member.field("value").is_some_and(|value| {
                matches!(value.kind_name(), "identifier" | "member_expression")
                    && binding.is_handed(value, source)
            }),
            _ => false,
        }),
        _ => false,
    })
}

/// The step ID a tool's first argument gives as a literal: `"x"`, or the object form
/// `{ id: "x", name: … }`.
pub fn step_id_literal(first: Node, source: &str) -> Option<String> {
    let first = super::unwrap_expression(first);
    if first.kind_name() != "object" {
        return string_literal(first, source);
    }
    code_children(first).find_map(|member| {
        if member.kind_name() != "pair" {
            return None;
        }
        let key = text(member.field("key")?, source);
        (key.trim_matches(|c| c == '"' || c == '\'') == "id")
            .then(|| string_literal(member.field("value")?, source))?
    })
}

/// The node holding a tool call's step ID literal: the string, or the `id` value of
/// the object form.
pub fn step_id_node<'t>(call: Node<'t>, source: &str) -> Option<Node<'t>> {
    let first = super::unwrap_expression(code_children(call.field("arguments")?).next()?);
    if first.kind_name() != "object" {
        return Some(first);
    }
    code_children(first).find_map(|member| {
        if member.kind_name() != "pair" {
            return None;
        }
        let key = text(member.field("key")?, source);
        (key.trim_matches(|c| c == '"' || c == '\'') == "id").then(|| member.field("value"))?
    })
}
