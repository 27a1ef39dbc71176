//! The nodes of the file being analysed, in one flat table in source order (preorder),
//! so that the rules' walks, parent lookups and field lookups do not go through
//! tree-sitter's cursor for every step.
//!
//! Why: tree-sitter moves between nodes by re-reading its compressed subtrees (a
//! sibling step, a `parent()` that searches down from the root, a field lookup that
//! compares the field's name with every field name of the grammar and then scans the
//! children). The rules walk each handler many times and ask for parents and fields all
//! the time; a profile of `--check` spent more time in those moves than in the rules
//! themselves. The table is built by one walk, on first use, for the tree being analysed
//! on this thread ([`with_table`]); then a walk of a subtree is a slice of the table, a
//! parent is an index, and a field is one scan of the children's field ids. Byte offsets
//! are kept as `u32`, as tree-sitter keeps them.
//!
//! Nodes of any other tree (the relative modules the semantic model reads, a tree
//! parsed to check a fix) are served by tree-sitter as before: every function here
//! answers exactly what the tree-sitter call it replaces answers (debug builds check
//! it on every call).

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use tree_sitter::{ffi, Node, Tree};

use super::kind::{self, KindName};

/// One node of the table.
#[derive(Clone, Copy)]
struct Entry {
    raw: ffi::TSNode,
    /// The index of the parent (`u32::MAX` for the table's root).
    parent: u32,
    /// The index just past this node's subtree (its next sibling, or an ancestor's).
    next: u32,
    /// The field this node is in its parent (0: none).
    field: u16,
    named: bool,
}

/// The nodes under one root, in preorder.
struct Table {
    entries: Vec<Entry>,
    /// Where each entry starts, apart: a lookup searches 4-byte keys, not entries.
    starts: Vec<u32>,
    /// The nodes looked up last (node id, index), by a hash of the id: the rules ask
    /// about the same node several times in a row (its fields, its parent).
    recent: [Cell<(usize, u32)>; RECENT],
}

const RECENT: usize = 256;

impl Table {
    fn build(root: Node) -> Table {
        let mut entries: Vec<Entry> = Vec::new();
        let mut starts: Vec<u32> = Vec::new();
        let mut open: Vec<u32> = Vec::new();
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            let index = entries.len() as u32;
            starts.push(node.start_byte() as u32);
            entries.push(Entry {
                raw: node.into_raw(),
                parent: open.last().copied().unwrap_or(u32::MAX),
                next: index + 1,
                field: cursor.field_id().map_or(0, |f| f.get()),
                named: node.is_named(),
            });
            if cursor.goto_first_child() {
                open.push(index);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return Table {
                        entries,
                        starts,
                        recent: std::array::from_fn(|_| Cell::new((0, 0))),
                    };
                }
                if let Some(parent) = open.pop() {
                    entries[parent as usize].next = entries.len() as u32;
                }
            }
        }
    }

    /// The index of `node`, when it is in the table.
    fn index_of(&self, node: Node) -> Option<usize> {
        let id = node.id();
        let slot = &self.recent[(id >> 4) % RECENT];
        let (recent_id, recent_index) = slot.get();
        if recent_id == id {
            return Some(recent_index as usize);
        }
        let start = node.start_byte() as u32;
        let first = self.starts.partition_point(|&s| s < start);
        let found = self.starts[first..]
            .iter()
            .zip(&self.entries[first..])
            .take_while(|(&s, _)| s == start)
            .position(|(_, e)| e.raw.id as usize == id)
            .map(|at| first + at)?;
        slot.set((id, found as u32));
        Some(found)
    }
}

/// The tree installed on this thread, and its table once built.
struct Installed {
    tree: *const ffi::TSTree,
    root: ffi::TSNode,
    table: OnceCell<Rc<Table>>,
}

thread_local! {
    /// Installed trees, innermost last (an analysis may run inside another).
    static INSTALLED: RefCell<Vec<Installed>> = const { RefCell::new(Vec::new()) };
}

/// Run `f` with the nodes of `tree` served from a table (built on first use).
///
/// A closure rather than a guard the caller holds: a guard could be leaked
/// (`mem::forget`), leaving the table of a freed tree installed, and a tree allocated
/// later at the same address would then be served stale nodes.
pub fn with_table<R>(tree: &Tree, f: impl FnOnce() -> R) -> R {
    let root = tree.root_node().into_raw();
    INSTALLED.with(|installed| {
        installed.borrow_mut().push(Installed {
            tree: root.tree,
            root,
            table: OnceCell::new(),
        })
    });
    // Uninstalled when `f` returns or unwinds.
    let _uninstall = Uninstall;
    f()
}

