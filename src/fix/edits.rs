//! Text-editing helpers that rules share: re-indenting code that moves, the literal
//! ranges whose text must not change, and collision-free names for what a fix inserts.
//!
//! Owns: text machinery only. Does not own: which edits a rule makes ([`crate::rules`]).

use crate::analysis::kind::KindName;
use std::ops::Range;

use tree_sitter::Tree;

/// `base`, else `base{sep}2`, `base{sep}3`… the first for which `taken` is false.
pub fn first_free(base: &str, separator: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{separator}{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

/// The text of `source[start..end]` with `delta` added after each newline, except
/// before blank lines and inside string and template literals (whose value would change).
pub fn reindent(source: &str, tree: &Tree, start: usize, end: usize, delta: &str) -> String {
    let slice = &source[start..end];
    let literals = literal_ranges(tree, start, end);
    // The ranges nest and come in source order, as do the newlines: a stack of the
    // ranges open at the current newline gives the innermost one.
    let mut open: Vec<&(Range<usize>, bool)> = Vec::new();
    let mut next_range = 0;
    let mut out = String::with_capacity(slice.len() + 16);
    let mut last = 0;
    for newline in memchr::memchr_iter(b'\n', slice.as_bytes()) {
        out.push_str(&slice[last..=newline]);
        last = newline + 1;
        let at = start + newline;
        while let Some(range) = literals.get(next_range).filter(|r| r.0.start <= at) {
            while open.last().is_some_and(|o| o.0.end <= range.0.start) {
                open.pop();
            }
            open.push(range);
            next_range += 1;
        }
        while open.last().is_some_and(|o| o.0.end <= at) {
            open.pop();
        }
        let inside_literal = open.last().is_some_and(|o| o.1);
        let next = &slice[last..];
        let blank = next.starts_with('\n') || next.starts_with("\r\n") || next.is_empty();
        if !blank && !inside_literal && !delta.is_empty() {
            out.push_str(delta);
        }
    }
    out.push_str(&slice[last..]);
    out
}

/// The string and template literals (`true`) and template substitutions (`false`)
/// under the node spanning `start..end`, in source order. A newline is inside a
/// literal when the innermost of these holding it is a literal. One walk of the moved
/// text: climbing from each newline with `Node::parent` costs O(depth) per step.
pub fn literal_ranges(tree: &Tree, start: usize, end: usize) -> Vec<(Range<usize>, bool)> {
    let mut ranges = Vec::new();
    let Some(root) = tree.root_node().descendant_for_byte_range(start, end) else {
        return ranges;
    };
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        match node.kind_name() {
            "string" | "template_string" => ranges.push((node.byte_range(), true)),
            "template_substitution" => ranges.push((node.byte_range(), false)),
            _ => {}
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node().id() == root.id() {
                return ranges;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return ranges;
            }
        }
    }
}
