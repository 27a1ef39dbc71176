//! Analysis: what a file's Inngest functions are and what their handlers do.
//!
//! Owns the facts the rules read: Inngest functions and their handlers
//! ([`functions`]), step bindings ([`binding`]), step calls and step bodies ([`steps`]),
//! name resolution ([`scope`]) and handler return statements with their tail
//! positions ([`returns`]). Does not own any judgement: that is the rules' job.

pub mod binding;
pub mod functions;
pub mod queries;
pub mod returns;
pub mod scope;
pub mod steps;

use tree_sitter::Node;

/// The text of a node. Nodes always lie on char boundaries of the source they came from.
pub fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// Node kinds that open a function: returns inside them belong to them, not to
/// the enclosing handler.
pub fn is_function(node: Node) -> bool {
    matches!(
        node.kind(),
        "arrow_function"
            | "function_expression"
            | "function_declaration"
            | "generator_function"
            | "generator_function_declaration"
            | "method_definition"
    )
}

/// Whether `inner` lies within `outer` (inclusive).
pub fn contains(outer: Node, inner: Node) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// Parentheses, `x!`, `x as T` and `x satisfies T` around an expression are looked through.
pub fn unwrap_expression(mut node: Node) -> Node {
    loop {
        match node.kind() {
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => return node,
            },
            _ => return node,
        }
    }
}

/// Iterate the named, non-comment children of a node.
pub fn code_children(node: Node) -> impl Iterator<Item = Node> {
    let mut cursor = node.walk();
    let children: Vec<Node> = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect();
    children.into_iter()
}
