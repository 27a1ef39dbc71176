//! What survives a step's JSON round trip, and which uses of a value rely on what
//! does not.
//!
//! A step's result is stored in run state as JSON and handed back from there on every
//! later request: a `Date` comes back as its ISO string, a `Map`, a `Set` or a class
//! instance as a plain object (`{}` or its fields), a function is dropped, and a
//! `BigInt` cannot be serialized at all. Owns: the shape of a value as far as the
//! code shows it ([`Shape`]), and the uses of a value that break on its JSON form
//! ([`misuses`]). Does not own the judgement of when that matters: the rules do.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use tree_sitter::Node;

use super::scope::resolve;
use super::{code_children, is_function, keyword_nodes, text, unwrap_expression};

/// A value that JSON cannot carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NonJson {
    /// Comes back as an ISO string.
    Date,
    /// Comes back as `{}`.
    Map,
    /// Comes back as `{}`.
    Set,
    /// An instance of a class declared in the file: comes back as its fields, without
    /// its methods.
    Instance { class: String, methods: Vec<String> },
    /// Serializing it throws.
    BigInt,
    /// Dropped.
    Function,
}

impl NonJson {
    /// The type, for messages: `a Date`, `a Map`, `an instance of Invoice`.
    pub fn describe(&self) -> String {
        match self {
            NonJson::Date => "a `Date`".to_string(),
            NonJson::Map => "a `Map`".to_string(),
            NonJson::Set => "a `Set`".to_string(),
            NonJson::Instance { class, .. } => format!("an instance of `{class}`"),
            NonJson::BigInt => "a `BigInt`".to_string(),
            NonJson::Function => "a function".to_string(),
        }
    }

    /// What the value is after the round trip, for messages.
    pub fn comes_back_as(&self) -> &'static str {
        match self {
            NonJson::Date => "a string",
            NonJson::Map | NonJson::Set => "`{}`",
            NonJson::Instance { .. } => "a plain object without its methods",
            NonJson::BigInt => "nothing (serializing it throws)",
            NonJson::Function => "nothing (it is dropped)",
        }
    }
}

/// The part of a value's shape that matters for JSON: a non-JSON value, or an object
/// literal some of whose properties are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    NonJson(NonJson),
    Object(Vec<(String, Shape)>),
}

/// The shape of the value a step body returns, when it shows a non-JSON value: its
/// expression body, or any `return` of its own (not of nested functions); failing
/// that, its declared return type (`async (): Promise<Date> => …`).
pub fn body_result_shape(body: Node, classes: &Classes<'_>, source: &str) -> Option<Shape> {
    let mut returned = Vec::new();
    match body.field("body") {
        Some(block) if block.kind_name() == "statement_block" => {
            for_each_own_return(block, |r| {
                if let Some(argument) = code_children(r).next() {
                    returned.push(argument);
                }
            });
        }
        Some(expression) => returned.push(expression),
        None => {}
    }
    let from_values = returned
        .into_iter()
        .find_map(|value| expression_shape(value, body, classes, source, 0));
    from_values.or_else(|| {
        let annotation = body.field("return_type")?;
        let annotated = code_children(annotation).next()?;
        type_shape(annotated, classes, source, 0)
    })
}

/// The shape of an expression, as far as it shows: `new Date(…)`, `new Map()`,
/// `new Set()`, `new Invoice(…)` of a class declared in the file, `12n`, `BigInt(x)`,
/// a function, an object literal holding any of these, `await` of any of these, or a
/// name declared with one of these in `scope` and never reassigned.
pub fn expression_shape(
    expression: Node,
    scope: Node,
    classes: &Classes<'_>,
    source: &str,
    depth: usize,
) -> Option<Shape> {
    if depth > 8 {
        return None;
    }
    let expression = unwrap_expression(expression);
    let non_json = |kind| Some(Shape::NonJson(kind));
    match expression.kind_name() {
        "await_expression" => expression_shape(
            code_children(expression).next()?,
            scope,
            classes,
            source,
            depth + 1,
        ),
        "new_expression" => {
            let constructor = expression.field("constructor")?;
            let name = text(constructor, source);
            if resolve(constructor, scope, name, source).is_some() {
                return None;
            }
            match name {
                "Date" => non_json(NonJson::Date),
                "Map" => non_json(NonJson::Map),
                "Set" => non_json(NonJson::Set),
                _ => classes.instance(name).map(Shape::NonJson),
            }
        }
        "number" if text(expression, source).ends_with('n') => non_json(NonJson::BigInt),
        "call_expression" => {
            let function = expression.field("function")?;
            let name = text(function, source);
            if name == "BigInt" {
                return non_json(NonJson::BigInt);
            }
            if function.kind_name() != "identifier"
                || resolve(function, scope, name, source).is_some()
            {
                return None;
            }
            type_shape(classes.return_type(name)?, classes, source, depth + 1)
        }
        "arrow_function" | "function_expression" | "function" => non_json(NonJson::Function),
        "object" => {
            let mut properties = Vec::new();
            for member in code_children(expression) {
                if member.kind_name() != "pair" {
                    continue;
                }
                let (Some(key), Some(value)) = (member.field("key"), member.field("value")) else {
                    continue;
                };
                let key = text(key, source).trim_matches(|c| c == '"' || c == '\'');
                if let Some(shape) = expression_shape(value, scope, classes, source, depth + 1) {
                    properties.push((key.to_string(), shape));
                }
            }
            (!properties.is_empty()).then_some(Shape::Object(properties))
        }
        "identifier" => {
            let name = text(expression, source);
            let declaring = resolve(expression, scope, name, source)?;
            let value = sole_initializer(declaring, name, source)?;
            expression_shape(value, scope, classes, source, depth + 1)
        }
        _ => None,
    }
}

