//! Analysis: what a file's Inngest functions are and what their handlers do.
//!
//! Owns the facts the rules read: Inngest functions and their handlers
//! ([`functions`]), step bindings ([`binding`]), step calls and step bodies ([`steps`]),
//! name resolution ([`scope`]), handler return statements with their tail
//! positions ([`returns`]) and writes inside step bodies ([`mutations`]). Does not own
//! any judgement: that is the rules' job.
//!
//! How the tree is read, for speed: the file being analysed is walked once, into a flat
//! table of its nodes ([`syntax`]); walks of a subtree, parents and fields are then
//! read from the table, and node kinds from a table per grammar ([`kind`]). Queries run
//! only around the words that can start a match (`createFunction`, a step binding's
//! names, `return`). BENCHMARKS.md has the figures.

pub mod assertions;
pub mod binding;
pub mod consulted;
pub mod effects;
pub mod flow;
pub mod functions;
pub mod imports;
pub mod json;
pub mod kind;
pub mod model;
pub mod movability;
pub mod mutations;
pub mod provenance;
pub mod queries;
pub mod reads;
pub mod replay;
pub mod returns;
pub mod scope;
pub mod semantic;
pub mod steps;
pub mod symbols;
pub mod syntax;
pub mod wrap;

pub use syntax::{code_children, for_each_descendant, Navigate};

use crate::analysis::kind::KindName;
use tree_sitter::Node;

/// The text of a node. Nodes always lie on char boundaries of the source they came from.
pub fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// Node kinds that open a function: returns inside them belong to them, not to
/// the enclosing handler.
pub fn is_function(node: Node) -> bool {
    matches!(
        node.kind_name(),
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
        match node.kind_name() {
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

/// The variable an expression is rooted in: `x` of `x`, `x.a.b`, `x[i]`, `(x as T)!`.
pub fn root_name(mut node: Node) -> Option<Node> {
    loop {
        node = unwrap_expression(node);
        match node.kind_name() {
            "identifier" => return Some(node),
            "member_expression" | "subscript_expression" => {
                node = node.field("object")?;
            }
            _ => return None,
        }
    }
}

/// The nearest function enclosing `node` (not `node` itself).
pub fn enclosing_function(node: Node) -> Option<Node> {
    let mut current = node.parent_node();
    while let Some(n) = current {
        if is_function(n) {
            return Some(n);
        }
        current = n.parent_node();
    }
    None
}

/// Whether a function node is declared `async`.
pub fn is_async_function(function: Node) -> bool {
    let mut cursor = function.walk();
    let is_async = function
        .children(&mut cursor)
        .any(|c| c.kind_name() == "async");
    is_async
}

/// Whether any node under `root` (itself included) satisfies `predicate`.
pub fn any_descendant(root: Node, mut predicate: impl FnMut(Node) -> bool) -> bool {
    let mut found = false;
    for_each_descendant(root, |n| found = found || predicate(n));
    found
}

/// The keyword tokens `word` of the file under `root`, found from the text (each
/// occurrence of the word that is not part of a longer name, and is a token of that
/// kind in the tree: not in a comment, a string, or a property name).
pub fn keyword_nodes<'t, 's>(
    root: Node<'t>,
    source: &'s str,
    word: &'s str,
) -> impl Iterator<Item = Node<'t>> + 's
where
    't: 's,
{
    word_occurrences(source, root.byte_range(), word)
        .filter_map(move |at| root.descendant_for_byte_range(at, at + word.len()))
        .filter(move |node| !node.is_named() && node.kind_name() == word)
}

/// Where `word` occurs in `source` within `range` as a whole word: not preceded or
/// followed by a character of a name (`step` in `step.run`, not in `steps` or `mystep`).
pub fn word_occurrences<'s>(
    source: &'s str,
    range: std::ops::Range<usize>,
    word: &'s str,
) -> impl Iterator<Item = usize> + 's {
    let bytes = source.as_bytes();
    let end = range.end.min(bytes.len());
    let start = range.start.min(end);
    let is_name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let finder =
        (!word.is_empty()).then(|| memchr::memmem::find_iter(&bytes[start..end], word.as_bytes()));
    finder
        .into_iter()
        .flatten()
        .map(move |at| start + at)
        .filter(move |&at| {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + word.len()).copied();
            !before.is_some_and(is_name_byte) && !after.is_some_and(is_name_byte)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{parse, Lang};

    /// Keywords, not the word in names, comments, strings or property names.
    #[test]
    fn keyword_nodes_are_tokens() {
        let source = "// class var\nconst klass = \"class\"; var x = 1; o.class = 2; o.var;\n\
                      class A {} const B = class {}; function f() { if (x) { var inner = 1 } }\n";
        let tree = parse(source, Lang::TypeScript).unwrap();
        let root = tree.root_node();
        let classes: Vec<_> = keyword_nodes(root, source, "class")
            .map(|n| n.parent_node().unwrap().kind_name())
            .collect();
        assert_eq!(classes, ["class_declaration", "class"]);
        let vars: Vec<_> = keyword_nodes(root, source, "var")
            .map(|n| n.start_position().row)
            .collect();
        assert_eq!(vars, [1, 2]);
        // Only within the node asked about.
        let function = root.named_child(root.named_child_count() - 1).unwrap();
        assert_eq!(function.kind_name(), "function_declaration");
        assert_eq!(keyword_nodes(function, source, "var").count(), 1);
        assert_eq!(keyword_nodes(function, source, "class").count(), 0);
    }

    /// A `var` deep in a function body belongs to the function.
    #[test]
    fn hoisted_var_is_declared_by_the_function() {
        let source = "function f() { if (x) { for (;;) { var deep = 1 } } }";
        let tree = parse(source, Lang::TypeScript).unwrap();
        let function = tree.root_node().named_child(0).unwrap();
        assert!(scope::declares(function, "deep", source));
        assert!(!scope::declares(function, "x", source));
    }
}
