//! Assertion functions: functions and methods whose return type is an assertion
//! signature (`asserts order is Paid`, `asserts value`, `asserts this is T`). A call of
//! one narrows what it is handed, like an `if` that throws, whatever its name.
//!
//! Owns: finding the names that are assertion functions where the file shows them: its
//! declarations (`function`, `declare function`, a `const` holding an arrow or function
//! expression with such a return type, a variable or property whose type annotation is
//! such a function type, methods and method signatures) and the names it imports from a
//! module of the project (relative, or a `tsconfig.json` path alias) whose text declares
//! any. A function from a package is not seen: only the names the narrowing analysis
//! recognises as assertions (`assert…`, `invariant`…) cover it. Names are matched by
//! name, not by scope: a same-named function that asserts nothing is taken for one,
//! which costs an unneeded manual review, never a wrong fix.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use std::path::Path;
use tree_sitter::Node;

use super::semantic::modules;
use super::{code_children, for_each_descendant, functions::string_literal, text};

/// The assertion functions a file can call.
#[derive(Debug, Default)]
pub struct Assertions {
    /// Names of functions and methods that assert something about an argument.
    names: Vec<String>,
    /// Names of methods that assert something about their object (`asserts this …`).
    this_names: Vec<String>,
}

impl Assertions {
    /// The assertion functions declared in the file `root`, or imported into it from a
    /// module of the project (resolved from `directory`, the file's directory).
    pub fn of_file(root: Node, source: &str, directory: Option<&Path>) -> Assertions {
        let mut found = Assertions::default();
        let declared_here = memchr::memmem::find(source.as_bytes(), b"asserts").is_some();
        if declared_here {
            found.collect_declarations(root, source);
        }
        let Some(directory) = directory else {
            return found;
        };
        for statement in code_children(root) {
            if statement.kind_name() != "import_statement" {
                continue;
            }
            let Some(specifier) = statement
                .field("source")
                .and_then(|s| string_literal(s, source))
            else {
                continue;
            };
            if !modules::mentions(directory, &specifier, "asserts") {
                continue;
            }
            // Every name the import binds: the module declares an assertion, and which
            // export it is would need its types.
            for_each_descendant(statement, |n| {
                let binds = n.kind_name() == "identifier"
                    && n.parent_node().is_some_and(|p| {
                        matches!(
                            p.kind_name(),
                            "import_clause" | "namespace_import" | "import_specifier"
                        ) && (p.kind_name() != "import_specifier"
                            || p.field("alias").map_or(
                                p.field("name").is_some_and(|name| name.id() == n.id()),
                                |alias| alias.id() == n.id(),
                            ))
                    });
                if binds {
                    found.names.push(text(n, source).to_string());
                    found.this_names.push(text(n, source).to_string());
                }
            });
        }
        found
    }

    fn collect_declarations(&mut self, root: Node, source: &str) {
        for_each_descendant(root, |node| {
            let (name, signature) = match node.kind_name() {
                "function_declaration"
                | "generator_function_declaration"
                | "function_signature"
                | "method_definition"
                | "method_signature"
                | "abstract_method_signature" => (node.field("name"), node.field("return_type")),
                "arrow_function" | "function_expression" => {
                    let name = node.parent_node().and_then(|p| match p.kind_name() {
                        "variable_declarator" => p.field("name"),
                        "pair" | "public_field_definition" | "assignment_expression" => {
                            p.field("key").or(p.field("name")).or(p.field("left"))
                        }
                        _ => None,
                    });
                    (name, node.field("return_type"))
                }
                "variable_declarator" | "public_field_definition" | "property_signature" => {
                    (node.field("name"), node.field("type"))
                }
                _ => return,
            };
            let (Some(name), Some(signature)) = (name, signature) else {
                return;
            };
            let signature = text(signature, source);
            let Some(at) = signature.find("asserts") else {
                return;
            };
            let name = property_name(name, source).to_string();
            if signature[at + "asserts".len()..]
                .trim_start()
                .starts_with("this")
            {
                self.this_names.push(name);
            } else {
                self.names.push(name);
            }
        });
    }

    /// Whether a call of `name` (a function's name, or a method's) may assert something
    /// about its arguments.
    pub fn asserts_arguments(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// Whether a call of the method `name` may assert something about its object.
    pub fn asserts_object(&self, name: &str) -> bool {
        self.this_names.iter().any(|n| n == name)
    }
}

/// `check` of `check`, `"check"`, `this.check`.
fn property_name<'s>(name: Node, source: &'s str) -> &'s str {
    let name = match name.kind_name() {
        "member_expression" => name.field("property").unwrap_or(name),
        _ => name,
    };
    text(name, source).trim_matches(|c| c == '"' || c == '\'')
}
