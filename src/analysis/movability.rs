//! Facts that decide whether a return expression can move into a closure run by a step
//! (the finalize step of `unsafe-trailing-return`), besides reaching a step
//! ([`super::semantic`]): the error path around the return, the narrowing TypeScript
//! applied to it, variables whose type TypeScript builds from later assignments, and
//! whether the handler's return type is fixed from outside.
//!
//! Owns: those facts. Does not own: what to make of them (the rule's manual reasons).
//! Every question is answered conservatively: "cannot throw" and "keeps its narrowing"
//! are said only when shown.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use tree_sitter::Node;

use super::assertions::Assertions;
use super::scope::ancestors_within;
use super::semantic::{Origin, SemanticModel};
use super::symbols::{Access, Symbols};
use super::{code_children, contains, for_each_descendant, is_function, text, unwrap_expression};

/// How a name is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclarationKind {
    Const,
    Let,
    Var,
    Parameter,
    Function,
    Class,
    Catch,
    Import,
    Other,
}

/// How the identifier `name` (a declared name) is declared, and its declarator when it
/// is a variable.
pub fn declaration_kind(name: Node) -> (DeclarationKind, Option<Node>) {
    let mut node = name;
    while let Some(parent) = node.parent_node() {
        match parent.kind_name() {
            "object_pattern"
            | "array_pattern"
            | "pair_pattern"
            | "rest_pattern"
            | "assignment_pattern"
            | "object_assignment_pattern"
            | "shorthand_property_identifier_pattern" => node = parent,
            "variable_declarator" => {
                let kind = match parent.parent_node() {
                    Some(d) if d.kind_name() == "lexical_declaration" => {
                        if d.child(0).is_some_and(|k| k.kind_name() == "const") {
                            DeclarationKind::Const
                        } else {
                            DeclarationKind::Let
                        }
                    }
                    Some(d) if d.kind_name() == "variable_declaration" => DeclarationKind::Var,
                    _ => DeclarationKind::Other,
                };
                return (kind, Some(parent));
            }
            "required_parameter" | "optional_parameter" | "formal_parameters" => {
                return (DeclarationKind::Parameter, None)
            }
            "arrow_function" => return (DeclarationKind::Parameter, None),
            "function_declaration" | "generator_function_declaration" | "function_expression" => {
                return (DeclarationKind::Function, None)
            }
            "class_declaration" | "abstract_class_declaration" => {
                return (DeclarationKind::Class, None)
            }
            "catch_clause" => return (DeclarationKind::Catch, None),
            "for_in_statement" => {
                let is_const = parent
                    .field("kind")
                    .is_some_and(|k| k.kind_name() == "const");
                let kind = if is_const {
                    DeclarationKind::Const
                } else {
                    DeclarationKind::Let
                };
                return (kind, None);
            }
            "import_specifier" | "import_clause" | "namespace_import" => {
                return (DeclarationKind::Import, None)
            }
            _ => return (DeclarationKind::Other, None),
        }
    }
    (DeclarationKind::Other, None)
}

/// Whether `statement` sits in a `try` block that has a `catch` (within `body`): an
/// error thrown there is handled by the handler's own code.
pub fn in_try_with_catch<'t>(statement: Node<'t>, body: Node<'t>) -> Option<Node<'t>> {
    let chain = ancestors_within(statement, body);
    chain.windows(2).rev().find_map(|pair| {
        let (parent, child) = (pair[0], pair[1]);
        let in_block = parent.kind_name() == "try_statement"
            && parent.field("body").is_some_and(|b| b.id() == child.id());
        (in_block && parent.field("handler").is_some()).then_some(parent)
    })
}

/// The number of `catch` and `finally` blocks around `statement` within `body`: fixes in
/// different such regions can both run in one execution (a `try` block's and its
/// `catch` block's), so they need different step IDs.
pub fn error_region(statement: Node, body: Node) -> usize {
    ancestors_within(statement, body)
        .iter()
        .filter(|n| matches!(n.kind_name(), "catch_clause" | "finally_clause"))
        .count()
}

