//! The handler-scoped names a return expression reads (SPEC 2): handler parameters and
//! variables, functions and classes declared in the handler outside step bodies. Names
//! bound inside the expression, reads inside a step body in it, and the step binding are
//! not reads of the handler.
//!
//! Owns: that list. Does not own: what a read means for the finding (the rule's).

use tree_sitter::Node;

use super::binding::{Holds, StepBinding};
use super::functions::Handler;
use super::kind::KindName;
use super::scope::resolve;
use super::steps::HandlerSteps;
use super::{contains, text, Navigate};
use crate::language::Lang;

/// What [`handler_reads`] reads of one handler.
pub struct HandlerScope<'a, 't> {
    pub handler: &'a Handler<'t>,
    pub steps: &'a HandlerSteps<'t>,
    pub binding: &'a StepBinding,
    pub source: &'t str,
    pub lang: Lang,
}

/// A read of a handler-scoped name in the return expression.
pub struct HandlerRead<'t> {
    pub name: String,
    /// The first read.
    pub node: Node<'t>,
    /// The scope that declares it, inside the handler.
    pub scope: Node<'t>,
}

/// The handler-scoped names `expression` reads, in order of first read. Names bound
/// inside the expression itself (`items.map((x) => x.id)`) are not reads of the handler.
pub fn handler_reads<'t>(
    context: &HandlerScope<'_, 't>,
    statement: Node<'t>,
    expression: Node<'t>,
) -> Vec<HandlerRead<'t>> {
    let lang = context.lang;
    use streaming_iterator::StreamingIterator;
    let source = context.source;
    let query = &crate::analysis::queries::Queries::get(lang).reads;
    let mut cursor = tree_sitter::QueryCursor::new();
    let mut captures = cursor.captures(query, expression, source.as_bytes());
    let mut reads: Vec<HandlerRead<'t>> = Vec::new();
    while let Some((m, index)) = captures.next() {
        let node = m.captures[*index].node;
        if !contains(expression, node) {
            continue;
        }
        let name = text(node, source);
        if reads.iter().any(|r| r.name == name) || resolve(node, expression, name, source).is_some()
        {
            continue;
        }
        // Reads inside a step body in the expression come from run state when it replays,
        // and the step binding is no data.
        if context.steps.body_containing(node).is_some() || is_step_binding(context, node) {
            continue;
        }
        if let Some(scope) = resolve(statement, context.handler.function, name, source) {
            reads.push(HandlerRead {
                name: name.to_string(),
                node,
                scope,
            });
        } else if name == "arguments" && reads_handler_arguments(context, node) {
            reads.push(HandlerRead {
                name: name.to_string(),
                node,
                scope: context.handler.function,
            });
        }
    }
    reads
}

/// Whether the name `node` reads is one of the handler's names for its step binding.
fn is_step_binding(context: &HandlerScope, node: Node) -> bool {
    let source = context.source;
    let name = text(node, source);
    // `ctx` is data (`ctx.event`) unless it is used as `ctx.step`.
    let as_step = node
        .parent_node()
        .filter(|p| p.kind_name() == "member_expression")
        .and_then(|p| p.field("property"))
        .is_some_and(|p| text(p, source) == "step");
    context.binding.names.iter().any(|entry| {
        entry.name == name
            && (entry.holds != Holds::Context || as_step)
            && resolve(node, context.handler.function, name, source).map(|s| s.id()) == entry.scope
    })
}

/// Whether `arguments` at `node` is the handler's: the handler is a `function` (arrows
/// have none of their own) and no other `function` lies between them.
fn reads_handler_arguments(context: &HandlerScope, node: Node) -> bool {
    let handler = context.handler.function;
    if handler.kind_name() == "arrow_function" {
        return false;
    }
    let mut current = node.parent_node();
    while let Some(n) = current {
        if n.id() == handler.id() {
            return true;
        }
        if crate::analysis::is_function(n) && n.kind_name() != "arrow_function" {
            return false;
        }
        current = n.parent_node();
    }
    false
}
