//! The model of one file, built once and read by every rule, the fix planner and the
//! server: its functions' step bindings, its scopes and symbols ([`Symbols`]), its
//! imports ([`Imports`]), what its names can reach ([`SemanticModel`]) and its classes
//! and types ([`Classes`]).
//!
//! Owns: building each part once, on first ask (a file whose rules never ask for the
//! symbols never walks for them), and handing the same part to every asker. Does not own
//! what any part says: each part's module does.
//!
//! The node table of the file (see [`super::syntax`]) is installed for as long as the
//! model's rules run ([`crate::rules::check_tree`]); the model's parts are only built
//! while it is.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use tree_sitter::Node;

use super::binding::StepBinding;
use super::imports::Imports;
use super::json::Classes;
use super::semantic::SemanticModel;
use super::symbols::Symbols;
use crate::language::Lang;

/// One file, as every rule sees it.
pub struct FileModel<'t> {
    source: &'t str,
    root: Node<'t>,
    lang: Lang,
    path: Option<PathBuf>,
    /// The step bindings of every handler of the file (a value one handler keeps in a
    /// module variable is there for the others too).
    bindings: Vec<StepBinding>,
    symbols: OnceCell<Rc<Symbols<'t>>>,
    imports: OnceCell<Rc<Imports>>,
    semantic: OnceCell<SemanticModel<'t, 't>>,
    classes: OnceCell<Classes<'t>>,
}

impl<'t> FileModel<'t> {
    /// The model of the file `root` (parsed from `source` as `lang`, read from `path`
    /// when it came from a file), whose handlers have `bindings`.
    pub fn new(
        root: Node<'t>,
        source: &'t str,
        lang: Lang,
        path: Option<&Path>,
        bindings: Vec<StepBinding>,
    ) -> FileModel<'t> {
        FileModel {
            source,
            root,
            lang,
            path: path.map(Path::to_path_buf),
            bindings,
            symbols: OnceCell::new(),
            imports: OnceCell::new(),
            semantic: OnceCell::new(),
            classes: OnceCell::new(),
        }
    }

    /// The file's text.
    pub fn source(&self) -> &'t str {
        self.source
    }

    /// The file's root node.
    pub fn root(&self) -> Node<'t> {
        self.root
    }

    /// The grammar the file was parsed with.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The file's path, when it came from a file.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The step bindings of every handler of the file.
    pub fn bindings(&self) -> &[StepBinding] {
        &self.bindings
    }

    /// Scopes, symbols and references (one walk of the file, on first ask).
    pub fn symbols(&self) -> &Symbols<'t> {
        self.symbols_rc()
    }

    fn symbols_rc(&self) -> &Rc<Symbols<'t>> {
        self.symbols
            .get_or_init(|| Rc::new(Symbols::build(self.root, self.source)))
    }

    /// The imports table (read on first ask; each specifier resolved on first ask).
    pub fn imports(&self) -> &Imports {
        self.imports_rc()
    }

    fn imports_rc(&self) -> &Rc<Imports> {
        self.imports
            .get_or_init(|| Rc::new(Imports::of(self.root, self.source, self.path())))
    }

    /// What the file's names can reach, as far as steps are concerned (on first ask).
    pub fn semantic(&self) -> &SemanticModel<'t, 't> {
        self.semantic.get_or_init(|| {
            SemanticModel::build(
                self.source,
                Rc::clone(self.symbols_rc()),
                Rc::clone(self.imports_rc()),
                &self.bindings,
                self.path(),
            )
        })
    }

    /// The file's classes, types and typed functions (one walk, on first ask).
    pub fn classes(&self) -> &Classes<'t> {
        self.classes
            .get_or_init(|| Classes::of(self.root, self.source))
    }
}