/// Whether evaluating `expression` (at the return `at`) cannot throw: literals, names
/// initialised before `at`, object and array literals and functions built of those,
/// `!`/`typeof`/`void`, `===`/`!==`/`&&`/`||`/`??` and `?:` of those. Anything else
/// (a call, a property read: `null.x` throws, and a getter may; a template with
/// substitutions: a `Symbol` or a throwing `toString`; a spread; arithmetic) may throw.
pub fn cannot_throw<'t>(
    expression: Node<'t>,
    at: Node<'t>,
    model: &SemanticModel<'_, 't>,
    source: &str,
) -> bool {
    let mut stack = vec![expression];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "comment" | "number" | "true" | "false" | "null" | "undefined" | "regex" | "string" => {
            }
            "template_string" => {
                if code_children(node).any(|c| c.kind_name() == "template_substitution") {
                    return false;
                }
            }
            "identifier" | "shorthand_property_identifier" => {
                if !initialised(node, at, model, source) {
                    return false;
                }
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => match node.named_child(0) {
                Some(inner) => stack.push(inner),
                None => return false,
            },
            "object" => {
                for member in code_children(node) {
                    match member.kind_name() {
                        "pair" => {
                            let key = member.field("key");
                            if let Some(key) =
                                key.filter(|k| k.kind_name() == "computed_property_name")
                            {
                                stack.extend(code_children(key));
                            }
                            match member.field("value") {
                                Some(value) => stack.push(value),
                                None => return false,
                            }
                        }
                        "shorthand_property_identifier" => stack.push(member),
                        "method_definition" => {}
                        _ => return false,
                    }
                }
            }
            "array" => {
                for element in code_children(node) {
                    if element.kind_name() == "spread_element" {
                        return false;
                    }
                    stack.push(element);
                }
            }
            "arrow_function" | "function_expression" => {}
            "ternary_expression" => stack.extend(code_children(node)),
            "binary_expression" => {
                let operator = node.field("operator").map(|o| text(o, source));
                if !matches!(operator, Some("===" | "!==" | "&&" | "||" | "??")) {
                    return false;
                }
                stack.extend(node.field("left"));
                stack.extend(node.field("right"));
            }
            "unary_expression" => {
                let operator = node.field("operator").map(|o| text(o, source));
                if !matches!(operator, Some("!" | "typeof" | "void")) {
                    return false;
                }
                stack.extend(node.field("argument"));
            }
            _ => return false,
        }
    }
    true
}

/// Whether reading the name `node` at `at` cannot throw: declared and initialised
/// before (no temporal dead zone), or a global that always exists.
fn initialised<'t>(
    node: Node<'t>,
    at: Node<'t>,
    model: &SemanticModel<'_, 't>,
    source: &str,
) -> bool {
    match model.origin(node) {
        Origin::Imported(_) => true,
        Origin::Global => matches!(
            text(node, source),
            "undefined" | "NaN" | "Infinity" | "globalThis"
        ),
        Origin::Declared(_) => {
            let Some(declaration) = model.declaration(node) else {
                return false;
            };
            match declaration_kind(declaration).0 {
                DeclarationKind::Parameter
                | DeclarationKind::Function
                | DeclarationKind::Catch
                | DeclarationKind::Import
                | DeclarationKind::Var => true,
                _ => declaration.end_byte() <= at.start_byte(),
            }
        }
    }
}

