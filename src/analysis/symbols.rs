//! Scopes, symbols and references of one file, from one walk: every identifier resolved
//! to the scope that declares it, and each reference told apart as a read, a write, or
//! both (oxc's `Semantic` is the model).
//!
//! Owns: which declaration a name means at a point (by scope, never by name alone: a
//! `const handleLate` inside another function is a different symbol from a module-level
//! `function handleLate`), and whether a symbol is ever written after its declaration.
//! Does not own: what a symbol's value can do (reaching a step is
//! [`super::semantic`]'s), nor the imports table ([`super::imports`]).
//!
//! Scopes are what [`super::scope::declared_names`] says (blocks, `for` heads, `catch`
//! clauses, functions with their parameters and hoisted `var`s); `let`/`const` in a block
//! are visible from the whole block, as for [`super::scope::resolve`], whose answers
//! these are.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::kind::KindName;
use super::scope::{ancestors_within, declared_names};
use super::{text, Navigate};

/// One declared name: the scope node that declares it, and the name.
#[derive(Debug, Clone, Copy)]
pub struct Symbol<'t> {
    /// The scope node (a block, a function, a `for` head, a `catch` clause, the program).
    pub scope: Node<'t>,
    /// The name as written.
    pub name: &'t str,
}

impl PartialEq for Symbol<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.scope.id() == other.scope.id() && self.name == other.name
    }
}

impl Eq for Symbol<'_> {}

/// How a reference uses its symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The identifier that declares the symbol (a variable, parameter, function,
    /// class, `catch` or `for` binding).
    Declaration,
    /// A read of the value.
    Read,
    /// A plain assignment: `x = 1`, `({ x } = o)`, `[x] = xs`, `for (x of xs)`.
    Write,
    /// A read and a write: `x += 1`, `x++`, `x ??= y`.
    ReadWrite,
}

impl Access {
    /// Whether the reference changes the symbol's value after its declaration.
    pub fn writes(self) -> bool {
        matches!(self, Access::Write | Access::ReadWrite)
    }
}

/// One identifier naming a symbol.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'t> {
    /// The identifier (or shorthand property) node.
    pub node: Node<'t>,
    /// How it uses the symbol.
    pub access: Access,
}

/// A read found by the walk, for the step reachability of [`super::semantic`]: an
/// identifier, `this`, `super`, or a call (which may load a module).
pub(crate) struct Occurrence<'t> {
    pub node: Node<'t>,
    pub start: usize,
    pub end: usize,
    /// The byte range of the scope declaring the name read, when the file declares it.
    pub scope: Option<(usize, usize)>,
}

/// The scopes, symbols and references of one file.
pub struct Symbols<'t> {
    source: &'t str,
    root: Node<'t>,
    /// Every scope node that declares names, with the identifiers it declares, by id.
    pub(crate) declared: HashMap<usize, (Node<'t>, Vec<Node<'t>>)>,
    /// The scope each identifier of the file resolves to (`None`: not declared in the
    /// file: an import or a global).
    pub(crate) resolved: HashMap<usize, Option<Node<'t>>>,
    /// Nodes that may give a binding a value, in source order (declarators,
    /// declarations, assignments, calls).
    pub(crate) candidates: Vec<Node<'t>>,
    /// Identifiers, `this`/`super` and calls, in source order.
    pub(crate) reads: Vec<Occurrence<'t>>,
    /// Shorthand pattern identifiers (`{ total }` of a declaration or an assignment).
    patterns: Vec<Node<'t>>,
    /// The references of each symbol (by scope id and name), built on first ask.
    references: OnceCell<HashMap<(usize, &'t str), Vec<Reference<'t>>>>,
}

/// Node kinds whose scope may declare names (see [`declared_names`]).
pub(crate) fn is_scope(kind: &str) -> bool {
    matches!(
        kind,
        "statement_block"
            | "program"
            | "switch_body"
            | "class_body"
            | "for_statement"
            | "for_in_statement"
            | "catch_clause"
            | "arrow_function"
            | "function_expression"
            | "function_declaration"
            | "generator_function"
            | "generator_function_declaration"
            | "method_definition"
    )
}

