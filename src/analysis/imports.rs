//! The imports of one file, read once: every top-level `import` with the local names it
//! binds, and where each module specifier leads, resolved once per specifier.
//!
//! Owns: the imports table and its resolution ([`Resolution`]): a module of the project
//! (a relative path, a `tsconfig.json` path alias or `baseUrl`, a workspace package of
//! the monorepo by its `package.json` name), a package, or unresolved. Does not own: what
//! an imported module does (whether it may run steps is [`super::semantic::modules`]'s).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tree_sitter::Node;

use super::kind::KindName;
use super::semantic::modules;
use super::{code_children, functions::string_literal, text, Navigate};

/// What an import binds its local name to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// `import { name } from "m"` or `import { name as local } from "m"`.
    Named(String),
    /// `import local from "m"`.
    Default,
    /// `import * as local from "m"`.
    Namespace,
}

/// One local name bound by a top-level `import` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The local name.
    pub local: String,
    /// What it names in the module.
    pub imported: Imported,
    /// The module specifier as written (`"./util"`, `"inngest"`, `"@/lib/x"`).
    pub specifier: String,
    /// `import type …` or `import { type x }`: no value at run time.
    pub type_only: bool,
}

/// Where a module specifier leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A file of the project.
    Project(PathBuf),
    /// A package (`node_modules`), not followed.
    Package,
    /// Neither: a relative path with no file behind it, an alias-shaped specifier that
    /// no rule of module resolution makes a package (`@/lib/x`, `~/x`, `#x` with no
    /// alias), a workspace package whose entry cannot be found, or a file of unknown
    /// path. Unresolved code may do anything, run steps included.
    Unresolved,
}

/// The imports of one file.
pub struct Imports {
    entries: Vec<Import>,
    /// The importing file's directory (`None`: text of unknown origin).
    directory: Option<PathBuf>,
    resolved: RefCell<HashMap<String, Resolution>>,
}

impl Imports {
    /// Read the top-level imports of `root`.
    pub fn of(root: Node, source: &str, file: Option<&Path>) -> Imports {
        let mut entries = Vec::new();
        for statement in code_children(root) {
            if statement.kind_name() == "import_statement" {
                read_import(statement, source, &mut entries);
            }
        }
        Imports {
            entries,
            directory: file.and_then(Path::parent).map(Path::to_path_buf),
            resolved: RefCell::new(HashMap::new()),
        }
    }

    /// The import binding `local`, if one does.
    pub fn get(&self, local: &str) -> Option<&Import> {
        self.entries.iter().rev().find(|i| i.local == local)
    }

    /// Every import, in source order.
    pub fn iter(&self) -> impl Iterator<Item = &Import> {
        self.entries.iter()
    }

    /// Whether some import comes from `specifier`.
    pub fn imports_from(&self, specifier: &str) -> bool {
        self.entries.iter().any(|i| i.specifier == specifier)
    }

    /// The local name of the v4 global step: `import { step } from "inngest"` (or
    /// `{ step as s }`).
    pub fn global_step(&self) -> Option<&str> {
        self.entries
            .iter()
            .find(|i| {
                i.specifier == "inngest"
                    && !i.type_only
                    && i.imported == Imported::Named("step".into())
            })
            .map(|i| i.local.as_str())
    }

    /// The local names of the SDK imported as a namespace: `import * as sdk from
    /// "inngest"` (`sdk.step` is the v4 global step).
    pub fn inngest_namespaces(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|i| {
                i.specifier == "inngest" && !i.type_only && i.imported == Imported::Namespace
            })
            .map(|i| i.local.as_str())
    }

    /// Where `specifier`, imported by this file, leads (memoised per specifier).
    pub fn resolve(&self, specifier: &str) -> Resolution {
        if let Some(known) = self.resolved.borrow().get(specifier) {
            return known.clone();
        }
        let found = match &self.directory {
            Some(directory) => modules::resolution(directory, specifier),
            None if modules::is_relative(specifier) => Resolution::Unresolved,
            None if modules::is_package_name(specifier) => Resolution::Package,
            None => Resolution::Unresolved,
        };
        self.resolved
            .borrow_mut()
            .insert(specifier.to_string(), found.clone());
        found
    }
}

/// The names one `import` statement binds.
fn read_import(statement: Node, source: &str, out: &mut Vec<Import>) {
    let Some(specifier) = statement
        .field("source")
        .and_then(|s| string_literal(s, source))
    else {
        return;
    };
    let Some(clause) = code_children(statement).find(|c| c.kind_name() == "import_clause") else {
        return;
    };
    // `import type { … }`: a `type` token right after `import`.
    let type_statement = statement
        .child(1)
        .is_some_and(|c| !c.is_named() && c.kind_name() == "type");
    let mut push = |local: Node, imported: Imported, type_only: bool| {
        out.push(Import {
            local: text(local, source).to_string(),
            imported,
            specifier: specifier.clone(),
            type_only: type_statement || type_only,
        });
    };
    for part in code_children(clause) {
        match part.kind_name() {
            "identifier" => push(part, Imported::Default, false),
            "namespace_import" => {
                if let Some(local) = code_children(part).find(|c| c.kind_name() == "identifier") {
                    push(local, Imported::Namespace, false);
                }
            }
            "named_imports" => {
                for named in code_children(part).filter(|c| c.kind_name() == "import_specifier") {
                    let Some(name) = named.field("name") else {
                        continue;
                    };
                    let local = named.field("alias").unwrap_or(name);
                    let type_only = named
                        .child(0)
                        .is_some_and(|c| !c.is_named() && c.kind_name() == "type");
                    let imported = text(name, source).trim_matches(|c| c == '"' || c == '\'');
                    push(local, Imported::Named(imported.to_string()), type_only);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{parse, Lang};

    #[test]
    fn every_form_of_import() {
        let source = "import a, { b as c, d, type T } from './m';\n\
                      import * as sdk from 'inngest';\n\
                      import { step as s } from 'inngest';\n\
                      import type { X } from 'x';\n";
        let tree = parse(source, Lang::TypeScript).unwrap();
        let imports = Imports::of(tree.root_node(), source, None);
        let locals: Vec<_> = imports
            .iter()
            .map(|i| (i.local.as_str(), i.imported.clone(), i.type_only))
            .collect();
        assert_eq!(
            locals,
            [
                ("a", Imported::Default, false),
                ("c", Imported::Named("b".into()), false),
                ("d", Imported::Named("d".into()), false),
                ("T", Imported::Named("T".into()), true),
                ("sdk", Imported::Namespace, false),
                ("s", Imported::Named("step".into()), false),
                ("X", Imported::Named("X".into()), true),
            ]
        );
        assert_eq!(imports.global_step(), Some("s"));
        assert_eq!(imports.inngest_namespaces().collect::<Vec<_>>(), ["sdk"]);
        assert_eq!(imports.resolve("inngest"), Resolution::Package);
        assert_eq!(imports.resolve("@/lib/x"), Resolution::Unresolved);
        assert_eq!(imports.resolve("./m"), Resolution::Unresolved);
    }
}