/// The conditions whose narrowing applies at `statement` (within the handler `body`):
/// enclosing `if`/`while`/`for` conditions and `switch` discriminants, and earlier
/// guards in enclosing blocks (an `if` with a branch that leaves, a `switch` with a
/// clause that leaves, a call of an assertion function: one of `assertions`, or named
/// like one, such as `assert(x)` or `assertNever(x)`).
pub fn narrowing_conditions<'t>(
    statement: Node<'t>,
    body: Node<'t>,
    source: &str,
    assertions: &Assertions,
) -> Vec<Node<'t>> {
    let chain = ancestors_within(statement, body);
    let mut found = Vec::new();
    for pair in chain.windows(2) {
        let (parent, child) = (pair[0], pair[1]);
        match parent.kind_name() {
            "if_statement" => {
                let condition = parent.field("condition");
                if condition.is_some_and(|c| c.id() != child.id()) {
                    found.extend(condition);
                }
            }
            "while_statement" | "for_statement" | "do_statement" => {
                found.extend(parent.field("condition"));
            }
            "switch_body" => {
                found.extend(parent.parent_node().and_then(|s| s.field("value")));
                // `switch (true) { case x instanceof Y: … }`
                found.extend(child.field("value"));
            }
            "statement_block" | "switch_case" | "switch_default" => {
                for earlier in code_children(parent) {
                    if earlier.id() == child.id() {
                        break;
                    }
                    guard_conditions(earlier, source, assertions, &mut found);
                }
            }
            _ => {}
        }
    }
    found
}

/// The conditions an earlier statement leaves narrowed after it.
fn guard_conditions<'t>(
    statement: Node<'t>,
    source: &str,
    assertions: &Assertions,
    out: &mut Vec<Node<'t>>,
) {
    match statement.kind_name() {
        "if_statement" if leaves(statement) => {
            out.extend(statement.field("condition"));
        }
        "switch_statement" if leaves(statement) => {
            out.extend(statement.field("value"));
        }
        "expression_statement" => {
            let Some(mut call) = statement.named_child(0).map(unwrap_expression) else {
                return;
            };
            if call.kind_name() == "await_expression" {
                match call.named_child(0) {
                    Some(inner) => call = unwrap_expression(inner),
                    None => return,
                }
            }
            if call.kind_name() != "call_expression" {
                return;
            }
            let Some(function) = call.field("function") else {
                return;
            };
            let declared_name = match function.kind_name() {
                "member_expression" => function.field("property").map(|p| text(p, source)),
                _ => Some(text(function, source)),
            }
            .unwrap_or("");
            let name = declared_name.to_ascii_lowercase();
            const ASSERTION_WORDS: [&str; 6] =
                ["assert", "invariant", "ensure", "expect", "must", "guard"];
            if ASSERTION_WORDS.iter().any(|w| name.contains(w))
                || assertions.asserts_arguments(declared_name)
            {
                out.extend(call.field("arguments"));
            }
            // `holder.envelope.isPaid()` with `isPaid(): asserts this is …`.
            if function.kind_name() == "member_expression"
                && assertions.asserts_object(declared_name)
            {
                out.extend(function.field("object"));
            }
        }
        _ => {}
    }
}

