//! Rule `unawaited-send`.
//!
//! ## What it does
//! Finds `X.send(…)` on an Inngest client whose promise is dropped: a statement
//! `inngest.send(…);` (or `inngest.send(…).catch(…);`) that is not awaited, returned,
//! `void`ed, assigned, passed on or collected into an array or `Promise.all`. A client
//! is the receiver of a `createFunction` call in the same file (`inngest`, `client`,
//! `this.inngest`), a name declared as `new Inngest(…)`, a name imported from a module
//! whose path mentions `inngest` (`import { client } from "@/inngest/client"`), or any
//! name `inngest`. The whole file is checked, not only Inngest handlers: an API route
//! that sends an event drops it the same way.
//!
//! ## Why is this bad?
//! Sending an event is a network request. When its promise is dropped, a failure goes
//! unnoticed (an unhandled rejection at best), and on serverless platforms the function
//! can be frozen or ended before the request is made: the event is silently never sent.
//!
//! ## Example
//! ```ts
//! inngest.send({ name: "shop/order.placed", data: { orderId } });
//! ```
//! Use instead:
//! ```ts
//! await inngest.send({ name: "shop/order.placed", data: { orderId } });
//! ```
//! `return inngest.send(…)` and an explicit `void inngest.send(…)` (fire and forget,
//! on purpose) are accepted. Inside a handler, prefer `step.sendEvent`, which is
//! memoized.
//!
//! ## Fix safety
//! Safe, applied by default (`--write`): the fix adds `await ` before the statement. It
//! is offered only where `await` is legal (the nearest enclosing function is `async`);
//! elsewhere the finding is left for manual review.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use tree_sitter::{Node, Tree};

use super::{await_fix, callee_text, dropped_promise, Diagnostic, Remedy};
use crate::analysis::functions::InngestFunction;
use crate::analysis::{code_children, text, unwrap_expression};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "unawaited-send";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::Safe,
    fix_title: FixTitle::ADD_AWAIT,
    file: file!(),
    files: Files::Functions,
};

/// Report every dropped `send` on an Inngest client in the file.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    let (functions, tree, source) = (file.functions, file.tree, file.source);
    // Candidates are found from the text (each `send` that is a called property), not by
    // visiting every node of the file.
    let candidates = send_calls(tree, source);
    if candidates.is_empty() {
        return;
    }
    let clients = client_names(functions, tree, source);
    for node in candidates {
        if !is_client_send(node, &clients, source) {
            continue;
        }
        let Some(dropped) = dropped_promise(node, source) else {
            continue;
        };
        let remedy = Remedy::from_result(await_fix(node, dropped));
        // Inside an Inngest function, its ID and its suppression comment apply.
        let message = format!(
            "`{}(…)` is not awaited: the event can be lost without an error",
            callee_text(node, source)
        );
        out.push(file.report(node, node.byte_range(), message, remedy));
    }
}

/// `X.send(…)` where `X` is one of `clients`.
fn is_client_send(call: Node, clients: &[String], source: &str) -> bool {
    let Some(function) = call.field("function") else {
        return false;
    };
    if function.kind_name() != "member_expression" {
        return false;
    }
    let is_send = function
        .field("property")
        .is_some_and(|p| text(p, source) == "send");
    let receiver = function
        .field("object")
        .map(|o| text(unwrap_expression(o), source));
    is_send && receiver.is_some_and(|r| clients.iter().any(|c| c == r))
}

/// The calls `X.send(…)` of a file, in source order, found from the text.
fn send_calls<'t>(tree: &'t Tree, source: &str) -> Vec<Node<'t>> {
    let root = tree.root_node();
    memchr::memmem::find_iter(source.as_bytes(), b"send")
        .filter_map(|at| {
            let property = root.descendant_for_byte_range(at, at + 4)?;
            if property.kind_name() != "property_identifier" || text(property, source) != "send" {
                return None;
            }
            let member = property.parent_node()?;
            let call = member.parent_node()?;
            let is_callee = call.kind_name() == "call_expression"
                && call
                    .field("function")
                    .is_some_and(|f| f.id() == member.id());
            is_callee.then_some(call)
        })
        .collect()
}

/// The names under which the file reaches an Inngest client. Clients are module-level:
/// only top-level statements (exported or not) are read.
fn client_names(functions: &[InngestFunction], tree: &Tree, source: &str) -> Vec<String> {
    let mut names = vec!["inngest".to_string()];
    let mut add = |name: &str| {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    };
    for function in functions {
        let receiver = function
            .call
            .field("function")
            .and_then(|f| f.field("object"));
        if let Some(receiver) = receiver {
            add(text(unwrap_expression(receiver), source));
        }
    }
    let top_level = code_children(tree.root_node()).flat_map(|statement| {
        let declaration = (statement.kind_name() == "export_statement")
            .then(|| statement.field("declaration"))
            .flatten();
        let declarators: Vec<Node> = match declaration.unwrap_or(statement) {
            d if matches!(
                d.kind_name(),
                "lexical_declaration" | "variable_declaration"
            ) =>
            {
                code_children(d).collect()
            }
            d => vec![d],
        };
        declarators
    });
    top_level.for_each(|node| match node.kind_name() {
        // `const client = new Inngest({ id: "shop" })`
        "variable_declarator" => {
            let value = node.field("value").map(unwrap_expression);
            let is_client = value.is_some_and(|v| {
                v.kind_name() == "new_expression"
                    && v.field("constructor")
                        .is_some_and(|c| text(c, source) == "Inngest")
            });
            let name = node.field("name");
            if let Some(name) = name.filter(|n| is_client && n.kind_name() == "identifier") {
                add(text(name, source));
            }
        }
        // `import { client } from "@/inngest/client"`, not the SDK's own exports.
        "import_statement" => {
            let from = node
                .field("source")
                .map(|s| text(s, source).trim_matches(|c| c == '"' || c == '\''))
                .unwrap_or("");
            let is_sdk =
                from == "inngest" || from.starts_with("inngest/") || from.starts_with("@inngest/");
            if is_sdk || !from.to_ascii_lowercase().contains("inngest") {
                return;
            }
            let mut imported = Vec::new();
            for clause in code_children(node).filter(|c| c.kind_name() == "import_clause") {
                for part in code_children(clause) {
                    match part.kind_name() {
                        "identifier" => imported.push(part),
                        "named_imports" => {
                            for specifier in code_children(part) {
                                let local =
                                    specifier.field("alias").or_else(|| specifier.field("name"));
                                imported.extend(local);
                            }
                        }
                        _ => {}
                    }
                }
            }
            for name in imported {
                add(text(name, source));
            }
        }
        _ => {}
    });
    names
}
