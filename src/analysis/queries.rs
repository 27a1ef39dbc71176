//! The tree-sitter queries of `queries/`, compiled once per grammar at first use.

use std::sync::OnceLock;

use tree_sitter::Query;

use crate::language::Lang;

/// Every query the analysis runs, for one grammar.
pub struct Queries {
    /// `queries/functions.scm`: `X.createFunction(…)` calls.
    pub functions: Query,
    /// `queries/step_calls.scm`: candidate step calls and calls handed a binding.
    pub step_calls: Query,
    /// `queries/returns.scm`: return statements.
    pub returns: Query,
    /// `queries/reads.scm`: name reads.
    pub reads: Query,
}

const FUNCTIONS: &str = include_str!("../../queries/functions.scm");
const STEP_CALLS: &str = include_str!("../../queries/step_calls.scm");
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
            functions: compile("functions.scm", FUNCTIONS),
            step_calls: compile("step_calls.scm", STEP_CALLS),
            returns: compile("returns.scm", RETURNS),
            reads: compile("reads.scm", READS),
        }
    }

    /// The compiled queries for a grammar.
    pub fn get(lang: Lang) -> &'static Queries {
        static TS: OnceLock<Queries> = OnceLock::new();
        static TSX: OnceLock<Queries> = OnceLock::new();
        match lang {
            Lang::TypeScript => TS.get_or_init(|| Queries::compile(Lang::TypeScript)),
            Lang::Tsx => TSX.get_or_init(|| Queries::compile(Lang::Tsx)),
        }
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