/// Uninstalls the innermost table when dropped (see [`with_table`]).
struct Uninstall;

impl Drop for Uninstall {
    fn drop(&mut self) {
        INSTALLED.with(|installed| installed.borrow_mut().pop());
    }
}

/// The installed table holding `node`, with the node's index.
fn installed(node: Node) -> Option<(Rc<Table>, usize)> {
    let tree = node.into_raw().tree;
    let table = INSTALLED.with(|installed| {
        let installed = installed.borrow();
        let found = installed.iter().rev().find(|i| i.tree == tree)?;
        Some(Rc::clone(found.table.get_or_init(|| {
            // SAFETY: `found.root` is the root of a tree that `with_table` borrows
            // for as long as it is installed.
            Rc::new(Table::build(unsafe { Node::from_raw(found.root) }))
        })))
    })?;
    let index = table.index_of(node)?;
    Some((table, index))
}

/// A node of the table `node` came from.
///
/// SAFETY: callers pass a raw node of the same tree as `_same_tree`, whose lifetime
/// proves the tree alive.
unsafe fn node_of<'t>(raw: ffi::TSNode, _same_tree: Node<'t>) -> Node<'t> {
    Node::from_raw(raw)
}

/// Visit `root` and every node under it, in source order (anonymous nodes included).
pub fn for_each_descendant<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    match installed(root) {
        Some((table, index)) => {
            let end = table.entries[index].next as usize;
            for entry in &table.entries[index..end] {
                // SAFETY: the entry is a node of `root`'s tree.
                visit(unsafe { node_of(entry.raw, root) });
            }
        }
        None => walk_with_cursor(root, visit),
    }
}

/// [`for_each_descendant`] by tree-sitter's cursor: for trees not installed.
fn walk_with_cursor<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    // A cursor made from `root` cannot leave it: at `root`, `goto_next_sibling` and
    // `goto_parent` fail.
    let mut cursor = root.walk();
    loop {
        visit(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Visit as [`for_each_descendant`] does, with each node's position in the visit and
/// the position just past its subtree: the nodes under a node are the visits from its
/// position up to that end.
pub fn for_each_descendant_ranged<'t>(
    root: Node<'t>,
    mut visit: impl FnMut(Node<'t>, usize, usize),
) {
    let visit_table =
        |table: &Table, index: usize, visit: &mut dyn FnMut(Node<'t>, usize, usize)| {
            let end = table.entries[index].next as usize;
            for (at, entry) in table.entries[index..end].iter().enumerate() {
                // SAFETY: the entry is a node of `root`'s tree.
                let node = unsafe { node_of(entry.raw, root) };
                visit(node, at, entry.next as usize - index);
            }
        };
    match installed(root) {
        Some((table, index)) => visit_table(&table, index, &mut visit),
        None => visit_table(&Table::build(root), 0, &mut visit),
    }
}

/// The named, non-comment children of a node.
pub fn code_children(node: Node) -> CodeChildren {
    match installed(node) {
        Some((table, index)) => CodeChildren(Children::Table {
            next: index + 1,
            end: table.entries[index].next as usize,
            table,
            of: node,
        }),
        None => {
            let mut cursor = node.walk();
            let pending = cursor.goto_first_child();
            CodeChildren(Children::Cursor { cursor, pending })
        }
    }
}

/// The iterator of [`code_children`].
pub struct CodeChildren<'t>(Children<'t>);

enum Children<'t> {
    Table {
        table: Rc<Table>,
        next: usize,
        end: usize,
        of: Node<'t>,
    },
    Cursor {
        cursor: tree_sitter::TreeCursor<'t>,
        /// The cursor stands on a child not yet looked at.
        pending: bool,
    },
}

impl<'t> Iterator for CodeChildren<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match &mut self.0 {
            Children::Table {
                table,
                next,
                end,
                of,
            } => {
                while *next < *end {
                    let entry = table.entries[*next];
                    *next = entry.next as usize;
                    if entry.named {
                        // SAFETY: the entry is a node of `of`'s tree.
                        let node = unsafe { node_of(entry.raw, *of) };
                        if node.kind_name() != "comment" {
                            return Some(node);
                        }
                    }
                }
                None
            }
            Children::Cursor { cursor, pending } => {
                while *pending {
                    let node = cursor.node();
                    *pending = cursor.goto_next_sibling();
                    if node.is_named() && node.kind_name() != "comment" {
                        return Some(node);
                    }
                }
                None
            }
        }
    }
}

