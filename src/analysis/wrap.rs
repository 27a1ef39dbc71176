//! Whether an awaited call outside steps can be wrapped in a step of its own
//! (`await step.run("get-user", () => getUser(id))`) without changing what the handler
//! does: its result comes back through JSON, and the callee moves into a callback.
//!
//! Owns: the facts that decide it: the uses of the result stay valid on its JSON copy
//! ([`result_survives_json`]), the value is data by what it is and no secret
//! ([`value_is_wrappable`]), the call reads no name a condition around it narrows
//! ([`relies_on_narrowing`]), and the step ID derived from the callee ([`step_id_for`]).
//! Does not own whether the call is a side effect ([`super::effects`]), nor the fix.

use super::kind::KindName;
use super::Navigate;
use tree_sitter::Node;

use super::scope::resolve;
use super::{any_descendant, code_children, for_each_descendant, text, unwrap_expression};

/// Whether a name the call reads is tested by a condition that governs the `await`: an
/// `if`/`?:`/`&&`/`||`/`switch` around it, or an earlier guard clause (`if (!x) return;`)
/// in an enclosing block. Moving the call into a callback loses that narrowing
/// (`if (account.email) await send(account.email)` stops type-checking).
pub fn relies_on_narrowing(handler: Node, source: &str, await_node: Node, call: Node) -> bool {
    let read = paths(call, source);
    // A tested path narrows a read path that is it or goes through it; TypeScript keeps
    // the narrowing of a `const` (or a parameter of the handler) in callbacks, not that of
    // a property (`account.email`) or of a `let`.
    let narrows = |condition: Option<Node>| {
        condition.is_some_and(|c| {
            paths(c, source).iter().any(|(tested, node)| {
                let loses = tested.contains('.') || is_reassignable(handler, source, *node);
                loses
                    && read
                        .iter()
                        .any(|(path, _)| path == tested || path.starts_with(&format!("{tested}.")))
            })
        })
    };
    let mut child = await_node;
    while let Some(parent) = child.parent_node() {
        if parent.id() == handler.id() {
            return false;
        }
        let is_condition = |field: &str| parent.field(field).is_some_and(|c| c.id() == child.id());
        let governed = match parent.kind_name() {
            "if_statement" | "ternary_expression" => {
                !is_condition("condition") && narrows(parent.field("condition"))
            }
            "binary_expression" => {
                parent.field("right").is_some_and(|r| r.id() == child.id())
                    && narrows(parent.field("left"))
            }
            "switch_statement" => !is_condition("value") && narrows(parent.field("value")),
            "statement_block" => {
                // A guard clause before the statement holding the await.
                code_children(parent)
                    .take_while(|s| s.start_byte() < child.start_byte())
                    .any(|s| {
                        s.kind_name() == "if_statement"
                            && narrows(s.field("condition"))
                            && any_descendant(s, |n| {
                                matches!(
                                    n.kind_name(),
                                    "return_statement"
                                        | "throw_statement"
                                        | "continue_statement"
                                        | "break_statement"
                                )
                            })
                    })
            }
            _ => false,
        };
        if governed {
            return true;
        }
        child = parent;
    }
    false
}

/// The names and property paths read under `node` (`user`, `user.email`,
/// `event.data.id`; `?.` read as `.`), each with its root identifier.
fn paths<'t>(node: Node<'t>, source: &str) -> Vec<(String, Node<'t>)> {
    let mut found = Vec::new();
    for_each_descendant(node, |n| {
        if !matches!(n.kind_name(), "identifier" | "member_expression") {
            return;
        }
        let mut root = n;
        while root.kind_name() == "member_expression" {
            match root.field("object") {
                Some(object) => root = unwrap_expression(object),
                None => return,
            }
        }
        if root.kind_name() != "identifier" {
            return;
        }
        let path: String = text(n, source)
            .replace("?.", ".")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if path
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '$'))
        {
            found.push((path, root));
        }
    });
    found
}

/// Whether the name `identifier` reads is a `let`/`var` or a parameter of a function other
/// than the handler: TypeScript may drop its narrowing inside a callback.
fn is_reassignable(handler: Node, source: &str, identifier: Node) -> bool {
    let name = text(identifier, source);
    let Some(scope) = resolve(identifier, handler, name, source) else {
        return false; // a module binding or a global
    };
    if scope.id() == handler.id() {
        return false; // the handler's own parameters are never reassigned by the SDK
    }
    let mut declared = Vec::new();
    super::scope::declared_names(scope, source, &mut declared);
    let Some(declaration) = declared.into_iter().find(|n| text(*n, source) == name) else {
        return true;
    };
    let mut node = declaration;
    while let Some(parent) = node.parent_node() {
        if matches!(
            parent.kind_name(),
            "lexical_declaration" | "variable_declaration"
        ) {
            return parent.child(0).is_none_or(|k| k.kind_name() != "const");
        }
        if parent.id() == scope.id() {
            break;
        }
        node = parent;
    }
    true
}

