//! Migration rules: the changes from version 3 to version 4 of the Inngest TypeScript
//! SDK (`inngest` on npm), one rule a file. They are opt-in: no default run and no
//! `ALL` selects them, only their own names or the preset `v4` (`--select v4`), so
//! nobody's v3 code is flagged unasked. docs/migrating-to-v4.md says what each
//! rewrites and what it leaves for a person.
//!
//! Each rule declares itself `group: Group::Migration` (that puts it in the preset) and
//! is listed in [`crate::rules::registry`], which runs it with a
//! [`crate::rules::FileContext`].
//!
//! Owns: the small syntax helpers the migration rules share (object properties, imports
//! from `inngest`, the `serve(…)` calls). Each rule keeps its
//! rewrite in a pure function from syntax nodes to [`crate::fix::Edit`]s.

pub mod packages;
pub mod v4_create_function;
pub mod v4_dependencies;
pub mod v4_event_schemas;
pub mod v4_middleware;
pub mod v4_middleware_package;
pub mod v4_non_npm_sdk;
pub mod v4_promise_race;
pub mod v4_removed_import;
pub mod v4_serve_options;
pub mod v4_serve_origin;
pub mod v4_serve_streaming;
pub mod v4_step_invoke_string;

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;

use tree_sitter::{Node, Tree};

use super::{Diagnostic, Remedy};
use crate::analysis::{code_children, text};
use crate::rule::{Group, Rule};
use crate::rules::FileContext;
use crate::settings::RuleSet;

/// Run the migration rules that read a `package.json` (only `v4-dependencies`, which
/// the registry lists as run elsewhere: here).
pub fn check_manifest(tree: &Tree, source: &str, rules: RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if rules.enabled(&v4_dependencies::RULE) {
        v4_dependencies::check(tree, source, &mut out);
    }
    out
}

/// Whether the migration rule `rule` is kept from running on `file`: a file whose
/// `inngest` is a 3.x from a URL or an import map is not reached by the bump of the npm
/// package, and the v4 rewrites would break it, so only `v4-non-npm-sdk` reports it; so
/// is a file without an `inngest` import that such a file imports (its functions run on
/// the client handed to them).
pub fn blocked(file: &FileContext, rule: &Rule) -> bool {
    rule.group == Group::Migration
        && rule.name != v4_non_npm_sdk::NAME
        && (!file.pinned_v3_sdks().is_empty() || file.pinned_importer().is_some())
}

/// The names a file imports from the `inngest` package (`inngest`, `inngest/next`,
/// `inngest/express`…), with `import` or `require`.
#[derive(Debug, Default)]
pub struct InngestImports {
    /// `(local name, imported name)` of each named import.
    pub names: Vec<(String, String)>,
    /// The file imports something from the package.
    pub any: bool,
}

impl InngestImports {
    /// Read the top-level imports of a file.
    pub fn of(tree: &Tree, source: &str) -> InngestImports {
        let mut imports = InngestImports::default();
        for statement in code_children(tree.root_node()) {
            if statement.kind_name() != "import_statement" {
                continue;
            }
            let Some(module) = statement.field("source") else {
                continue;
            };
            if !is_inngest_module(text(module, source)) {
                continue;
            }
            imports.any = true;
            let mut stack = vec![statement];
            while let Some(node) = stack.pop() {
                if node.kind_name() == "import_specifier" {
                    let name = node.field("name").map(|n| text(n, source));
                    let alias = node.field("alias").map(|n| text(n, source));
                    if let Some(name) = name {
                        let local = alias.unwrap_or(name);
                        imports.names.push((local.to_string(), name.to_string()));
                    }
                } else {
                    stack.extend(code_children(node));
                }
            }
        }
        if !imports.any {
            imports.any =
                source.contains("require(\"inngest") || source.contains("require('inngest");
        }
        imports
    }

    /// The local names under which `imported` is imported.
    pub fn local_names<'a>(&'a self, imported: &'a str) -> impl Iterator<Item = &'a str> {
        self.names
            .iter()
            .filter(move |(_, name)| name == imported)
            .map(|(local, _)| local.as_str())
    }
}

/// One `import … from "module"` or `export … from "module"` of a file.
pub struct ModuleImport<'t> {
    /// The statement.
    pub statement: Node<'t>,
    /// The module's string literal, quotes included.
    pub source: Node<'t>,
    /// The module specifier, without quotes.
    pub module: String,
}

/// Every top-level import and re-export of a file that names a module.
pub fn module_imports<'t>(tree: &'t Tree, source: &str) -> Vec<ModuleImport<'t>> {
    code_children(tree.root_node())
        .filter(|s| matches!(s.kind_name(), "import_statement" | "export_statement"))
        .filter_map(|statement| {
            let literal = statement.field("source")?;
            let module = crate::analysis::functions::string_literal(literal, source)?;
            Some(ModuleImport {
                statement,
                source: literal,
                module,
            })
        })
        .collect()
}