/// Whether a statement has a path that leaves it by `return`, `throw`, `break` or
/// `continue` (not counting nested functions).
fn leaves(statement: Node) -> bool {
    let mut found = false;
    let mut stack = vec![statement];
    while let Some(node) = stack.pop() {
        if found {
            break;
        }
        if node.id() != statement.id() && is_function(node) {
            continue;
        }
        if matches!(
            node.kind_name(),
            "return_statement" | "throw_statement" | "break_statement" | "continue_statement"
        ) {
            found = true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// Why `expression` relies on narrowing the new closure loses, if it does.
///
/// TypeScript (5.4 and later) keeps, inside a closure created after the narrowing, the
/// narrowing of a name that is a `const`, or a `let` or parameter never assigned again;
/// it never keeps the narrowing of a property path (`cfg.webhook`, or `event.data`
/// narrowed through its discriminant `event.data.kind`). Narrowed here: the references a
/// condition tests (truthiness, `===`/`!==`/`==`/`!=`, `typeof`, `instanceof`, `in`,
/// arguments of a type guard call, a `switch` discriminant and its case values), and the
/// object a tested property belongs to. The expression relies on a lost narrowing when
/// it uses such a path where the type matters: reads a property of it, calls it, hands
/// it to a call, does arithmetic with it. Holding it in an object literal does not.
pub fn lost_narrowing<'t>(
    expression: Node<'t>,
    conditions: &[Node<'t>],
    model: &SemanticModel<'_, 't>,
    root: Node<'t>,
    source: &str,
) -> Option<String> {
    if conditions.is_empty() {
        return None;
    }
    // (reference, line, the property tested on it when it is narrowed as the object
    // of a discriminant: reading that property itself is fine on the whole union)
    let mut narrowed: Vec<(Node<'t>, usize, Option<&str>)> = Vec::new();
    for condition in conditions {
        let line = condition.start_position().row + 1;
        for operand in narrowing_operands(*condition, source) {
            narrowed.push((operand, line, None));
            // `x.kind === "a"` narrows `x` too (a discriminated union).
            if operand.kind_name() == "member_expression" {
                let property = operand.field("property").map(|p| text(p, source));
                if let Some(object) = operand.field("object").map(strip) {
                    if is_reference(object) {
                        narrowed.push((object, line, property));
                    }
                }
            }
        }
    }
    let mut why = None;
    for_each_descendant(expression, |n| {
        if why.is_some() || !is_reference(n) || !used_where_type_matters(n, source) {
            return;
        }
        let own = path_text(n, source);
        let read_property = n
            .parent_node()
            .filter(|p| p.kind_name() == "member_expression")
            .and_then(|p| p.field("property"))
            .map(|p| text(p, source));
        for (reference, line, tested) in &narrowed {
            if path_text(*reference, source) != own
                || (tested.is_some() && *tested == read_property)
            {
                continue;
            }
            if reference.kind_name() == "identifier" {
                if model.origin(*reference) != model.origin(n) || keeps_narrowing(n, model, root) {
                    continue;
                }
                why = Some(format!(
                    "`{own}` is narrowed by the condition on line {line} and assigned elsewhere: \
                     the new closure sees its declared type"
                ));
            } else {
                why = Some(format!(
                    "`{own}` is narrowed by the condition on line {line}, and TypeScript does not \
                     keep a property's narrowing inside the new closure"
                ));
            }
            return;
        }
    });
    why
}

/// Parentheses, `!`, `as` around a reference do not change what it names.
fn strip(node: Node) -> Node {
    let mut node = node;
    while matches!(
        node.kind_name(),
        "parenthesized_expression" | "non_null_expression"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

fn is_reference(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "identifier"
            | "member_expression"
            | "subscript_expression"
            | "shorthand_property_identifier"
    )
}

/// The references a condition narrows.
fn narrowing_operands<'t>(condition: Node<'t>, source: &str) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    let mut stack = vec![condition];
    while let Some(node) = stack.pop() {
        let node = strip(node);
        match node.kind_name() {
            "identifier" | "member_expression" | "subscript_expression" => found.push(node),
            "unary_expression" => {
                let operator = node.field("operator").map(|o| text(o, source));
                if matches!(operator, Some("!" | "typeof")) {
                    stack.extend(node.field("argument"));
                }
            }
            "binary_expression" => {
                let operator = node.field("operator").map(|o| text(o, source));
                let left = node.field("left");
                let right = node.field("right");
                match operator {
                    Some("&&" | "||" | "??" | "===" | "!==" | "==" | "!=") => {
                        stack.extend(left);
                        stack.extend(right);
                    }
                    Some("instanceof") => stack.extend(left),
                    Some("in") => stack.extend(right),
                    _ => {}
                }
            }
            "call_expression" => {
                if let Some(arguments) = node.field("arguments") {
                    stack.extend(code_children(arguments));
                }
            }
            "assignment_expression" => stack.extend(node.field("left")),
            "ternary_expression" | "sequence_expression" | "arguments" => {
                stack.extend(code_children(node))
            }
            _ => {}
        }
    }
    found
}

/// Whether the reference `node` is used where its narrowed type matters: as the object
/// of a property read, as a callee, as an argument, in arithmetic or comparison.
fn used_where_type_matters(node: Node, source: &str) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent_node() {
        match parent.kind_name() {
            "parenthesized_expression" => child = parent,
            // `x!` and `x as T` assert the type themselves.
            "non_null_expression" | "as_expression" | "satisfies_expression" => return false,
            "member_expression" | "subscript_expression" => {
                return parent.field("object").is_some_and(|o| o.id() == child.id());
            }
            "call_expression" | "new_expression" | "arguments" => return true,
            "binary_expression" => {
                let operator = parent.field("operator").map(|o| text(o, source));
                return !matches!(
                    operator,
                    Some("===" | "!==" | "==" | "!=" | "&&" | "||" | "??")
                );
            }
            "unary_expression" => {
                let operator = parent.field("operator").map(|o| text(o, source));
                return !matches!(operator, Some("!" | "typeof" | "void"));
            }
            "spread_element" => {
                return parent
                    .parent_node()
                    .is_none_or(|p| p.kind_name() != "object");
            }
            "for_in_statement" | "augmented_assignment_expression" | "update_expression" => {
                return true
            }
            _ => return false,
        }
    }
    false
}

/// Whether a name keeps its narrowing in a closure created later: a `const`, an import,
/// a function or class, or a `let`/parameter the file never assigns again.
fn keeps_narrowing<'t>(name: Node<'t>, model: &SemanticModel<'_, 't>, root: Node<'t>) -> bool {
    let Some(declaration) = model.declaration(name) else {
        // An import keeps it; a global may be assigned anywhere.
        return matches!(model.origin(name), Origin::Imported(_));
    };
    match declaration_kind(declaration).0 {
        DeclarationKind::Const
        | DeclarationKind::Import
        | DeclarationKind::Function
        | DeclarationKind::Class => true,
        _ => first_write(name, model, root).is_none(),
    }
}

/// The first write (assignment, update, destructuring, `for … of` head) of the binding
/// `name` names, within `within`: resolved by scope, from the model's references.
fn first_write<'t>(
    name: Node<'t>,
    model: &SemanticModel<'_, 't>,
    within: Node<'t>,
) -> Option<Node<'t>> {
    let symbols = model.symbols();
    let symbol = symbols.symbol(name)?;
    symbols
        .references(symbol)
        .iter()
        .find(|r| r.access.writes() && contains(within, r.node))
        .map(|r| r.node)
}