impl<'t> Symbols<'t> {
    /// One walk of `root` (the file) with a stack of the scopes open at each point.
    pub fn build(root: Node<'t>, source: &'t str) -> Symbols<'t> {
        let mut found = Symbols {
            source,
            root,
            declared: HashMap::new(),
            resolved: HashMap::new(),
            candidates: Vec::new(),
            reads: Vec::new(),
            patterns: Vec::new(),
            references: OnceCell::new(),
        };
        // The scopes open at this point, innermost last, each with the position of the
        // walk where its subtree ends.
        let mut open: Vec<(Node<'t>, HashSet<&str>, usize)> = Vec::new();
        super::syntax::for_each_descendant_ranged(root, |node, at, end| {
            while open.last().is_some_and(|(_, _, until)| *until <= at) {
                open.pop();
            }
            let kind = node.kind_name();
            if is_scope(kind) {
                let mut names = Vec::new();
                declared_names(node, source, &mut names);
                if !names.is_empty() {
                    open.push((node, names.iter().map(|n| text(*n, source)).collect(), end));
                    found.declared.insert(node.id(), (node, names));
                }
            }
            let occurrence = |scope: Option<(usize, usize)>| Occurrence {
                node,
                start: node.start_byte(),
                end: node.end_byte(),
                scope,
            };
            match kind {
                "identifier" | "shorthand_property_identifier" => {
                    let scope = resolve_in(&open, text(node, source));
                    found.resolved.insert(node.id(), scope);
                    found
                        .reads
                        .push(occurrence(scope.map(|s| (s.start_byte(), s.end_byte()))));
                }
                "shorthand_property_identifier_pattern" => {
                    let scope = resolve_in(&open, text(node, source));
                    found.resolved.insert(node.id(), scope);
                    found.patterns.push(node);
                }
                "this" | "super" => found.reads.push(occurrence(None)),
                "call_expression" => {
                    found.reads.push(occurrence(None));
                    found.candidates.push(node);
                }
                "new_expression" => found.candidates.push(node),
                "variable_declarator"
                | "function_declaration"
                | "generator_function_declaration"
                | "class_declaration"
                | "abstract_class_declaration"
                | "assignment_expression"
                | "augmented_assignment_expression" => found.candidates.push(node),
                _ => {}
            }
        });
        found
    }

