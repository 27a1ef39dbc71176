//! Writes inside step bodies to names the step body does not declare itself.
//!
//! A step body runs once; on every later request the handler replays and the body is
//! skipped, its result read from run state. Any other effect of the body (an
//! assignment, `count++`, `rows.push(x)`, `state.done = true`) happens only in the
//! request that ran it, and is lost on replay. Owns: finding those writes. Does not own
//! what to make of them: `unsafe-trailing-return` refuses to freeze such a value,
//! `mutation-in-step` reports where it is read.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use tree_sitter::Node;

use super::scope::resolve;
use super::{code_children, for_each_descendant, text, unwrap_expression};

/// Methods that change the object they are called on.
const MUTATING_METHODS: &[&str] = &[
    "push",
    "pop",
    "shift",
    "unshift",
    "splice",
    "sort",
    "reverse",
    "fill",
    "copyWithin",
    "set",
    "add",
    "delete",
    "clear",
];

/// A write inside a step body to a name declared outside it.
#[derive(Debug, Clone, Copy)]
pub struct StepBodyWrite<'t> {
    /// The written name where the write names it: `count` of `count += 1`, `rows` of
    /// `rows.push(x)`, `state` of `state.done = true`.
    pub target: Node<'t>,
    /// The step body holding the write.
    pub body: Node<'t>,
}

impl<'t> StepBodyWrite<'t> {
    /// The written name.
    pub fn name<'s>(&self, source: &'s str) -> &'s str {
        text(self.target, source)
    }

    /// The 1-based line of the write.
    pub fn line(&self) -> usize {
        self.target.start_position().row + 1
    }
}

/// Writes inside `bodies` to names the body does not declare: assignments, compound
/// assignments, `++`/`--`, `delete`, member writes, mutating method calls
/// (`push`, `splice`, `set`, `add`, `delete`…) and `Object.assign(x, …)`; also the
/// writes of the handler's own functions that a body calls or passes on
/// (`const bump = () => { n++ }` … `step.run("x", () => bump())`), transitively, to
/// names those functions do not declare. In source order; `bodies` must be in source
/// order too (outer bodies before the ones they hold).
pub fn step_body_writes<'t>(
    handler: Node<'t>,
    bodies: &[Node<'t>],
    source: &str,
) -> Vec<StepBodyWrite<'t>> {
    let mut found = Vec::new();
    // The names of the handler's own functions: only a use of one of those can lead to
    // more writes (resolving every identifier of every body would cost a climb each).
    let mut helpers: Vec<&str> = Vec::new();
    if !bodies.is_empty() {
        for_each_descendant(handler, |node| {
            let name = match node.kind_name() {
                "function_declaration" | "generator_function_declaration" => node.field("name"),
                "variable_declarator" => node
                    .field("value")
                    .map(unwrap_expression)
                    .filter(|v| super::is_function(*v))
                    .and_then(|_| node.field("name")),
                _ => None,
            };
            if let Some(name) = name.filter(|n| n.kind_name() == "identifier") {
                helpers.push(text(name, source));
            }
        });
    }
    for body in bodies {
        // The body itself, then every handler function it reaches, each once.
        let mut pending = vec![*body];
        let mut visited: Vec<usize> = Vec::new();
        while let Some(code) = pending.pop() {
            if visited.contains(&code.id()) {
                continue;
            }
            visited.push(code.id());
            for_each_descendant(code, |node| {
                if node.kind_name() == "identifier" && helpers.contains(&text(node, source)) {
                    if let Some(helper) = local_function(node, code, handler, source) {
                        pending.push(helper);
                    }
                }
                for root in written_roots(node, source) {
                    // A write in a step body nested in another is found from both: keep
                    // the outer body, the one whose replay loses it.
                    let seen = found
                        .iter()
                        .any(|w: &StepBodyWrite| w.target.id() == root.id());
                    if !seen && resolve(root, code, text(root, source), source).is_none() {
                        found.push(StepBodyWrite {
                            target: root,
                            body: *body,
                        });
                    }
                }
            });
        }
    }
    found.sort_by_key(|w| w.target.start_byte());
    found
}

/// The names a node writes to, when it is a write: `count` of `count += 1`, `rows` of
/// `rows.push(x)`, `state` of `state.done = true`, `total` and `first` of a
/// destructuring assignment (`({ total } = …)`, `[first, obj.x] = …`: `obj` too), and
/// the target of a `for (last of …)` / `for (key in …)` head that declares nothing.
pub fn written_roots<'t>(node: Node<'t>, source: &str) -> Vec<Node<'t>> {
    let target = match node.kind_name() {
        "assignment_expression" | "augmented_assignment_expression" => node.field("left"),
        "update_expression" => node.field("argument"),
        "unary_expression" if node.child(0).is_some_and(|op| op.kind_name() == "delete") => {
            node.field("argument")
        }
        "call_expression" => mutated_by_call(node, source),
        // `for (const x of …)` declares `x`; `for (x of …)` assigns it.
        "for_in_statement" if node.field("kind").is_none() => node.field("left"),
        _ => None,
    };
    let mut roots = Vec::new();
    if let Some(target) = target {
        assignment_target_roots(target, &mut roots);
    }
    roots
}

/// The names an assignment target writes: the root of `x`, `x.a`, `x[i]`, and of every
/// target inside a destructuring pattern (not its default values or computed keys).
pub fn assignment_target_roots<'t>(target: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut stack = vec![target];
    while let Some(node) = stack.pop() {
        let node = unwrap_expression(node);
        match node.kind_name() {
            "shorthand_property_identifier_pattern" => out.push(node),
            "object_pattern" | "array_pattern" => stack.extend(code_children(node)),
            "pair_pattern" => stack.extend(node.field("value")),
            "rest_pattern" => stack.extend(node.named_child(0)),
            "assignment_pattern" | "object_assignment_pattern" => stack.extend(node.field("left")),
            _ => out.extend(super::root_name(node)),
        }
    }
}

/// The function a name used inside `code` refers to, when it is declared in the handler
/// outside `code` (`function bump() {…}`, `const bump = () => {…}`).
fn local_function<'t>(
    name: Node<'t>,
    code: Node<'t>,
    handler: Node<'t>,
    source: &str,
) -> Option<Node<'t>> {
    let identifier = text(name, source);
    if resolve(name, code, identifier, source).is_some() {
        return None;
    }
    let scope = resolve(name, handler, identifier, source)?;
    let mut declared = Vec::new();
    super::scope::declared_names(scope, source, &mut declared);
    let declaration = declared
        .into_iter()
        .find(|d| text(*d, source) == identifier)?;
    let parent = declaration.parent_node()?;
    let function = match parent.kind_name() {
        "function_declaration" | "generator_function_declaration" => Some(parent),
        "variable_declarator" => parent
            .field("value")
            .map(unwrap_expression)
            .filter(|v| super::is_function(*v)),
        _ => None,
    }?;
    // A function declared inside `code` is part of it already.
    (!super::contains(code, function)).then_some(function)
}

/// The object a call mutates: `x.push(…)`, `x.y.set(…)`, `Object.assign(x, …)`.
fn mutated_by_call<'t>(call: Node<'t>, source: &str) -> Option<Node<'t>> {
    let function = call.field("function")?;
    if function.kind_name() != "member_expression" {
        return None;
    }
    let object = function.field("object")?;
    let method = text(function.field("property")?, source);
    if text(object, source) == "Object" && method == "assign" {
        return code_children(call.field("arguments")?).next();
    }
    MUTATING_METHODS.contains(&method).then_some(object)
}
