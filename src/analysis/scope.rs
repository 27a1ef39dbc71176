//! Name resolution, just enough for the rules: which scope between a use and a stop
//! node declares a name. Scopes are blocks, `for` heads, `catch` clauses and
//! functions (parameters, a function expression's own name, hoisted `var`s).
//!
//! Every walk here is iterative: nesting depth comes from the user's file.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use tree_sitter::Node;

use super::{code_children, is_function, text};

/// The innermost node from `from` up to `stop` (both included) whose scope declares
/// `name`, or `None` when the name comes from outside `stop`.
pub fn resolve<'t>(from: Node<'t>, stop: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    ancestors_within(from, stop)
        .into_iter()
        .rev()
        .find(|scope| declares(*scope, name, source))
}

/// `stop`, then each node down to `node` (both included): the ancestors of `node`
/// within `stop`, outermost first. Found by one descent from `stop`, because
/// `Node::parent` searches down from the root on every call, which would make a climb
/// quadratic in the nesting depth. When `node` is not inside `stop` (or the descent
/// cannot tell siblings apart), falls back to climbing to the root.
pub fn ancestors_within<'t>(node: Node<'t>, stop: Node<'t>) -> Vec<Node<'t>> {
    let mut chain = vec![stop];
    let (start, end) = (node.start_byte(), node.end_byte());
    let mut cursor = stop.walk();
    while cursor.node().id() != node.id() {
        if cursor.goto_first_child_for_byte(start).is_none() {
            return climb(node, stop);
        }
        while !(cursor.node().start_byte() <= start && end <= cursor.node().end_byte()) {
            if !cursor.goto_next_sibling() {
                return climb(node, stop);
            }
        }
        chain.push(cursor.node());
    }
    chain
}

/// The slow, always-right version of [`ancestors_within`].
fn climb<'t>(node: Node<'t>, stop: Node<'t>) -> Vec<Node<'t>> {
    let mut chain = vec![node];
    let mut current = node;
    while current.id() != stop.id() {
        match current.parent_node() {
            Some(parent) => {
                chain.push(parent);
                current = parent;
            }
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// Whether `scope` itself declares `name`.
pub fn declares(scope: Node, name: &str, source: &str) -> bool {
    let mut names = Vec::new();
    declared_names(scope, source, &mut names);
    names.iter().any(|n| text(*n, source) == name)
}

/// The identifier nodes a scope node declares directly.
pub fn declared_names<'t>(scope: Node<'t>, source: &str, out: &mut Vec<Node<'t>>) {
    match scope.kind_name() {
        "statement_block" | "program" | "switch_body" | "class_body" => {
            for statement in code_children(scope) {
                if scope.kind_name() == "switch_body" {
                    // One scope for all cases of a switch.
                    for inner in code_children(statement) {
                        statement_declarations(inner, source, out);
                    }
                } else {
                    statement_declarations(statement, source, out);
                }
            }
        }
        "for_statement" => {
            if let Some(init) = scope.field("initializer") {
                statement_declarations(init, source, out);
            }
        }
        "for_in_statement" if scope.field("kind").is_some() => {
            if let Some(left) = scope.field("left") {
                pattern_names(left, out);
            }
        }
        "catch_clause" => {
            if let Some(parameter) = scope.field("parameter") {
                pattern_names(parameter, out);
            }
        }
        _ if is_function(scope) => {
            if scope.kind_name() == "function_expression"
                || scope.kind_name() == "generator_function"
            {
                if let Some(own_name) = scope.field("name") {
                    out.push(own_name);
                }
            }
            parameter_names(scope, out);
            // An expression body cannot declare a `var` outside nested functions. A body
            // whose text has no `var` keyword has none either: the walk of the whole body
            // is skipped (it would be one walk per enclosing function).
            if let Some(body) = scope
                .field("body")
                .filter(|b| b.kind_name() == "statement_block")
            {
                if super::keyword_nodes(body, source, "var").next().is_some() {
                    hoisted_vars(body, out);
                }
            }
        }
        _ => {}
    }
}

/// Names a statement declares in the block that holds it.
fn statement_declarations<'t>(statement: Node<'t>, _source: &str, out: &mut Vec<Node<'t>>) {
    match statement.kind_name() {
        "lexical_declaration" | "variable_declaration" => {
            for declarator in code_children(statement) {
                if let Some(name) = declarator.field("name") {
                    pattern_names(name, out);
                }
            }
        }
        "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "abstract_class_declaration"
        | "enum_declaration" => {
            if let Some(name) = statement.field("name") {
                out.push(name);
            }
        }
        "export_statement" => {
            if let Some(declaration) = statement.field("declaration") {
                statement_declarations(declaration, _source, out);
            }
        }
        _ => {}
    }
}

/// `var` declarations anywhere in a function body (outside nested functions): they
/// belong to the function's scope.
fn hoisted_vars<'t>(body: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut cursor = body.walk();
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        let node = cursor.node();
        let mut descend = !is_function(node);
        if node.kind_name() == "variable_declaration" {
            for declarator in code_children(node) {
                if let Some(name) = declarator.field("name") {
                    pattern_names(name, out);
                }
            }
            descend = false;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() || cursor.node().id() == body.id() {
                return;
            }
        }
    }
}

/// The identifiers a function's parameters bind (`x => …`, `({ a }, [b], c = 1) => …`).
pub fn parameter_names<'t>(function: Node<'t>, out: &mut Vec<Node<'t>>) {
    if let Some(single) = function.field("parameter") {
        pattern_names(single, out);
    }
    if let Some(parameters) = function.field("parameters") {
        for parameter in code_children(parameters) {
            pattern_names(parameter, out);
        }
    }
}

/// Whether `name` is the target of an assignment or update anywhere in `scope`, by
/// name (the syntactic check, for code that has no [`super::symbols::Symbols`] at hand;
/// `Symbols::is_written` resolves by scope).
pub fn is_assigned(scope: Node, name: &str, source: &str) -> bool {
    super::any_descendant(scope, |node| match node.kind_name() {
        "assignment_expression" | "augmented_assignment_expression" => node
            .field("left")
            .is_some_and(|l| l.kind_name() == "identifier" && text(l, source) == name),
        "update_expression" => node
            .field("argument")
            .is_some_and(|a| a.kind_name() == "identifier" && text(a, source) == name),
        _ => false,
    })
}

/// The identifiers a binding pattern binds: `x`, `{ a, b: c, d = 1, ...e }`, `[f, , g]`,
/// parameters with types and defaults.
pub fn pattern_names<'t>(pattern: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut stack = vec![pattern];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "identifier" | "shorthand_property_identifier_pattern" => out.push(node),
            "required_parameter" | "optional_parameter" => {
                if let Some(p) = node.field("pattern") {
                    stack.push(p);
                }
            }
            "pair_pattern" => {
                if let Some(v) = node.field("value") {
                    stack.push(v);
                }
            }
            "assignment_pattern" | "object_assignment_pattern" => {
                if let Some(l) = node.field("left") {
                    stack.push(l);
                }
            }
            "object_pattern" | "array_pattern" | "rest_pattern" => {
                stack.extend(code_children(node));
            }
            _ => {}
        }
    }
}