/// The shape a type annotation names: `Date`, `Map<…>`, `Set<…>`, `bigint`, a class
/// of the file, `Promise<…>` of one of these, or an object type with such properties.
fn type_shape(node: Node, classes: &Classes<'_>, source: &str, depth: usize) -> Option<Shape> {
    if depth > 8 {
        return None;
    }
    let non_json = |kind| Some(Shape::NonJson(kind));
    match node.kind_name() {
        "predefined_type" if text(node, source) == "bigint" => non_json(NonJson::BigInt),
        "type_identifier" => match text(node, source) {
            "Date" => non_json(NonJson::Date),
            name => classes
                .instance(name)
                .map(Shape::NonJson)
                .or_else(|| type_shape(classes.declared_type(name)?, classes, source, depth + 1)),
        },
        "union_type" => code_children(node).find_map(|t| type_shape(t, classes, source, depth + 1)),
        "generic_type" => {
            let name = text(node.field("name")?, source);
            match name {
                "Map" | "ReadonlyMap" => non_json(NonJson::Map),
                "Set" | "ReadonlySet" => non_json(NonJson::Set),
                "Promise" => {
                    let arguments =
                        code_children(node).find(|c| c.kind_name() == "type_arguments")?;
                    type_shape(code_children(arguments).next()?, classes, source, depth + 1)
                }
                _ => None,
            }
        }
        "function_type" => non_json(NonJson::Function),
        "object_type" | "interface_body" => {
            let mut properties = Vec::new();
            for member in code_children(node) {
                if member.kind_name() != "property_signature" {
                    continue;
                }
                let Some(name) = member.field("name") else {
                    continue;
                };
                let annotated = member.field("type").and_then(|t| code_children(t).next());
                if let Some(shape) =
                    annotated.and_then(|t| type_shape(t, classes, source, depth + 1))
                {
                    properties.push((text(name, source).to_string(), shape));
                }
            }
            (!properties.is_empty()).then_some(Shape::Object(properties))
        }
        "parenthesized_type" => type_shape(code_children(node).next()?, classes, source, depth + 1),
        _ => None,
    }
}

/// The value a name is declared with in `scope`, when it is declared once by a plain
/// `const x = …` (or a `let` never reassigned in `scope`).
pub fn sole_initializer<'t>(scope: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let mut declared = Vec::new();
    super::scope::declared_names(scope, source, &mut declared);
    let declarator = declared
        .into_iter()
        .find(|n| text(*n, source) == name)?
        .parent_node()
        .filter(|d| d.kind_name() == "variable_declarator")?;
    let is_const = declarator
        .parent_node()
        .and_then(|d| d.child(0))
        .is_some_and(|keyword| keyword.kind_name() == "const");
    if !is_const && super::scope::is_assigned(scope, name, source) {
        return None;
    }
    declarator.field("value")
}

/// Visit the return statements of the function whose body is `block`, not those of
/// functions nested in it.
fn for_each_own_return<'t>(block: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    let mut stack = vec![block];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "return_statement" {
            visit(node);
            continue;
        }
        if is_function(node) || node.kind_name() == "class_body" {
            continue;
        }
        stack.extend(code_children(node));
    }
}

