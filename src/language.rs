//! Languages and parsing: which grammar a path gets (SPEC 1), and one parser per thread.
//!
//! Owns: the extension → grammar table, the `.d.ts` skip, `package.json` (read by the
//! dependency rule of the v4 migration only), parsing with a thread-local
//! [`tree_sitter::Parser`]. Does not own: queries (see [`crate::analysis::queries`]).

use std::cell::RefCell;
use std::path::Path;

/// The grammar a file is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// `.ts .mts .cts`. Never parsed as TSX: `<T>x` casts would break.
    TypeScript,
    /// `.tsx`, and JavaScript (`.js .jsx .mjs .cjs`): JavaScript with JSX is valid TSX here.
    Tsx,
    /// `package.json` (no other JSON file): only `v4-dependencies` reads it.
    Json,
}

impl Lang {
    /// The grammar for a path, or `None` when the tool does not look at it
    /// (other extensions, and `.d.ts` declaration files, which hold no handlers).
    pub fn from_path(path: &Path) -> Option<Lang> {
        let name = path.file_name()?.to_str()?;
        if name == "package.json" {
            return Some(Lang::Json);
        }
        if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
            return None;
        }
        match path.extension()?.to_str()? {
            "ts" | "mts" | "cts" => Some(Lang::TypeScript),
            "tsx" | "js" | "jsx" | "mjs" | "cjs" => Some(Lang::Tsx),
            _ => None,
        }
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Json => tree_sitter_json::LANGUAGE.into(),
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::TypeScript => 0,
            Lang::Tsx => 1,
            Lang::Json => 2,
        }
    }
}

thread_local! {
    static PARSERS: RefCell<[Option<tree_sitter::Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Parse `source` with this thread's parser for `lang` (created on first use).
///
/// Returns `None` only if tree-sitter gives up (it does not without a timeout or
/// cancellation flag, which we never set).
pub fn parse(source: &str, lang: Lang) -> Option<tree_sitter::Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let slot = &mut parsers[lang.index()];
        if slot.is_none() {
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&lang.grammar()).ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(source, None)
    })
}

/// Number of ERROR and MISSING nodes in a tree: the re-parse check compares these.
pub fn error_count(tree: &tree_sitter::Tree) -> usize {
    let mut count = 0;
    let mut cursor = tree.walk();
    // Iterative pre-order walk: no recursion over user-controlled depth.
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return count;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_by_extension() {
        assert_eq!(Lang::from_path(Path::new("a/b.ts")), Some(Lang::TypeScript));
        assert_eq!(Lang::from_path(Path::new("b.cts")), Some(Lang::TypeScript));
        assert_eq!(Lang::from_path(Path::new("b.tsx")), Some(Lang::Tsx));
        assert_eq!(Lang::from_path(Path::new("b.mjs")), Some(Lang::Tsx));
        assert_eq!(Lang::from_path(Path::new("b.d.ts")), None);
        assert_eq!(Lang::from_path(Path::new("b.json")), None);
        assert_eq!(
            Lang::from_path(Path::new("a/package.json")),
            Some(Lang::Json)
        );
        assert_eq!(Lang::from_path(Path::new("Makefile")), None);
    }

    #[test]
    fn counts_errors() {
        let ok = parse("const a = 1;", Lang::TypeScript).unwrap();
        assert_eq!(error_count(&ok), 0);
        let bad = parse("const a = ;\nfunction (", Lang::TypeScript).unwrap();
        assert!(error_count(&bad) > 0);
    }
}