/// Whether every use of the awaited value stays valid on its JSON round trip: unused,
/// returned, or a `const` read only through properties and in JSON-safe places.
pub fn result_survives_json(handler: Node, source: &str, await_node: Node) -> bool {
    let Some(parent) = await_node.parent_node() else {
        return false;
    };
    match parent.kind_name() {
        "expression_statement" => true,
        // Returned: the run's output is JSON anyway, unless the handler declares its
        // return type (the step's JSON type may not match it).
        "return_statement" => handler.field("return_type").is_none(),
        "variable_declarator" => {
            let Some(name) = parent.field("name") else {
                return false;
            };
            let is_const = parent
                .parent_node()
                .and_then(|d| d.child(0))
                .is_some_and(|k| k.kind_name() == "const");
            if name.kind_name() != "identifier" || !is_const || parent.field("type").is_some() {
                return false;
            }
            let variable = text(name, source);
            let Some(scope) = resolve(name, handler, variable, source) else {
                return false;
            };
            let mut safe = true;
            for_each_descendant(handler, |node| {
                if !safe
                    || !matches!(
                        node.kind_name(),
                        "identifier" | "shorthand_property_identifier"
                    )
                    || node.id() == name.id()
                    || text(node, source) != variable
                {
                    return;
                }
                if resolve(node, handler, variable, source).is_some_and(|s| s.id() == scope.id()) {
                    safe = json_safe_use(node, source);
                }
            });
            safe
        }
        _ => false,
    }
}

/// Methods of arrays, strings and numbers: on a JSON value they are what they were.
const JSON_SAFE_METHODS: &[&str] = &[
    "map",
    "filter",
    "forEach",
    "find",
    "findIndex",
    "some",
    "every",
    "reduce",
    "includes",
    "indexOf",
    "slice",
    "join",
    "concat",
    "flatMap",
    "flat",
    "at",
    "toUpperCase",
    "toLowerCase",
    "trim",
    "split",
    "startsWith",
    "endsWith",
    "replace",
    "replaceAll",
    "substring",
    "padStart",
    "padEnd",
    "toFixed",
    "toString",
    "localeCompare",
    "match",
];

/// Whether the parameters of the functions passed to `call` (`rows.map((row) => …)`)
/// are only used in ways their JSON form supports.
fn callbacks_use_json_safely(call: Node, source: &str) -> bool {
    let Some(arguments) = call.field("arguments") else {
        return true;
    };
    code_children(arguments)
        .filter(|a| super::is_function(*a))
        .all(|callback| {
            let mut parameters = Vec::new();
            if let Some(single) = callback.field("parameter") {
                super::scope::pattern_names(single, &mut parameters);
            }
            if let Some(list) = callback.field("parameters") {
                for parameter in code_children(list) {
                    super::scope::pattern_names(parameter, &mut parameters);
                }
            }
            let Some(body) = callback.field("body") else {
                return true;
            };
            let mut safe = true;
            for_each_descendant(body, |node| {
                if safe
                    && matches!(
                        node.kind_name(),
                        "identifier" | "shorthand_property_identifier"
                    )
                    && parameters
                        .iter()
                        .any(|p| text(*p, source) == text(node, source))
                {
                    safe = json_safe_use(node, source) || is_returned_by(node, callback);
                }
            });
            safe
        })
}

/// Whether `node` is the whole value an expression-bodied callback returns, or the
/// argument of one of its `return`s.
fn is_returned_by(node: Node, callback: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent_node() {
        if parent.id() == callback.id() {
            return callback
                .field("body")
                .is_some_and(|b| b.id() == current.id());
        }
        match parent.kind_name() {
            "return_statement" => return true,
            "parenthesized_expression" | "member_expression" | "subscript_expression" => {
                current = parent
            }
            _ => return false,
        }
    }
    false
}