/// Whether the `let` that `read` names (declared by `declarator`, without a type) has,
/// inside a closure created at `expression`, the type it evolved to: every assignment
/// to it is in the handler's own code (not a nested function) and ends before
/// `expression` (an assignment in a loop that does not hold the declaration counts as
/// ending with the loop, which may run it again); and, for a `let x;` without an
/// initialiser (`uninitialised`), an assignment statement before `expression` in a
/// block around it assigns it on every path. Measured with `tsc --strict` 5.9.
fn let_keeps_evolved_type<'t>(
    read: Node<'t>,
    declarator: Node<'t>,
    uninitialised: bool,
    expression: Node<'t>,
    handler: Node<'t>,
    model: &SemanticModel<'_, 't>,
    source: &str,
) -> bool {
    let name = text(read, source);
    let origin = model.origin(read);
    let at = expression.start_byte();
    let mut every_path = !uninitialised;
    let mut keeps = true;
    for_each_descendant(handler, |n| {
        if !keeps {
            return;
        }
        let target = match n.kind_name() {
            "assignment_expression" | "augmented_assignment_expression" => n.field("left"),
            "update_expression" => n.field("argument"),
            "for_in_statement" if n.field("kind").is_none() => n.field("left"),
            _ => None,
        };
        let Some(target) = target.map(unwrap_expression) else {
            return;
        };
        let mut names = Vec::new();
        if target.kind_name() == "identifier" {
            names.push(target);
        } else if matches!(target.kind_name(), "object_pattern" | "array_pattern") {
            super::scope::pattern_names(target, &mut names);
        }
        if !names
            .iter()
            .any(|t| text(*t, source) == name && model.origin(*t) == origin)
        {
            return;
        }
        if super::enclosing_function(n).map(|f| f.id()) != Some(handler.id()) {
            keeps = false;
            return;
        }
        let mut end = n.end_byte();
        for ancestor in ancestors_within(n, handler) {
            let is_loop = matches!(
                ancestor.kind_name(),
                "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
            );
            if is_loop && !contains(ancestor, declarator) {
                end = end.max(ancestor.end_byte());
            }
        }
        if end > at {
            keeps = false;
            return;
        }
        // `x = …;` as a statement of a block that holds the closure: on every path.
        let statement = n.parent_node().filter(|p| {
            p.kind_name() == "expression_statement" && n.kind_name() == "assignment_expression"
        });
        every_path |= statement
            .and_then(|s| s.parent_node())
            .is_some_and(|block| {
                matches!(block.kind_name(), "statement_block") && contains(block, expression)
            });
    });
    keeps && every_path
}

