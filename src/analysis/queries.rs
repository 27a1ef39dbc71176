//! The tree-sitter queries of `queries/`, compiled once per grammar at first use.
//!
//! Compiling them is the fixed cost of a run (tree-sitter analyses each pattern against
//! the whole grammar), so [`Queries::prefetch`] starts it on a thread of its own as soon
//! as the first file of a grammar passes the prefilter: the walk, the reads and the parse
//! go on meanwhile, and a grammar no file needs is never compiled.

use std::sync::{Once, OnceLock};

use tree_sitter::{Node, Query, QueryMatch};

use crate::language::Lang;

/// Every query the analysis runs, for one grammar.
pub struct Queries {
    /// `queries/calls.scm`: every call, for `X.createFunction(…)` calls and step calls.
    pub calls: Query,
    /// `queries/returns.scm`: return statements.
    pub returns: Query,
    /// `queries/reads.scm`: name reads.
    pub reads: Query,
}

const CALLS: &str = include_str!("../../queries/calls.scm");
const RETURNS: &str = include_str!("../../queries/returns.scm");
const READS: &str = include_str!("../../queries/reads.scm");

impl Queries {
    fn compile(lang: Lang) -> Queries {
        let grammar = lang.grammar();
        // The query files ship inside the binary and are covered by tests: a compile
        // failure is a bug in this crate, never something a user's file can cause.
        let compile = |name: &str, source: &str| {
            Query::new(&grammar, source)
                .unwrap_or_else(|e| panic!("queries/{name} does not compile: {e}"))
        };
        Queries {
            calls: compile("calls.scm", CALLS),
            returns: compile("returns.scm", RETURNS),
            reads: compile("reads.scm", READS),
        }
    }

    /// The compiled queries for a grammar; waits for a compilation already under way.
    pub fn get(lang: Lang) -> &'static Queries {
        static TS: OnceLock<Queries> = OnceLock::new();
        static TSX: OnceLock<Queries> = OnceLock::new();
        match lang {
            Lang::TypeScript => TS.get_or_init(|| Queries::compile(Lang::TypeScript)),
            // No rule queries a `package.json`: the TSX queries, should one ask.
            Lang::Tsx | Lang::Json => TSX.get_or_init(|| Queries::compile(Lang::Tsx)),
        }
    }

    /// Start compiling a grammar's queries on a background thread, once per run, so that
    /// the caller's parse overlaps with it; [`Queries::get`] then finds them ready or waits
    /// for the rest. Where no thread can be started, the first `get` compiles them.
    pub fn prefetch(lang: Lang) {
        static TS: Once = Once::new();
        static TSX: Once = Once::new();
        let once = match lang {
            Lang::TypeScript => &TS,
            Lang::Tsx => &TSX,
            Lang::Json => return,
        };
        once.call_once(|| {
            let _ = std::thread::Builder::new()
                .name(format!("queries-{lang:?}"))
                .spawn(move || {
                    Queries::get(lang);
                });
        });
    }

    /// The call, callee and argument list of a `queries/calls.scm` match.
    pub fn call_parts<'t>(&self, m: &QueryMatch<'_, 't>) -> Option<(Node<'t>, Node<'t>, Node<'t>)> {
        let node_of = |name: &str| {
            let index = Queries::capture(&self.calls, name);
            m.captures.iter().find(|c| c.index == index).map(|c| c.node)
        };
        Some((node_of("call")?, node_of("callee")?, node_of("arguments")?))
    }

    /// Index of a named capture in a query (`"step.call"`); the names are ours.
    pub fn capture(query: &Query, name: &str) -> u32 {
        query
            .capture_index_for_name(name)
            .unwrap_or_else(|| panic!("query has no capture @{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_compile_for_both_grammars() {
        Queries::get(Lang::TypeScript);
        Queries::get(Lang::Tsx);
    }
}