/// Whether one read of the value stays valid on its JSON form.
fn json_safe_use(reference: Node, source: &str) -> bool {
    // Climb the property chain: `user.profile.email`.
    let mut node = reference;
    let mut through_property = false;
    while let Some(parent) = node.parent_node() {
        match parent.kind_name() {
            "member_expression" if parent.field("object").is_some_and(|o| o.id() == node.id()) => {
                let property = parent.field("property").map_or("", |p| text(p, source));
                // `size` of a `Map`/`Set`; a date field (`createdAt`, `dueDate`) of a
                // row is a `Date` before JSON and a string after it.
                if property == "size" || is_date_name(property) {
                    return false;
                }
                let called = parent.parent_node().is_some_and(|c| {
                    c.kind_name() == "call_expression"
                        && c.field("function").is_some_and(|f| f.id() == parent.id())
                });
                if called {
                    if !JSON_SAFE_METHODS.contains(&property) {
                        return false;
                    }
                    // The method's result, and what its callbacks get, are JSON too:
                    // judge their uses the same way (`rows.at(-1)?.createdAt` assigned to
                    // a `Date` variable is not safe).
                    let Some(call) = parent.parent_node() else {
                        return false;
                    };
                    if !callbacks_use_json_safely(call, source) {
                        return false;
                    }
                    through_property = true;
                    node = call;
                    continue;
                }
                through_property = true;
                node = parent;
            }
            "subscript_expression" => {
                through_property = true;
                node = parent;
            }
            "parenthesized_expression" | "non_null_expression" => node = parent,
            _ => break,
        }
    }
    let Some(parent) = node.parent_node() else {
        return false;
    };
    match parent.kind_name() {
        "template_substitution"
        | "unary_expression"
        | "if_statement"
        | "parenthesized_expression"
        | "ternary_expression"
        | "return_statement"
        | "pair"
        | "shorthand_property_identifier"
        | "array"
        | "spread_element"
        | "object"
        | "for_in_statement"
        | "switch_statement" => true,
        "binary_expression" => {
            let operator = parent.field("operator").map(|o| text(o, source));
            !matches!(operator, Some("instanceof" | "-" | "*" | "/"))
        }
        "arguments" => {
            // Passed on: fine to logging, JSON and the value converters; a property
            // (`user.email`) to anything.
            let callee = parent
                .parent_node()
                .and_then(|c| c.field("function"))
                .map_or("", |f| text(f, source));
            through_property
                || matches!(
                    callee,
                    "JSON.stringify" | "String" | "Number" | "Boolean" | "Array.isArray"
                )
                || callee.starts_with("Object.")
                || callee.starts_with("console.")
                || callee.starts_with("logger.")
        }
        _ => false,
    }
}

/// The step ID derived from the callee: its last two names in kebab case
/// (`getUser` → `get-user`, `prisma.user.findMany` → `user-find-many`).
pub fn step_id_for(call: Node, source: &str) -> String {
    let mut names = Vec::new();
    let mut node = call.field("function");
    while let Some(current) = node.map(unwrap_expression) {
        match current.kind_name() {
            "identifier" => {
                names.push(text(current, source));
                break;
            }
            "member_expression" => {
                if let Some(p) = current.field("property") {
                    names.push(text(p, source));
                }
                node = current.field("object");
            }
            "call_expression" => node = current.field("function"),
            _ => break,
        }
    }
    names.retain(|n| !matches!(*n, "this" | "then" | "catch" | "finally"));
    let picked: Vec<&str> = names.iter().take(2).rev().copied().collect();
    let id = picked
        .iter()
        .map(|n| kebab(n))
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if id.is_empty() {
        "side-effect".to_string()
    } else {
        id
    }
}

/// `findMany` → `find-many`, `getURL` → `get-url`, `send_email` → `send-email`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let after_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
            let before_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
                && i > 0
                && chars[i - 1].is_ascii_uppercase();
            if (after_lower || before_lower) && !out.is_empty() {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(*c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// A field named for a date or time: `createdAt`, `dueDate`, `startTime`, `timestamp`.
fn is_date_name(property: &str) -> bool {
    let words = super::effects::camel_words(property);
    words.last().is_some_and(|w| {
        matches!(
            w.as_str(),
            "at" | "date" | "time" | "timestamp" | "expires" | "expiry" | "on"
        )
    })
}

/// Words that name a secret: a step's output is stored in Inngest's run state, so a
/// decrypted value, a token, a key or a password must not become one.
const SECRET_WORDS: &[&str] = &[
    "decrypt",
    "decrypted",
    "unseal",
    "secret",
    "secrets",
    "token",
    "tokens",
    "key",
    "keys",
    "apikey",
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "credential",
    "credentials",
    "jwt",
    "private",
    "plaintext",
];

/// Words that name a value JSON does not keep: a response, a stream, a client or
/// connection, an instance, a function.
const NOT_DATA_WORDS: &[&str] = &[
    "response",
    "res",
    "stream",
    "readable",
    "client",
    "connection",
    "conn",
    "pool",
    "socket",
    "browser",
    "page",
    "sdk",
    "octokit",
    "instance",
    "reader",
    "writer",
    "handle",
    "handler",
    "callback",
    "fn",
    "buffer",
    "blob",
    "file",
    "iterator",
    "cursor",
    "transaction",
];

/// Query methods of the database clients projects use (Prisma, Drizzle, Supabase,
/// Convex, Kysely…): what they resolve to is rows of plain data.
const DATA_METHODS: &[&str] = &[
    "findUnique",
    "findUniqueOrThrow",
    "findFirst",
    "findFirstOrThrow",
    "findMany",
    "findOne",
    "findById",
    "count",
    "aggregate",
    "groupBy",
    "create",
    "createMany",
    "update",
    "updateMany",
    "upsert",
    "delete",
    "deleteMany",
    "select",
    "from",
    "where",
    "limit",
    "offset",
    "orderBy",
    "returning",
    "single",
    "maybeSingle",
    "eq",
    "neq",
    "in",
    "is",
    "match",
    "order",
    "range",
    "values",
    "query",
    "mutation",
    "executeTakeFirst",
    "executeTakeFirstOrThrow",
];

/// The callee's names (`vault`, `getApiKey`) and the bound variable's name.
fn value_names<'s>(call: Node, await_node: Node, source: &'s str) -> Vec<&'s str> {
    let mut names: Vec<&str> = call
        .field("function")
        .map_or("", |f| text(f, source))
        .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '$')
        .filter(|n| !n.is_empty())
        .collect();
    if let Some(name) = await_node
        .parent_node()
        .filter(|p| p.kind_name() == "variable_declarator")
        .and_then(|p| p.field("name"))
    {
        names.push(text(name, source));
    }
    names
}