/// A member path as text without spaces and optional chaining: `a?.b .c` is `a.b.c`.
fn path_text(node: Node, source: &str) -> String {
    text(node, source)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace("?.", ".")
        .replace("!.", ".")
}

/// Why reading the name `read` (declared in the handler) inside a new closure does not
/// type-check the way it did, if it does not: its type evolves with later assignments
/// (`let x;`, `const xs = []`, `let y = null` without a type: implicitly `any` in a
/// closure under `--strict`), or it is a `let`/`var`/parameter assigned after its
/// declaration whose type may be a union the assignment narrowed, used where the type
/// matters (`x.id`, not `{ x }`).
pub fn evolving_or_reassigned<'t>(
    read: Node<'t>,
    expression: Node<'t>,
    handler: Node<'t>,
    model: &SemanticModel<'_, 't>,
    source: &str,
) -> Option<String> {
    let declaration = model.declaration(read)?;
    let name = text(read, source);
    let (kind, declarator) = declaration_kind(declaration);
    if let Some(declarator) = declarator {
        let typed = declarator.field("type").is_some();
        let value = declarator.field("value").map(unwrap_expression);
        let simple_name = declarator
            .field("name")
            .is_some_and(|n| n.kind_name() == "identifier");
        let evolving = !typed
            && simple_name
            && match value {
                None => kind != DeclarationKind::Const,
                Some(v) => {
                    (v.kind_name() == "array" && code_children(v).next().is_none())
                        || (kind != DeclarationKind::Const
                            && (v.kind_name() == "null"
                                || v.kind_name() == "undefined"
                                || (v.kind_name() == "identifier"
                                    && text(v, source) == "undefined")))
                }
            };
        // A `let` keeps, in a closure created after its last assignment, the type it
        // evolved to (TypeScript 5.4 and later); a `let x;` must be assigned on every path.
        let keeps = evolving
            && kind == DeclarationKind::Let
            && let_keeps_evolved_type(
                read,
                declarator,
                value.is_none(),
                expression,
                handler,
                model,
                source,
            );
        if evolving && !keeps {
            return Some(format!(
                "TypeScript builds the type of `{name}` from later assignments, which a new \
                 closure does not see (implicitly `any` there under `--strict`)"
            ));
        }
    }
    if !matches!(
        kind,
        DeclarationKind::Let
            | DeclarationKind::Var
            | DeclarationKind::Parameter
            | DeclarationKind::Catch
    ) {
        return None;
    }
    // A primitive literal initialiser, or an `as T` cast to a type that is not a union,
    // gives a declared type that no assignment narrows.
    let value = declarator.and_then(|d| d.field("value"));
    let untyped = declarator.is_some_and(|d| d.field("type").is_none());
    let primitive = untyped
        && value.is_some_and(|v| {
            let cast_to_single = v.kind_name() == "as_expression"
                && v.named_child(1).is_some_and(|t| {
                    let t = text(t, source);
                    !t.contains(['|', '?', '&']) && !matches!(t.trim(), "any" | "unknown")
                });
            let v = unwrap_expression(v);
            cast_to_single
                || matches!(
                    v.kind_name(),
                    "number" | "string" | "true" | "false" | "template_string"
                )
        });
    if primitive {
        return None;
    }
    let origin = model.origin(read);
    // Only a use where the type matters can fail to type-check.
    let mut matters = false;
    for_each_descendant(expression, |n| {
        matters |= matches!(
            n.kind_name(),
            "identifier" | "shorthand_property_identifier"
        ) && text(n, source) == name
            && model.origin(n) == origin
            && used_where_type_matters(n, source);
    });
    if !matters {
        return None;
    }
    let assigned = first_write(read, model, handler).map(|n| n.start_position().row + 1);
    assigned.map(|line| {
        format!(
            "`{name}` is assigned on line {line}: TypeScript narrows it by that assignment, which \
             the new closure does not see"
        )
    })
}

