//! What kind of value a handler-scoped name holds, as far as its declaration shows:
//! a step's result, the event's data, another handler input, a value written inside a
//! step body, or a value computed outside steps (and from what).
//!
//! Owns: that classification, for messages. Does not own whether reading the name is
//! a problem: the rules decide that.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use tree_sitter::Node;

use super::mutations::StepBodyWrite;
use super::scope::declared_names;
use super::steps::HandlerSteps;
use super::{code_children, for_each_descendant, is_function, text, unwrap_expression};

/// Where a name's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// Bound to the awaited result of a step call.
    StepResult,
    /// The event (`event`, `events`) or a value taken from it with no call.
    EventData,
    /// Another parameter of the handler (`runId`, `attempt`, `logger`, `ctx`…).
    HandlerInput,
    /// Written inside a step body: its value is lost on replay.
    WrittenInStep,
    /// A function or class declared in the handler.
    Function,
    /// The error of a `catch` clause.
    CaughtError,
    /// A loop's own variable (`for (let i = 0; …)`, `for (const x of xs)`).
    LoopVariable,
    /// Computed outside steps; `from` names what it was computed from (callees first,
    /// then names), when the declaration shows it.
    ComputedOutsideSteps { from: Vec<String> },
}

impl Provenance {
    /// A few words for messages: `a step result`, `computed outside steps from
    /// `Date.now()``.
    pub fn describe(&self) -> String {
        match self {
            Provenance::StepResult => "a step result".to_string(),
            Provenance::EventData => "event data".to_string(),
            Provenance::HandlerInput => "a handler input".to_string(),
            Provenance::WrittenInStep => "written inside a step body".to_string(),
            Provenance::Function => "a function of the handler".to_string(),
            Provenance::CaughtError => "a caught error".to_string(),
            Provenance::LoopVariable => "a loop variable".to_string(),
            Provenance::ComputedOutsideSteps { from } if from.is_empty() => {
                "computed outside steps".to_string()
            }
            Provenance::ComputedOutsideSteps { from } => {
                let shown: Vec<String> = from.iter().take(2).map(|f| format!("`{f}`")).collect();
                let more = if from.len() > 2 { " …" } else { "" };
                format!("computed outside steps from {}{more}", shown.join(", "))
            }
        }
    }
}

/// The provenance of `name`, declared by `scope` inside `handler`.
pub fn of_name(
    name: &str,
    scope: Node,
    handler: Node,
    steps: &HandlerSteps,
    writes: &[StepBodyWrite],
    source: &str,
) -> Provenance {
    if writes.iter().any(|w| w.name(source) == name) {
        return Provenance::WrittenInStep;
    }
    if scope.id() == handler.id() && is_parameter(handler, name, source) {
        return if matches!(name, "event" | "events") {
            Provenance::EventData
        } else {
            Provenance::HandlerInput
        };
    }
    let mut declared = Vec::new();
    declared_names(scope, source, &mut declared);
    let Some(declaration) = declared.into_iter().find(|n| text(*n, source) == name) else {
        return Provenance::ComputedOutsideSteps { from: Vec::new() };
    };
    // Climb from the name through its binding pattern to what declares it.
    let mut holder = declaration;
    while let Some(parent) = holder.parent_node() {
        holder = parent;
        let kind = parent.kind_name();
        if kind == "variable_declarator"
            || is_function(parent)
            || kind.ends_with("class_declaration")
            || kind.ends_with("statement")
            || kind == "catch_clause"
            || kind == "statement_block"
            || kind == "program"
        {
            break;
        }
    }
    match holder.kind_name() {
        "variable_declarator" => {
            let in_loop_head = holder
                .parent_node()
                .and_then(|d| d.parent_node())
                .is_some_and(|p| p.kind_name() == "for_statement");
            if in_loop_head {
                return Provenance::LoopVariable;
            }
            let Some(value) = holder.field("value") else {
                return Provenance::ComputedOutsideSteps { from: Vec::new() };
            };
            match of_value(value, handler, steps, source) {
                // `const { event } = ctx`, `const data = ctx.event.data`.
                Provenance::ComputedOutsideSteps { from }
                    if from.len() == 1 && is_parameter(handler, &from[0], source) =>
                {
                    let path = text(holder, source);
                    if name.starts_with("event") || path.contains(".event") {
                        Provenance::EventData
                    } else {
                        Provenance::HandlerInput
                    }
                }
                other => other,
            }
        }
        "for_in_statement" => Provenance::LoopVariable,
        "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "abstract_class_declaration" => Provenance::Function,
        "catch_clause" => Provenance::CaughtError,
        _ => Provenance::ComputedOutsideSteps { from: Vec::new() },
    }
}