/// The `import_specifier`s (and `export_specifier`s) of an import statement, with the
/// name each imports.
pub fn specifiers<'t>(statement: Node<'t>, source: &str) -> Vec<(Node<'t>, String)> {
    let mut found = Vec::new();
    let mut stack = vec![statement];
    while let Some(node) = stack.pop() {
        if matches!(node.kind_name(), "import_specifier" | "export_specifier") {
            if let Some(name) = node.field("name") {
                found.push((node, text(name, source).to_string()));
            }
        } else {
            stack.extend(code_children(node));
        }
    }
    found.sort_by_key(|(node, _)| node.start_byte());
    found
}

/// `"inngest"`, `'inngest/next'`… with its quotes.
fn is_inngest_module(quoted: &str) -> bool {
    let module = quoted.trim_matches(|c| c == '"' || c == '\'' || c == '`');
    module == "inngest" || module.starts_with("inngest/")
}

/// The `pair` node `key: value` of an object literal (keys quoted or not).
pub fn pair<'t>(object: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    code_children(object).find(|member| {
        member.kind_name() == "pair"
            && member
                .field("key")
                .is_some_and(|k| text(k, source).trim_matches(|c| c == '"' || c == '\'') == key)
    })
}

/// Whether an object literal has a member named `key` (`key: v`, shorthand `key`,
/// or a method `key() {}`).
pub fn has_member(object: Node, key: &str, source: &str) -> bool {
    code_children(object).any(|member| match member.kind_name() {
        "pair" => member
            .field("key")
            .is_some_and(|k| text(k, source).trim_matches(|c| c == '"' || c == '\'') == key),
        "shorthand_property_identifier" => text(member, source) == key,
        "method_definition" => member.field("name").is_some_and(|n| text(n, source) == key),
        _ => false,
    })
}

/// Every call of `serve(…)` or `createServer(…)` imported from an `inngest` module,
/// with an object literal as its options.
pub fn serve_calls<'t>(tree: &'t Tree, source: &str, imports: &InngestImports) -> Vec<Node<'t>> {
    let mut names: Vec<&str> = imports.local_names("serve").collect();
    names.extend(imports.local_names("createServer"));
    if names.is_empty() {
        return Vec::new();
    }
    let mut calls = Vec::new();
    crate::analysis::for_each_descendant(tree.root_node(), |node| {
        if node.kind_name() != "call_expression" {
            return;
        }
        let callee = node.field("function");
        if callee.is_some_and(|c| c.kind_name() == "identifier" && names.contains(&text(c, source)))
        {
            calls.push(node);
        }
    });
    calls
}

/// The first argument of a call, when it is an object literal.
pub fn options_object(call: Node) -> Option<Node> {
    let arguments = call.field("arguments")?;
    let first = code_children(arguments).next()?;
    let first = crate::analysis::unwrap_expression(first);
    (first.kind_name() == "object").then_some(first)
}

/// A diagnostic of a migration rule at `node`, without a fix.
pub fn manual(rule: &'static str, node: Node, message: String, reason: String) -> Diagnostic {
    Diagnostic {
        rule,
        range: node.byte_range(),
        message,
        function_id: None,
        function_start: super::function_statement_start(node),
        remedy: Remedy::Manual(reason),
        related: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rule::{Group, Rule, MIGRATION_PRESET as PRESET};
    use crate::rules::registry;
    use crate::rules::{nested_step, unsafe_trailing_return};
    use crate::settings::Settings;

    fn select(names: &[&str], ignore: &[&str]) -> Settings {
        Settings {
            select: Some(names.iter().map(|n| n.to_string()).collect()),
            ignore: ignore.iter().map(|n| n.to_string()).collect(),
            ..Settings::default()
        }
    }

    fn migration() -> Vec<&'static Rule> {
        registry::rules()
            .filter(|rule| rule.group == Group::Migration)
            .collect()
    }

    #[test]
    fn migration_rules_are_opt_in() {
        let rules = migration();
        assert!(rules.len() >= 12, "{}", rules.len());
        let (create, race) = (
            &super::v4_create_function::RULE,
            &super::v4_promise_race::RULE,
        );
        let default = Settings::default();
        assert!(default.rule_enabled(&unsafe_trailing_return::RULE));
        assert!(rules.iter().all(|rule| !default.rule_enabled(rule)));
        let all = select(&["ALL"], &[]);
        assert!(rules.iter().all(|rule| !all.rule_enabled(rule)));
        let preset = select(&[PRESET], &[]);
        assert!(rules.iter().all(|rule| preset.rule_enabled(rule)));
        assert!(!preset.rule_enabled(&unsafe_trailing_return::RULE));
        let one = select(&[create.name], &[]);
        assert!(one.rule_enabled(create));
        assert!(!one.rule_enabled(race));
        let without = select(&[PRESET], &[race.name]);
        assert!(without.rule_enabled(create));
        assert!(!without.rule_enabled(race));
        let none = select(&["ALL"], &[PRESET]);
        assert!(none.rule_enabled(&nested_step::RULE));
        assert!(rules.iter().all(|rule| !none.rule_enabled(rule)));
    }

    #[test]
    fn the_migration_rules_are_named_for_v4() {
        for rule in migration() {
            assert!(rule.name.starts_with("v4-"), "{}", rule.name);
        }
    }
}