/// Why the handler's return type is fixed from outside, if it is: a declared return
/// type, a type annotation, `as` or `satisfies` on the handler or on the variable
/// holding it, or the handler's name used elsewhere in the file or exported.
pub fn return_type_fixed<'t>(
    handler: Node<'t>,
    create_call: Node<'t>,
    symbols: &Symbols<'t>,
    source: &str,
) -> Option<String> {
    if handler.field("return_type").is_some() {
        return Some(
            "the handler declares its return type, and `step.run` returns the JSON-serialized \
             type: `return finalReturn` may no longer type-check (a `Date` becomes a string)"
                .to_string(),
        );
    }
    let typed_from_outside = "its return type is fixed from outside";
    let mut node = handler;
    while let Some(parent) = node.parent_node() {
        match parent.kind_name() {
            "parenthesized_expression" => node = parent,
            "as_expression" | "satisfies_expression" | "type_assertion" => {
                return Some(format!(
                    "the handler is cast with `as`/`satisfies`: {typed_from_outside}, and \
                     `step.run` returns the JSON-serialized type"
                ));
            }
            "variable_declarator" => {
                if parent.field("type").is_some() {
                    return Some(format!(
                        "the variable holding the handler has a type annotation: \
                         {typed_from_outside}, and `step.run` returns the JSON-serialized type"
                    ));
                }
                break;
            }
            _ => break,
        }
    }
    // The handler's own name, when it has one outside the `createFunction` call.
    let name = match handler.kind_name() {
        "function_declaration" | "generator_function_declaration" => handler.field("name"),
        _ => {
            let mut node = handler;
            loop {
                match node.parent_node() {
                    Some(p) if matches!(p.kind_name(), "parenthesized_expression") => node = p,
                    Some(p) if p.kind_name() == "variable_declarator" => break p.field("name"),
                    _ => break None,
                }
            }
        }
    };
    let name = name.filter(|n| n.kind_name() == "identifier")?;
    let handler_name = text(name, source);
    // The uses of the handler's own symbol, by scope: a same-named local of another
    // function is another symbol, and a registration (`createFunction(…, handler)`)
    // does not use the handler's return type.
    let used_elsewhere = symbols.symbol(name).and_then(|symbol| {
        symbols
            .references(symbol)
            .iter()
            .filter(|r| r.access != Access::Declaration && r.node.id() != name.id())
            .filter(|r| !contains(handler, r.node) && !contains(create_call, r.node))
            .find(|r| !is_registration(r.node, source))
            .map(|r| r.node.start_position().row + 1)
    });
    let exported = {
        let mut node = name;
        let mut exported = false;
        while let Some(parent) = node.parent_node() {
            if parent.kind_name() == "export_statement" {
                exported = true;
                break;
            }
            if parent.kind_name() == "program" {
                break;
            }
            node = parent;
        }
        exported
    };
    if let Some(line) = used_elsewhere {
        return Some(format!(
            "the handler `{handler_name}` is also used on line {line}: its callers may rely on \
             its return type, and `step.run` returns the JSON-serialized type"
        ));
    }
    exported.then(|| {
        format!(
            "the handler `{handler_name}` is exported: its callers may rely on its return type, \
             and `step.run` returns the JSON-serialized type"
        )
    })
}