    /// The file's root node.
    pub fn root(&self) -> Node<'t> {
        self.root
    }

    /// The scope node declaring the name `identifier` reads or writes, when the file
    /// declares it (`None`: an import, a global, or a typo).
    pub fn declaring_scope(&self, identifier: Node<'t>) -> Option<Node<'t>> {
        if let Some(found) = self.resolved.get(&identifier.id()) {
            return *found;
        }
        // A node the walk did not see as a name (a `property_identifier` asked about
        // by its text): resolved from its ancestors.
        let name = text(identifier, self.source);
        ancestors_within(identifier, self.root)
            .into_iter()
            .rev()
            .find(|scope| self.declares(*scope, name))
    }

    /// Whether `scope` declares `name`.
    pub fn declares(&self, scope: Node<'t>, name: &str) -> bool {
        match self.declared.get(&scope.id()) {
            Some((_, names)) => names.iter().any(|n| text(*n, self.source) == name),
            // The walk saw every scope of the file: one it did not list declares nothing.
            None => false,
        }
    }

    /// The symbol `identifier` names, when the file declares it.
    pub fn symbol(&self, identifier: Node<'t>) -> Option<Symbol<'t>> {
        let scope = self.declaring_scope(identifier)?;
        Some(Symbol {
            scope,
            name: text(identifier, self.source),
        })
    }

    /// Whether `identifier` names a symbol declared by `scope` (the replacement of
    /// `scope::resolve(identifier, …).is_some_and(|s| s.id() == scope.id())`).
    pub fn resolves_to(&self, identifier: Node<'t>, scope: Node<'t>) -> bool {
        self.declaring_scope(identifier)
            .is_some_and(|s| s.id() == scope.id())
    }

    /// Whether the name `identifier` reads is declared at or below `stop` (the
    /// replacement of `scope::resolve(identifier, stop, …).is_some()`).
    pub fn declared_within(&self, identifier: Node<'t>, stop: Node<'t>) -> bool {
        self.declaring_scope(identifier)
            .is_some_and(|s| super::contains(stop, s))
    }

    /// The identifier that declares `symbol`.
    pub fn declaration(&self, symbol: Symbol<'t>) -> Option<Node<'t>> {
        let (_, names) = self.declared.get(&symbol.scope.id())?;
        names
            .iter()
            .copied()
            .find(|n| text(*n, self.source) == symbol.name)
    }

    /// Every identifier naming `symbol`, in source order, its declaration included.
    pub fn references(&self, symbol: Symbol<'t>) -> &[Reference<'t>] {
        self.references
            .get_or_init(|| self.index_references())
            .get(&(symbol.scope.id(), symbol.name))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `symbol` is assigned or updated anywhere after its declaration.
    pub fn is_written(&self, symbol: Symbol<'t>) -> bool {
        self.references(symbol).iter().any(|r| r.access.writes())
    }

    fn index_references(&self) -> HashMap<(usize, &'t str), Vec<Reference<'t>>> {
        let declarations: HashSet<usize> = self
            .declared
            .values()
            .flat_map(|(_, names)| names.iter().map(|n| n.id()))
            .collect();
        let mut index: HashMap<(usize, &'t str), Vec<Reference<'t>>> = HashMap::new();
        let mut names: Vec<Node<'t>> = self.reads.iter().map(|r| r.node).collect();
        names.extend(self.patterns.iter().copied());
        names.sort_by_key(|n| n.start_byte());
        for node in names {
            if !matches!(
                node.kind_name(),
                "identifier"
                    | "shorthand_property_identifier"
                    | "shorthand_property_identifier_pattern"
            ) {
                continue;
            }
            let Some(Some(scope)) = self.resolved.get(&node.id()) else {
                continue;
            };
            let access = if declarations.contains(&node.id()) {
                Access::Declaration
            } else {
                access_of(node)
            };
            index
                .entry((scope.id(), text(node, self.source)))
                .or_default()
                .push(Reference { node, access });
        }
        index
    }
}

/// How a reference that is not a declaration uses its symbol, from where it stands:
/// the left side of an assignment (also inside a destructuring pattern), an update,
/// the head of a `for … of`/`for … in` without a declaration keyword.
pub fn access_of(identifier: Node) -> Access {
    let mut node = identifier;
    while let Some(parent) = node.parent_node() {
        let is_field = |name: &str| parent.field(name).is_some_and(|f| f.id() == node.id());
        match parent.kind_name() {
            "assignment_expression" if is_field("left") => return Access::Write,
            "augmented_assignment_expression" if is_field("left") => return Access::ReadWrite,
            "update_expression" => return Access::ReadWrite,
            "for_in_statement" if is_field("left") => {
                return if parent.field("kind").is_some() {
                    Access::Declaration
                } else {
                    Access::Write
                };
            }
            // Inside a pattern: climb to what the pattern is the left side of.
            "object_pattern" | "array_pattern" | "rest_pattern" => node = parent,
            "pair_pattern" if is_field("value") => node = parent,
            "assignment_pattern" | "object_assignment_pattern" if is_field("left") => node = parent,
            "parenthesized_expression" | "non_null_expression"
                if node.kind_name() == "identifier" =>
            {
                node = parent
            }
            _ => return Access::Read,
        }
    }
    Access::Read
}

/// The innermost open scope declaring `name`.
fn resolve_in<'t>(open: &[(Node<'t>, HashSet<&str>, usize)], name: &str) -> Option<Node<'t>> {
    open.iter()
        .rev()
        .find(|(_, names, _)| names.contains(name))
        .map(|(scope, _, _)| *scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::for_each_descendant;
    use crate::language::{parse, Lang};

    fn identifiers<'t>(root: Node<'t>, source: &str, name: &str) -> Vec<Node<'t>> {
        let mut found = Vec::new();
        for_each_descendant(root, |n| {
            if matches!(
                n.kind_name(),
                "identifier" | "shorthand_property_identifier_pattern"
            ) && text(n, source) == name
            {
                found.push(n);
            }
        });
        found
    }

    /// Same-named bindings of different scopes are different symbols.
    #[test]
    fn same_name_in_another_function_is_another_symbol() {
        let source = "async function handleLate() { return 1 }\n\
                      function other() { const handleLate = [1]; return handleLate.length }\n\
                      register(handleLate);\n";
        let tree = parse(source, Lang::TypeScript).unwrap();
        let symbols = Symbols::build(tree.root_node(), source);
        let all = identifiers(tree.root_node(), source, "handleLate");
        assert_eq!(all.len(), 4);
        let module = symbols.symbol(all[0]).unwrap();
        let local = symbols.symbol(all[1]).unwrap();
        assert_ne!(module, local);
        assert_eq!(symbols.symbol(all[2]), Some(local));
        assert_eq!(symbols.symbol(all[3]), Some(module));
        let accesses: Vec<_> = symbols
            .references(module)
            .iter()
            .map(|r| (r.node.start_position().row, r.access))
            .collect();
        assert_eq!(accesses, [(0, Access::Declaration), (2, Access::Read)]);
        assert!(!symbols.is_written(module));
    }

    /// Writes of every kind, destructuring and `for … of` heads included.
    #[test]
    fn reads_and_writes() {
        let source = "let a = 0, b, c, d, e;\n\
                      a += 1; b = 2; ({ c } = o); [d] = xs; for (e of xs) {}\n\
                      f(a, b, c, d, e); a++;\n";
        let tree = parse(source, Lang::TypeScript).unwrap();
        let symbols = Symbols::build(tree.root_node(), source);
        for (name, expected) in [
            (
                "a",
                vec![
                    Access::Declaration,
                    Access::ReadWrite,
                    Access::Read,
                    Access::ReadWrite,
                ],
            ),
            ("b", vec![Access::Declaration, Access::Write, Access::Read]),
            ("c", vec![Access::Declaration, Access::Write, Access::Read]),
            ("d", vec![Access::Declaration, Access::Write, Access::Read]),
            ("e", vec![Access::Declaration, Access::Write, Access::Read]),
        ] {
            let first = identifiers(tree.root_node(), source, name)[0];
            let symbol = symbols.symbol(first).unwrap();
            let accesses: Vec<_> = symbols
                .references(symbol)
                .iter()
                .map(|r| r.access)
                .collect();
            assert_eq!(accesses, expected, "{name}");
            assert!(symbols.is_written(symbol), "{name}");
        }
    }
}
