//! Inngest functions and their handlers (SPEC 1.1).
//!
//! An Inngest function is a call `X.createFunction(…)` on any receiver whose last
//! argument is its handler: an inline arrow or function expression, or the name of a
//! function declared at the top of the same file. The `onFailure` function of the
//! options object is a handler too. Owns: finding those calls and handlers. Does not
//! own: what a handler does (see [`super::steps`], [`super::returns`]).

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, Tree};

use super::queries::Queries;
use super::{code_children, text, unwrap_expression};
use crate::language::Lang;

/// One `X.createFunction(…)` call.
#[derive(Debug, Clone)]
pub struct InngestFunction<'t> {
    /// The `createFunction` call expression.
    pub call: Node<'t>,
    /// The `id` of the options object, when it is a string literal.
    pub id: Option<String>,
    /// The handler, then the `onFailure` handler when there is one.
    pub handlers: Vec<Handler<'t>>,
}

/// A function the SDK runs with a `{ event, step, … }` context.
#[derive(Debug, Clone, Copy)]
pub struct Handler<'t> {
    /// The function node (arrow function, function expression or declaration).
    pub function: Node<'t>,
    /// Its statement block; `None` for an expression-bodied arrow function.
    pub body: Option<Node<'t>>,
    /// Declared `async`: `await` is available in its body.
    pub is_async: bool,
    /// The call of a higher-order function the handler is passed through
    /// (`withErrorReporting(async (ctx) => …)`): that function, not the SDK, receives
    /// what the handler returns.
    pub through: Option<Node<'t>>,
}

/// The method name of an Inngest function call (`X.createFunction(…)`).
const METHOD: &[u8] = b"createFunction";

/// Every Inngest function of a file, in source order. A handler shared by several
/// functions is listed once, under the first.
pub fn find<'t>(tree: &'t Tree, source: &str, lang: Lang) -> Vec<InngestFunction<'t>> {
    find_with(tree, source, lang, &[])
}

/// [`find`], also taking calls of `wrappers` (`defineJob(…)` or `x.defineJob(…)`, from
/// the configuration's `wrappers` key) as `createFunction` calls.
pub fn find_with<'t>(
    tree: &'t Tree,
    source: &str,
    lang: Lang,
    wrappers: &[String],
) -> Vec<InngestFunction<'t>> {
    let queries = Queries::get(lang);
    let query = &queries.calls;
    let mut cursor = QueryCursor::new();
    let mut calls = Vec::new();
    // The query runs only around each occurrence of the name: a cursor over the whole
    // tree would visit every node of the file to find a handful of calls.
    for at in memchr::memmem::find_iter(source.as_bytes(), METHOD) {
        cursor.set_byte_range(at..at + METHOD.len());
        let mut matches = cursor.matches(query, tree.root_node(), source.as_bytes());
        while let Some(m) = matches.next() {
            let Some((call, callee, arguments)) = queries.call_parts(m) else {
                continue;
            };
            // `X.createFunction(…)`, the name itself at this occurrence (a call that
            // merely contains it, such as `wrap(inngest.createFunction(…))`, is not one).
            let named_here = callee.kind_name() == "member_expression"
                && callee
                    .field("property")
                    .is_some_and(|p| p.start_byte() == at && text(p, source).as_bytes() == METHOD);
            if named_here
                && !calls
                    .iter()
                    .any(|(c, _): &(Node, Node)| c.id() == call.id())
            {
                calls.push((call, arguments));
            }
        }
    }
    calls.sort_by_key(|(call, _)| call.start_byte());
    if !wrappers.is_empty() {
        wrapper_calls(tree.root_node(), source, wrappers, &mut calls);
        calls.sort_by_key(|(call, _)| call.start_byte());
        calls.dedup_by_key(|(call, _)| call.id());
    }
    let mut found = Vec::new();
    let mut seen_handlers = Vec::new();
    for (call, arguments) in calls {
        let args: Vec<Node> = code_children(arguments).collect();
        // v3 `(options, trigger, handler)` or v4 `({ id, triggers }, handler)`.
        if args.len() < 2 {
            continue;
        }
        let options = unwrap_expression(args[0]);
        let mut handlers = Vec::new();
        if let Some(handler) = resolve_handler(args[args.len() - 1], tree, source) {
            handlers.push(handler);
        }
        if options.kind_name() == "object" {
            if let Some(on_failure) = property(options, "onFailure", source) {
                if let Some(handler) = resolve_handler(on_failure, tree, source) {
                    handlers.push(handler);
                }
            }
        }
        handlers.retain(|h| {
            let new = !seen_handlers.contains(&h.function.id());
            seen_handlers.push(h.function.id());
            new
        });
        let id = (options.kind_name() == "object")
            .then(|| property(options, "id", source))
            .flatten()
            .and_then(|value| string_literal(value, source));
        found.push(InngestFunction { call, id, handlers });
    }
    found
}