/// Whether `identifier` is the handler argument of a `createFunction` call (the last
/// argument of `X.createFunction(…)`): registering a handler does not use its result.
fn is_registration(identifier: Node, source: &str) -> bool {
    let Some(arguments) = identifier
        .parent_node()
        .filter(|p| p.kind_name() == "arguments")
    else {
        return false;
    };
    let is_last = code_children(arguments)
        .last()
        .is_some_and(|last| last.id() == identifier.id());
    let is_create_function = arguments
        .parent_node()
        .filter(|c| c.kind_name() == "call_expression")
        .and_then(|c| c.field("function"))
        .filter(|f| f.kind_name() == "member_expression")
        .and_then(|f| f.field("property"))
        .is_some_and(|p| text(p, source) == "createFunction");
    is_last && is_create_function
}

/// Why the handler's return type is fixed by a JSDoc comment (in a JavaScript file that
/// TypeScript checks), if it is: `@type`, `@returns`/`@return` or `@satisfies` in a
/// `/** … */` comment right before the handler, a parenthesized cast of it, or the
/// statement declaring it.
pub fn jsdoc_return_type(handler: Node, source: &str) -> Option<String> {
    let mut node = handler;
    let mut candidates = vec![handler];
    while let Some(parent) = node.parent_node() {
        match parent.kind_name() {
            "parenthesized_expression"
            | "variable_declarator"
            | "lexical_declaration"
            | "variable_declaration"
            | "export_statement" => {
                candidates.push(parent);
                node = parent;
            }
            _ => break,
        }
    }
    for candidate in candidates {
        let mut previous = candidate.prev_sibling();
        while let Some(comment) = previous.filter(|p| p.kind_name() == "comment") {
            let comment_text = text(comment, source);
            if comment_text.starts_with("/**")
                && ["@type", "@returns", "@return", "@satisfies"]
                    .iter()
                    .any(|tag| comment_text.contains(tag))
            {
                return Some(
                    "a JSDoc comment types the handler (`@type`/`@returns`/`@satisfies`) in a \
                     file TypeScript checks: its return type is fixed from outside, and \
                     `step.run` returns the JSON-serialized type"
                        .to_string(),
                );
            }
            previous = comment.prev_sibling();
        }
    }
    None
}

/// Whether `expression`'s value is provably the same, with the same type, after a JSON
/// round trip: string, boolean and `null` literals, template strings, `String(…)`,
/// `typeof`, `!`, comparisons (`===`, `<`, `instanceof`, `in`…), and `?:`, objects
/// (plain keys, no methods, spreads or shorthands) and arrays of those. Numbers are
/// not (`NaN` and `Infinity` become `null`), nor are names: their type is unknown here.
pub fn json_stable(expression: Node, source: &str) -> bool {
    let mut stack = vec![expression];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "string" | "template_string" | "true" | "false" | "null" | "comment" => {}
            "parenthesized_expression" => stack.extend(node.named_child(0)),
            "unary_expression" => {
                let operator = node.field("operator").map(|o| text(o, source));
                if !matches!(operator, Some("!" | "typeof")) {
                    return false;
                }
            }
            "binary_expression" => {
                let operator = node.field("operator").map(|o| text(o, source));
                if !matches!(
                    operator,
                    Some(
                        "===" | "!==" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "instanceof" | "in"
                    )
                ) {
                    return false;
                }
            }
            "call_expression" => {
                let callee = node.field("function").map(|f| text(f, source));
                let arguments = node.field("arguments").map(|a| code_children(a).count());
                if callee != Some("String") || arguments != Some(1) {
                    return false;
                }
            }
            "ternary_expression" => {
                stack.extend(node.field("consequence"));
                stack.extend(node.field("alternative"));
            }
            "object" => {
                for member in code_children(node) {
                    let key = member.field("key");
                    let plain_key = key
                        .is_some_and(|k| matches!(k.kind_name(), "property_identifier" | "string"));
                    if member.kind_name() != "pair" || !plain_key {
                        return false;
                    }
                    stack.extend(member.field("value"));
                }
            }
            "array" => {
                for element in code_children(node) {
                    stack.push(element);
                }
            }
            _ => return false,
        }
    }
    true
}