/// Tree navigation answered from the table when the node's tree is installed.
pub trait Navigate<'t> {
    /// [`Node::parent`].
    fn parent_node(&self) -> Option<Node<'t>>;
    /// [`Node::child_by_field_name`].
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> Navigate<'t> for Node<'t> {
    fn parent_node(&self) -> Option<Node<'t>> {
        let found = match installed(*self) {
            Some((table, index)) => {
                let parent = table.entries[index].parent;
                // Outside the table's root, tree-sitter knows (the table's root is
                // the file's root: there is nothing above it).
                (parent != u32::MAX).then(|| {
                    // SAFETY: the entry is a node of `self`'s tree.
                    unsafe { node_of(table.entries[parent as usize].raw, *self) }
                })
            }
            None => self.parent(),
        };
        debug_assert_eq!(found, self.parent(), "parent of {self:?}");
        found
    }

    fn field(&self, name: &str) -> Option<Node<'t>> {
        let found = match (installed(*self), kind::field_id(*self, name)) {
            (Some((table, index)), Some(field)) => {
                let end = table.entries[index].next as usize;
                let mut child = index + 1;
                let mut found = None;
                while child < end {
                    let entry = table.entries[child];
                    if entry.field == field {
                        // SAFETY: the entry is a node of `self`'s tree.
                        found = Some(unsafe { node_of(entry.raw, *self) });
                        break;
                    }
                    child = entry.next as usize;
                }
                found
            }
            (Some(_), None) => None,
            (None, _) => self.child_by_field_name(name),
        };
        debug_assert_eq!(
            found,
            self.child_by_field_name(name),
            "field {name} of {self:?}"
        );
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{parse, Lang};

    const SOURCE: &str = "import { a as b } from './m';\n\
        export const f = inngest.createFunction({ id: 'x' }, { event: 'e' },\n\
          async ({ event, step }) => {\n\
            // comment\n\
            const r = await step.run(`s-${event.data.id}`, async () => ({ n: 1 }));\n\
            for (const x of [1, 2]) { if (x) { var y = x as number; } else y = -1; }\n\
            class K extends Base { #p = 1; static m(): void {} }\n\
            return <T,>(v: T) => ({ r, v, y });\n\
          });\n\
        function broken( { return @@ }\n";

    /// Everything the table answers, it answers as tree-sitter does, for every node.
    #[test]
    fn same_answers_as_tree_sitter() {
        for lang in [Lang::TypeScript, Lang::Tsx] {
            let tree = parse(SOURCE, lang).unwrap();
            let mut all = Vec::new();
            for_each_descendant(tree.root_node(), |n| all.push(n));
            with_table(&tree, || check_against_tree_sitter(lang, &tree, &all));
        }
    }

    fn check_against_tree_sitter(lang: Lang, tree: &Tree, all: &[Node]) {
        assert!(installed(tree.root_node()).is_some(), "the table serves");
        {
            let mut from_table = Vec::new();
            for_each_descendant(tree.root_node(), |n| from_table.push(n));
            assert_eq!(all, from_table, "{lang:?}");
            assert!(all.len() > 100);
            let language = tree.language();
            for node in all {
                assert_eq!(node.parent_node(), node.parent(), "{lang:?} {node:?}");
                for id in 1..=language.field_count() as u16 {
                    let name = language.field_name_for_id(id).unwrap();
                    assert_eq!(
                        node.field(name),
                        node.child_by_field_name(name),
                        "{lang:?} {node:?} {name}"
                    );
                }
                let mut sub = Vec::new();
                for_each_descendant(*node, |n| sub.push(n));
                let mut cursor_sub = Vec::new();
                walk_with_cursor(*node, |n| cursor_sub.push(n));
                assert_eq!(sub, cursor_sub, "{lang:?} {node:?}");
                let children: Vec<_> = code_children(*node).collect();
                let mut cursor = node.walk();
                let expected: Vec<_> = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect();
                assert_eq!(children, expected, "{lang:?} {node:?}");
            }
        }
    }

    /// Another tree, parsed while one is installed, is served by tree-sitter.
    #[test]
    fn other_trees_fall_back() {
        let installed_tree = parse(SOURCE, Lang::TypeScript).unwrap();
        with_table(&installed_tree, || {
            let other = parse("const a = f(b);", Lang::TypeScript).unwrap();
            assert!(installed(other.root_node()).is_none());
            let mut count = 0;
            for_each_descendant(other.root_node(), |n| {
                assert_eq!(n.parent_node(), n.parent());
                count += 1;
            });
            assert!(count > 5);
        });
        // Uninstalled when the closure returns.
        assert!(installed(installed_tree.root_node()).is_none());
    }
}
