//! The return statements of a handler, and where they sit (SPEC 2).
//!
//! A handler's own returns are those whose nearest enclosing function is the handler
//! (returns of nested callbacks and step bodies belong to those). A return is *after
//! steps* when some path to it runs a step first or it is inside a loop whose body may
//! run one ([`super::flow`]), and *trailing* when it is in tail position: the last statement of the body,
//! or of an `if`/`else` branch, `try` or `catch` block, or `switch` case that is itself
//! in tail position.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor};

use super::functions::Handler;
use super::queries::Queries;
use super::steps::HandlerSteps;
use super::{code_children, enclosing_function};
use crate::language::Lang;

/// A return statement of a handler itself.
#[derive(Debug, Clone, Copy)]
pub struct HandlerReturn<'t> {
    /// The `return …;` statement.
    pub statement: Node<'t>,
    /// What it returns; `None` for a bare `return;`.
    pub argument: Option<Node<'t>>,
    /// In tail position.
    pub trailing: bool,
    /// A step runs before it (or around it, in a loop).
    pub after_steps: bool,
}

/// The handler's own return statements, in source order.
pub fn find<'t>(
    handler: &Handler<'t>,
    steps: &HandlerSteps<'t>,
    source: &str,
    lang: Lang,
) -> Vec<HandlerReturn<'t>> {
    let Some(body) = handler.body else {
        return Vec::new();
    };
    let query = &Queries::get(lang).returns;
    let mut cursor = QueryCursor::new();
    // A return statement starts with the keyword: the query runs only around each
    // occurrence of the word in the body (it matches the statements holding it), not
    // over every node of the body.
    let mut statements: Vec<Node<'t>> = Vec::new();
    for at in super::word_occurrences(source, body.byte_range(), "return") {
        cursor.set_byte_range(at..at + "return".len());
        let mut captures = cursor.captures(query, body, source.as_bytes());
        while let Some((m, index)) = captures.next() {
            let statement = m.captures[*index].node;
            if statement.start_byte() == at {
                statements.push(statement);
            }
        }
    }
    statements.sort_by_key(|s| s.start_byte());
    statements.dedup_by_key(|s| s.id());
    let mut found = Vec::new();
    for statement in statements {
        if enclosing_function(statement).map(|f| f.id()) != Some(handler.function.id()) {
            continue;
        }
        found.push(HandlerReturn {
            statement,
            argument: argument(statement, source),
            trailing: is_tail(statement, body),
            after_steps: super::flow::after_steps(statement, body, steps),
        });
    }
    found
}

/// What a return statement returns. A line break between `return` and the expression
/// (plain, after a line comment, or inside a block comment that spans lines) ends the
/// statement there: it returns `undefined`, and the expression below never runs. The
/// grammar sees through a block comment spanning lines; JavaScript does not.
fn argument<'t>(statement: Node<'t>, source: &str) -> Option<Node<'t>> {
    let expression = code_children(statement).next()?;
    let keyword_end = statement.child(0)?.end_byte();
    let gap = source.get(keyword_end..expression.start_byte())?;
    (!gap.contains(['\n', '\r', '\u{2028}', '\u{2029}'])).then_some(expression)
}

/// Whether `node` is the last statement of its parent (comments and `;` aside).
fn is_last(node: Node, parent: Node) -> bool {
    code_children(parent)
        .filter(|c| c.kind_name() != "empty_statement")
        .last()
        .is_some_and(|last| last.id() == node.id())
}

/// Whether a statement is in tail position of the handler body `body`. Climbs
/// iteratively: nesting depth comes from the user's file.
pub fn is_tail(statement: Node, body: Node) -> bool {
    let mut node = statement;
    loop {
        let Some(parent) = node.parent_node() else {
            return false;
        };
        match parent.kind_name() {
            "statement_block" => {
                if !is_last(node, parent) {
                    return false;
                }
                if parent.id() == body.id() {
                    return true;
                }
            }
            "if_statement" => {
                if parent.field("condition").map(|c| c.id()) == Some(node.id()) {
                    return false;
                }
            }
            "else_clause" => {}
            "try_statement" => {
                if parent.field("finalizer").map(|c| c.id()) == Some(node.id()) {
                    return false;
                }
            }
            "catch_clause" => {
                if parent.field("body").map(|c| c.id()) != Some(node.id()) {
                    return false;
                }
            }
            "switch_case" | "switch_default" => {
                if !is_last(node, parent) {
                    return false;
                }
                // switch_case → switch_body → switch_statement
                match parent.parent_node().and_then(|b| b.parent_node()) {
                    Some(switch) => {
                        node = switch;
                        continue;
                    }
                    None => return false,
                }
            }
            _ => return false,
        }
        node = parent;
    }
}