/// The names a call's value is known by: the callee's names and, when it is bound, the
/// variable's.
fn value_words(call: Node, await_node: Node, source: &str) -> Vec<String> {
    let mut words = Vec::new();
    let callee = call.field("function").map_or("", |f| text(f, source));
    words.extend(super::effects::camel_words(callee));
    if let Some(name) = await_node
        .parent_node()
        .filter(|p| p.kind_name() == "variable_declarator")
        .and_then(|p| p.field("name"))
    {
        words.extend(super::effects::camel_words(text(name, source)));
    }
    words
}

/// Why the value of the awaited `call` must not become a step's output, if it must
/// not: a secret (a decrypted value, a token, a key, a password) would be stored in run
/// state; a `Response`, a stream, a client, a class instance or a function does not
/// survive JSON, and a value that is used must be data by what it is (a database
/// query's rows).
pub fn why_not_data(call: Node, await_node: Node, source: &str) -> Option<&'static str> {
    let words = value_words(call, await_node, source);
    // `apiKey`, `getAccessToken`, `decryptedBody`: a secret word ends a name, or decrypts.
    let secret = value_names(call, await_node, source).iter().any(|name| {
        let words = super::effects::camel_words(name);
        words
            .iter()
            .any(|w| matches!(w.as_str(), "decrypt" | "decrypted" | "unseal"))
            || words
                .last()
                .is_some_and(|w| SECRET_WORDS.contains(&w.as_str()))
    });
    if secret {
        return Some(
            "its value looks like a secret (a decrypted value, a token, a key, a password), \
             which a step would store in the run's state",
        );
    }
    let used = await_node
        .parent_node()
        .is_some_and(|p| p.kind_name() != "expression_statement");
    if !used {
        return None;
    }
    let function = call.field("function").map(unwrap_expression);
    let fetches = function.is_some_and(|f| {
        let name = match f.kind_name() {
            "member_expression" => f.field("property").map_or("", |p| text(p, source)),
            _ => text(f, source),
        };
        name == "fetch"
    });
    let receiver_is_class = function
        .filter(|f| f.kind_name() == "member_expression")
        .and_then(super::root_name)
        .is_some_and(|r| text(r, source).starts_with(|c: char| c.is_ascii_uppercase()));
    if fetches || receiver_is_class || words.iter().any(|w| NOT_DATA_WORDS.contains(&w.as_str())) {
        return Some(
            "its value may be a `Response`, a stream, a client, a class instance or a \
             function, which a step's JSON output does not keep",
        );
    }
    let data = function.is_some_and(|f| {
        f.kind_name() == "member_expression"
            && f.field("property")
                .is_some_and(|p| DATA_METHODS.contains(&text(p, source)))
    });
    let returned = await_node
        .parent_node()
        .is_some_and(|p| p.kind_name() == "return_statement");
    (!data && !returned).then_some(
        "nothing shows that its value is plain data (a database query's rows are), so its \
         JSON copy may differ",
    )
}

#[cfg(test)]
mod tests {
    use super::kebab;

    #[test]
    fn kebab_case() {
        assert_eq!(kebab("getUser"), "get-user");
        assert_eq!(kebab("findMany"), "find-many");
        assert_eq!(kebab("getURL"), "get-url");
        assert_eq!(kebab("send_email"), "send-email");
        assert_eq!(kebab("fetch"), "fetch");
        assert_eq!(kebab("HTMLParser"), "html-parser");
    }
}