/// The classes declared in a file, with their method names; its interfaces, type
/// aliases and top-level functions, to read declared types through.
pub struct Classes<'t> {
    classes: Vec<(String, Vec<String>)>,
    /// `interface X {…}` and `type X = …`: the name and the type's node.
    types: Vec<(String, Node<'t>)>,
    /// Top-level `function f(): T` and `const f = (): T => …`: the name and the function.
    functions: Vec<(String, Node<'t>)>,
}

impl<'t> Classes<'t> {
    /// The classes declared anywhere in `program` (top level or nested).
    pub fn of(program: Node<'t>, source: &str) -> Classes<'t> {
        let mut classes = Vec::new();
        let mut types = Vec::new();
        let mut functions = Vec::new();
        for statement in code_children(program) {
            let statement = match statement.kind_name() {
                "export_statement" => match statement.field("declaration") {
                    Some(declaration) => declaration,
                    None => continue,
                },
                _ => statement,
            };
            match statement.kind_name() {
                "interface_declaration" | "type_alias_declaration" => {
                    let name = statement.field("name");
                    let body = statement.field("body").or_else(|| statement.field("value"));
                    if let (Some(name), Some(body)) = (name, body) {
                        types.push((text(name, source).to_string(), body));
                    }
                }
                "function_declaration" => {
                    if let Some(name) = statement.field("name") {
                        functions.push((text(name, source).to_string(), statement));
                    }
                }
                "lexical_declaration" => {
                    for declarator in code_children(statement) {
                        let name = declarator.field("name");
                        let value = declarator.field("value").map(unwrap_expression);
                        if let (Some(name), Some(value)) = (name, value) {
                            if is_function(value) {
                                functions.push((text(name, source).to_string(), value));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        // A class is declared with the keyword `class`: rather than walk the whole file,
        // look at the node under each occurrence of the word.
        for node in keyword_nodes(program, source, "class") {
            let Some(node) = node
                .parent_node()
                .filter(|p| matches!(p.kind_name(), "class_declaration" | "class"))
            else {
                continue;
            };
            let Some(name) = node.field("name") else {
                continue;
            };
            let mut methods = Vec::new();
            if let Some(body) = node.field("body") {
                for member in code_children(body) {
                    let is_static = {
                        let mut cursor = member.walk();
                        let found = member
                            .children(&mut cursor)
                            .any(|c| c.kind_name() == "static");
                        found
                    };
                    if member.kind_name() == "method_definition" && !is_static {
                        if let Some(method) = member.field("name") {
                            let method = text(method, source);
                            if method != "constructor" {
                                methods.push(method.to_string());
                            }
                        }
                    }
                }
            }
            classes.push((text(name, source).to_string(), methods));
        }
        Classes {
            classes,
            types,
            functions,
        }
    }

    /// The declared return type of the top-level function `name`.
    fn return_type(&self, name: &str) -> Option<Node<'t>> {
        let (_, function) = self.functions.iter().find(|(n, _)| n == name)?;
        code_children(function.field("return_type")?).next()
    }

    /// The interface body or aliased type named `name`.
    fn declared_type(&self, name: &str) -> Option<Node<'t>> {
        self.types.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }

    /// An instance of the class `name`, when the file declares a class of that name
    /// with methods (an instance of a class without methods loses nothing but its
    /// prototype).
    fn instance(&self, name: &str) -> Option<NonJson> {
        let (class, methods) = self.classes.iter().find(|(c, _)| c == name)?;
        (!methods.is_empty()).then(|| NonJson::Instance {
            class: class.clone(),
            methods: methods.clone(),
        })
    }
}

/// A use of a value that breaks on its JSON form.
#[derive(Debug, Clone)]
pub struct Misuse<'t> {
    /// The expression that relies on the lost type (`due.getTime()`, `seen.get(k)`).
    pub node: Node<'t>,
    /// What the value was.
    pub kind: NonJson,
}

/// The ways `reference` (a read of a value of shape `shape`) uses a non-JSON part of
/// it as its type: a method of a `Date` (other than `toString`/`toJSON`/`valueOf`),
/// of a `Map` or `Set` (or their `size`), of an instance of a class of the file,
/// calling a function, `instanceof`, `Date` arithmetic; any use of a `BigInt`.
pub fn misuse<'t>(reference: Node<'t>, shape: &Shape, source: &str) -> Option<Misuse<'t>> {
    let mut node = reference;
    let mut shape = shape;
    loop {
        let parent = outer_expression(node)?;
        match shape {
            Shape::Object(properties) => {
                let property = member_property(parent, node, source)?;
                shape = &properties.iter().find(|(name, _)| name == property)?.1;
                node = parent;
            }
            Shape::NonJson(kind) => {
                return misuse_of(node, parent, kind, source).map(|node| Misuse {
                    node,
                    kind: kind.clone(),
                });
            }
        }
    }
}

/// `parent` when `node` is its object, skipping parentheses and non-null assertions.
fn outer_expression(node: Node) -> Option<Node> {
    let mut parent = node.parent_node()?;
    while matches!(
        parent.kind_name(),
        "parenthesized_expression" | "non_null_expression"
    ) {
        parent = parent.parent_node()?;
    }
    Some(parent)
}

/// The property name of `member` when it reads a property of `object`.
fn member_property<'s>(member: Node, object: Node, source: &'s str) -> Option<&'s str> {
    if member.kind_name() != "member_expression" {
        return None;
    }
    let on_object = member
        .field("object")
        .is_some_and(|o| unwrap_expression(o).id() == object.id() || super::contains(o, object));
    on_object.then_some(())?;
    Some(text(member.field("property")?, source))
}

/// `new Date(…)`, `Date.now()`, `x.getTime()`, a number: a value an ISO string never
/// compares with correctly.
fn is_time_value(node: Node, source: &str) -> bool {
    match node.kind_name() {
        "number" => true,
        "new_expression" => node
            .field("constructor")
            .is_some_and(|c| text(c, source) == "Date"),
        "call_expression" => node.field("function").is_some_and(|f| {
            let callee = text(f, source);
            callee == "Date.now" || callee.ends_with(".getTime")
        }),
        _ => false,
    }
}

const DATE_SAFE: &[&str] = &["toString", "toJSON", "valueOf", "toLocaleString"];
const COLLECTION_METHODS: &[&str] = &[
    "get", "set", "has", "add", "delete", "clear", "forEach", "keys", "values", "entries", "size",
];

fn misuse_of<'t>(
    node: Node<'t>,
    parent: Node<'t>,
    kind: &NonJson,
    source: &str,
) -> Option<Node<'t>> {
    let called = |member: Node<'t>| -> Option<Node<'t>> {
        member.parent_node().filter(|call| {
            call.kind_name() == "call_expression"
                && call
                    .field("function")
                    .is_some_and(|f| f.id() == member.id())
        })
    };
    if matches!(kind, NonJson::Map | NonJson::Set) {
        // Iterating `{}`: `for (const x of seen)` and `[...seen]` throw, `Array.from(seen)`
        // is silently empty.
        let iterated = match parent.kind_name() {
            "for_in_statement" => {
                parent.field("right").is_some_and(|r| r.id() == node.id())
                    && parent
                        .field("operator")
                        .is_some_and(|o| text(o, source) == "of")
            }
            "spread_element" => parent
                .parent_node()
                .is_some_and(|p| p.kind_name() == "array"),
            "arguments" => parent.parent_node().is_some_and(|call| {
                call.field("function")
                    .is_some_and(|f| text(f, source) == "Array.from")
            }),
            _ => false,
        };
        if iterated {
            return Some(if parent.kind_name() == "for_in_statement" {
                node
            } else {
                parent
            });
        }
    }
    if parent.kind_name() == "binary_expression" {
        let operator = parent.field("operator").map(|o| text(o, source));
        let is_left = parent
            .field("left")
            .is_some_and(|l| super::contains(l, node));
        return match (kind, operator) {
            (
                NonJson::Date | NonJson::Map | NonJson::Set | NonJson::Instance { .. },
                Some("instanceof"),
            ) if is_left => Some(parent),
            (NonJson::Date, Some("-" | "*" | "/")) => Some(parent),
            // An ISO string compared with a Date or a number is always false.
            (NonJson::Date, Some("<" | ">" | "<=" | ">=")) => {
                let other = if is_left {
                    parent.field("right")
                } else {
                    parent.field("left")
                };
                other
                    .map(unwrap_expression)
                    .filter(|o| is_time_value(*o, source))
                    .map(|_| parent)
            }
            (NonJson::BigInt, Some(_)) => Some(parent),
            _ => None,
        };
    }
    if let Some(property) = member_property(parent, node, source) {
        let method_call = called(parent);
        return match kind {
            NonJson::Date => (method_call.is_some() && !DATE_SAFE.contains(&property))
                .then(|| method_call.unwrap_or(parent)),
            NonJson::Map | NonJson::Set => COLLECTION_METHODS
                .contains(&property)
                .then(|| method_call.unwrap_or(parent)),
            NonJson::Instance { methods, .. } => methods
                .iter()
                .any(|m| m == property)
                .then(|| method_call.unwrap_or(parent)),
            NonJson::BigInt => Some(parent),
            NonJson::Function => None,
        };
    }
    if *kind == NonJson::Function
        && parent.kind_name() == "call_expression"
        && parent
            .field("function")
            .is_some_and(|f| super::contains(f, node))
    {
        return Some(parent);
    }
    None
}
