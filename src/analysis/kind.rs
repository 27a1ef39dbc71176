//! Node kinds as `&'static str`, read from a table built once per grammar.
//!
//! [`Node::kind`] converts the grammar's C string on every call (`strlen`, then a
//! UTF-8 check), and the rules ask for kinds in every walk: a profile of `--check` on
//! an all-Inngest tree spent about 9% of its time there. [`KindName::kind_name`] gives
//! the same string from the node's symbol id and a table of the grammar's kind names.

use std::collections::HashMap;
use std::sync::OnceLock;

use tree_sitter::{Language, Node};

/// The kind names of one grammar, indexed by symbol id, and its field ids by name.
struct Table {
    language: Language,
    names: Box<[&'static str]>,
    fields: HashMap<&'static str, u16>,
}

impl Table {
    fn of(language: Language) -> Table {
        let names = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .unwrap_or("")
            })
            .collect();
        let fields = (1..=language.field_count())
            .filter_map(|id| {
                let id = u16::try_from(id).ok()?;
                Some((language.field_name_for_id(id)?, id))
            })
            .collect();
        Table {
            language,
            names,
            fields,
        }
    }
}

fn tables() -> &'static [Table; 2] {
    static TABLES: OnceLock<[Table; 2]> = OnceLock::new();
    TABLES.get_or_init(|| {
        [
            Table::of(crate::language::Lang::TypeScript.grammar()),
            Table::of(crate::language::Lang::Tsx.grammar()),
        ]
    })
}

/// A node's kind, as [`Node::kind`] gives it, without converting a C string.
pub trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for Node<'_> {
    #[inline]
    fn kind_name(&self) -> &'static str {
        let language = self.language();
        let id = usize::from(self.kind_id());
        for table in tables() {
            if *language == table.language {
                // `ERROR` and the other built-in symbols lie outside the table.
                return match table.names.get(id) {
                    Some(name) if !name.is_empty() => name,
                    _ => self.kind(),
                };
            }
        }
        self.kind()
    }
}

/// The id of the field `name` in the grammar of `node` (`None`: the grammar has no
/// such field). [`tree_sitter::Language::field_id_for_name`] compares `name` with every
/// field name of the grammar.
pub fn field_id(node: Node, name: &str) -> Option<u16> {
    let language = node.language();
    for table in tables() {
        if *language == table.language {
            return table.fields.get(name).copied();
        }
    }
    language.field_id_for_name(name).map(|id| id.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{parse, Lang};

    /// Every node of a file with errors, in both grammars: the same string as `kind()`.
    #[test]
    fn same_as_kind() {
        let source = "const a = <T,>(x: T) => x; class C { #p = 1; m() { return this.#p } }\n\
                      function f( { return <div>{a}</div> } @@ ;";
        for lang in [Lang::TypeScript, Lang::Tsx] {
            let tree = parse(source, lang).unwrap();
            let mut checked = 0;
            let mut errors = 0;
            super::super::for_each_descendant(tree.root_node(), |n| {
                assert_eq!(n.kind_name(), n.kind(), "{lang:?} {n:?}");
                checked += 1;
                errors += usize::from(n.is_error());
            });
            assert!(
                checked > 50 && errors > 0,
                "{lang:?}: {checked} nodes, {errors} errors"
            );
        }
    }
}