/// Calls whose callee is `name(…)` or `x.name(…)` for a name in `wrappers`.
fn wrapper_calls<'t>(
    node: Node<'t>,
    source: &str,
    wrappers: &[String],
    out: &mut Vec<(Node<'t>, Node<'t>)>,
) {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "call_expression" {
            let name = node.field("function").and_then(|f| match f.kind_name() {
                "identifier" => Some(f),
                "member_expression" => f.field("property"),
                _ => None,
            });
            let arguments = node.field("arguments");
            if let (Some(name), Some(arguments)) = (name, arguments) {
                if wrappers.iter().any(|w| w == text(name, source)) {
                    out.push((node, arguments));
                }
            }
        }
        stack.extend(node.children(&mut cursor));
    }
}

/// The value of `key: value` (or a method `key() {}`) in an object literal.
fn property<'t>(object: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    code_children(object).find_map(|member| match member.kind_name() {
        "pair" => {
            let name = member.field("key")?;
            let name_text = text(name, source).trim_matches(|c| c == '"' || c == '\'');
            (name_text == key).then(|| member.field("value"))?
        }
        "method_definition" => {
            let name = member.field("name")?;
            (text(name, source) == key).then_some(member)
        }
        _ => None,
    })
}

/// The value of a string literal or a template literal without substitutions.
pub fn string_literal(node: Node, source: &str) -> Option<String> {
    let node = unwrap_expression(node);
    match node.kind_name() {
        "string" | "template_string" => {
            if code_children(node).any(|c| c.kind_name() == "template_substitution") {
                return None;
            }
            let raw = text(node, source);
            raw.get(1..raw.len().checked_sub(1)?).map(str::to_string)
        }
        _ => None,
    }
}

/// The handler a `createFunction` argument names: an inline function, or an
/// identifier declared as a function at the top of the file.
///
/// A call there passes the handler through a higher-order function
/// (`withErrorReporting(async (ctx) => …)`, `wrap(options)(handler)`, nested wrappers):
/// the handler is its first argument that is (or names) a function, and the outermost
/// such call is recorded as [`Handler::through`].
fn resolve_handler<'t>(argument: Node<'t>, tree: &'t Tree, source: &str) -> Option<Handler<'t>> {
    let argument = unwrap_expression(argument);
    if is_handler_function(argument) {
        return Some(handler(argument));
    }
    if argument.kind_name() == "call_expression" {
        let mut call = argument;
        // Depth-bounded: `a(b(c(fn)))`.
        for _ in 0..8 {
            let arguments = call.field("arguments")?;
            let mut inner_call = None;
            for candidate in code_children(arguments).map(unwrap_expression) {
                if is_handler_function(candidate) {
                    return Some(Handler {
                        through: Some(argument),
                        ..handler(candidate)
                    });
                }
                if candidate.kind_name() == "identifier" {
                    if let Some(found) =
                        top_level_function(tree.root_node(), text(candidate, source), source)
                    {
                        return Some(Handler {
                            through: Some(argument),
                            ..handler(found)
                        });
                    }
                }
                if candidate.kind_name() == "call_expression" && inner_call.is_none() {
                    inner_call = Some(candidate);
                }
            }
            call = inner_call?;
        }
        return None;
    }
    if argument.kind_name() != "identifier" {
        return None;
    }
    let name = text(argument, source);
    top_level_function(tree.root_node(), name, source).map(handler)
}

fn is_handler_function(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "arrow_function"
            | "function_expression"
            | "generator_function"
            | "function_declaration"
            | "generator_function_declaration"
            | "method_definition"
    )
}

fn handler(function: Node) -> Handler {
    let body = function
        .field("body")
        .filter(|b| b.kind_name() == "statement_block");
    let mut cursor = function.walk();
    let is_async = function
        .children(&mut cursor)
        .any(|c| c.kind_name() == "async");
    Handler {
        function,
        body,
        is_async,
        through: None,
    }
}

/// A function named `name` declared by a top-level statement (exported or not):
/// `const name = async (…) => {…}` or `function name(…) {…}`.
fn top_level_function<'t>(root: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    for statement in code_children(root) {
        let declaration = if statement.kind_name() == "export_statement" {
            match statement.field("declaration") {
                Some(d) => d,
                None => continue,
            }
        } else {
            statement
        };
        match declaration.kind_name() {
            "function_declaration" | "generator_function_declaration"
                if declaration
                    .field("name")
                    .is_some_and(|n| text(n, source) == name) =>
            {
                return Some(declaration);
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in code_children(declaration) {
                    let matches_name = declarator
                        .field("name")
                        .is_some_and(|n| n.kind_name() == "identifier" && text(n, source) == name);
                    if !matches_name {
                        continue;
                    }
                    let value = declarator.field("value").map(unwrap_expression);
                    if let Some(value) = value.filter(|v| is_handler_function(*v)) {
                        return Some(value);
                    }
                }
            }
            _ => {}
        }
    }
    None
}