/// The provenance of a declaration's initial value.
fn of_value(value: Node, handler: Node, steps: &HandlerSteps, source: &str) -> Provenance {
    let value = unwrap_expression(value);
    if is_function(value) {
        return Provenance::Function;
    }
    let mut awaited = value;
    if awaited.kind_name() == "await_expression" {
        if let Some(inner) = code_children(awaited).next() {
            awaited = unwrap_expression(inner);
        }
    }
    if steps.is_step_call(awaited) || is_promise_all_of_steps(awaited, steps, source) {
        return Provenance::StepResult;
    }
    // What the value is computed from: calls first, then the handler's names.
    let mut calls: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for_each_descendant(value, |node| match node.kind_name() {
        "call_expression" | "new_expression" => {
            // Named callees only (`Date.now`, `db.user.find`): not `(…).toISOString`.
            let callee = node
                .field("function")
                .or_else(|| node.field("constructor"))
                .map(|f| text(f, source))
                .filter(|f| {
                    f.chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '$'))
                })
                .map_or(String::new(), one_line);
            let shown = if node.kind_name() == "new_expression" {
                format!("new {callee}()")
            } else {
                format!("{callee}()")
            };
            if !callee.is_empty() && !calls.contains(&shown) {
                calls.push(shown);
            }
        }
        "identifier" | "shorthand_property_identifier" => {
            let is_callee = node
                .parent_node()
                .is_some_and(|p| p.field("function").is_some_and(|f| f.id() == node.id()));
            let name = text(node, source).to_string();
            if !is_callee
                && !names.contains(&name)
                && super::scope::resolve(node, handler, &name, source).is_some()
            {
                names.push(name);
            }
        }
        _ => {}
    });
    if calls.is_empty() && !names.is_empty() && names.iter().all(|n| n == "event" || n == "events")
    {
        return Provenance::EventData;
    }
    calls.extend(names);
    Provenance::ComputedOutsideSteps { from: calls }
}

/// `await Promise.all([step.run(…), …])`, `Promise.all(ids.map((id) => step.run(…)))`.
fn is_promise_all_of_steps(call: Node, steps: &HandlerSteps, source: &str) -> bool {
    call.kind_name() == "call_expression"
        && call
            .field("function")
            .is_some_and(|f| matches!(text(f, source), "Promise.all" | "Promise.allSettled"))
        && steps.any_within(call)
}

/// Whether `name` is bound by one of the handler's parameters.
fn is_parameter(handler: Node, name: &str, source: &str) -> bool {
    let mut bound = Vec::new();
    super::scope::parameter_names(handler, &mut bound);
    bound.iter().any(|n| text(*n, source) == name)
}

/// Code on one line, at most 30 characters.
fn one_line(code: &str) -> String {
    let joined: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= 30 {
        joined
    } else {
        format!("{}…", joined.chars().take(29).collect::<String>())
    }
}

/// The identifier that declares `name` in `scope`: where its value comes from.
pub fn declaration<'t>(name: &str, scope: Node<'t>, source: &str) -> Option<Node<'t>> {
    let mut declared = Vec::new();
    declared_names(scope, source, &mut declared);
    declared.into_iter().find(|n| text(*n, source) == name)
}
