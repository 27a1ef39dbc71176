//! Rule `side-effect-outside-step`.
//!
//! ## What it does
//! Finds, in a handler that runs steps, an awaited call outside any step body: a
//! database query, a `fetch`, an SDK call, `inngest.send(…)`: awaits of the handler's
//! own code, and of callbacks it runs right away through array methods
//! (`items.map(async (item) => { await save(item) })`, `forEach`, `filter`…); an awaited
//! `Promise.all(…)` holding no step is reported once, as a whole.
//!
//! Not findings: awaits of step tools (through any binding), of
//! `Promise.all`/`Promise.allSettled`/`Promise.race`/`Promise.any` over step calls, of a
//! helper handed `step` (or a function of the handler or file that runs steps), of the
//! handler's own `logger` (or any logger: a log line written again is noise, not a lost
//! effect), of the handler's own realtime `publish` (non-durable by design, for updates
//! whose duplicates are acceptable), of agent-kit's `network.run`/`agent.run` (they run
//! their model calls as steps), and awaits that have no effect outside the process: a
//! promise made earlier (`await pending`, `Promise.all([a, b])`), `new Promise(…)`,
//! `import(…)`, `Promise.resolve(…)`, reading a response body (`res.json()`,
//! `res.text()`), waiting (`sleep(…)`, `delay(…)`, `setTimeout(…)` from
//! `timers/promises`), and calls named for pure computation (`parse…`, `validate…`,
//! `format…`, `map…`, `build…`, `compute…`, `render…`, `to…`). A `.then`/`.catch` chain
//! is judged by the call it chains on.
//!
//! ## Why is this bad?
//! An Inngest handler runs again from the top for every step: code outside step bodies
//! runs on every one of those requests, while step bodies run once and their results
//! are memoized. A query outside a step runs once per step of the run (and a write
//! repeats: an email sent twice, a row inserted twice, a counter bumped twice); an
//! error in it is not retried as a step. Inngest's guidance: never start a side effect
//! outside a step; send events with `step.sendEvent`, not `inngest.send`.
//!
//! ## Example
//! ```ts
//! const user = await getUser(event.data.userId);
//! await step.run("send-welcome", () => sendWelcome(user.email));
//! ```
//! Use instead:
//! ```ts
//! const user = await step.run("get-user", () => getUser(event.data.userId));
//! await step.run("send-welcome", () => sendWelcome(user.email));
//! ```
//!
//! ## Fix safety
//! Needs review: applied only with `--unsafe-fixes`. The fix wraps the call in its own
//! step, `await step.run("get-user", () => getUser(id))`, with an ID derived from the
//! callee (`-2`, `-3`… when taken in the handler). It adds one step per evaluation and
//! the result now comes back through JSON, so it is offered only where that cannot
//! matter: the result is unused, returned, or bound to a `const` that is only read
//! through properties, in conditions, templates, object literals and array or string
//! methods (never passed whole to another function, never used as a `Date`, `Map`, `Set`
//! or class instance), the call has no `await` or step inside, and no condition around it
//! (or guard clause before it) tests a name it reads — TypeScript does not carry that
//! narrowing into the new callback. `inngest.send(…)` is
//! not wrapped: use `step.sendEvent` instead. Everything else is left for manual review.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use tree_sitter::{Node, Tree};

use super::{function_statement_start, Diagnostic, HandlerContext, Remedy};
use crate::analysis::binding::{Holds, StepBinding};
use crate::analysis::scope::resolve;
use crate::analysis::{
    any_descendant, code_children, enclosing_function, for_each_descendant, text, unwrap_expression,
};
use crate::fix::edits::first_free;
use crate::fix::{Applicability, Edit, Fix};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "side-effect-outside-step";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::NeedsReview,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Report every awaited side effect outside the step bodies of one handler.
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
    let tree = context.tree;
    let source = context.source;
    let handler = context.handler.function;
    // Awaits of the handler's own code, and of callbacks it runs right away
    // (`items.map(async (item) => { await save(item) })`), with whether each sits in such
    // a callback.
    let mut awaited = Vec::new();
    for_each_descendant(handler, |node| {
        if node.kind_name() != "await_expression" || context.steps.body_containing(node).is_some() {
            return;
        }
        match enclosing_function(node) {
            Some(f) if f.id() == handler.id() => awaited.push((node, false)),
            Some(f) if runs_during_handler(context, f) => awaited.push((node, true)),
            _ => {}
        }
    });
    let mut taken: Vec<String> = context
        .steps
        .calls
        .iter()
        .filter_map(|c| c.id.clone())
        .collect();
    let quote = context.steps.calls.iter().find_map(|c| {
        let first = code_children(c.call.field("arguments")?).next()?;
        (first.kind_name() == "string").then(|| text(first, source).chars().next())?
    });
    for (await_node, in_callback) in awaited {
        let Some(call) = code_children(await_node).next().map(unwrap_expression) else {
            continue;
        };
        if call.kind_name() != "call_expression" || is_harmless(context, tree, call) {
            continue;
        }
        let callee = callee_name(call, source);
        let is_send = is_inngest_send(call, source);
        let fix = if is_send {
            Err("no automatic fix: send it with `step.sendEvent(id, payload)` instead".to_string())
        } else if in_callback {
            Err(
                "no automatic fix: it runs in a callback once per item; give each item its own \
                 step (an ID with the item's key) by hand"
                    .to_string(),
            )
        } else {
            why_no_fix(context, await_node, call).map_or_else(
                || {
                    let id = first_free(&step_id_for(call, source), "-", |c| {
                        taken.iter().any(|t| t == c)
                    });
                    taken.push(id.clone());
                    wrap(context, call, &id, quote).ok_or_else(|| {
                        "no automatic fix: the handler destructures no `run` from `step`"
                            .to_string()
                    })
                },
                Err,
            )
        };
        let message = if is_send {
            format!(
                "`{callee}(…)` runs outside any step: the event is sent again every time the \
                 handler replays; use `step.sendEvent`"
            )
        } else {
            format!(
                "`await {callee}(…)` runs outside any step: it runs again every time the \
                 handler replays"
            )
        };
        out.push(Diagnostic {
            rule: NAME,
            range: await_node.byte_range(),
            message,
            function_id: context.function.id.clone(),
            function_start: function_statement_start(context.function.call),
            remedy: Remedy::from_result(fix),
            related: Vec::new(),
        });
    }
}

/// Array methods that call their callback right away, once per item.
const EAGER_ARRAY_METHODS: &[&str] = &[
    "map",
    "forEach",
    "flatMap",
    "filter",
    "reduce",
    "some",
    "every",
    "find",
    "findIndex",
];

/// Whether `function` is a callback the handler runs right away, outside step bodies:
/// passed to an eager array method (`items.map(async (item) => …)`), in a chain of such
/// callbacks up to the handler. An await in it that is not judged already by an awaited
/// `Promise.all(…)` around it (reported itself when it holds no step) is the handler's.
fn runs_during_handler(context: &HandlerContext, function: Node) -> bool {
    let source = context.source;
    let handler = context.handler.function;
    let mut function = function;
    loop {
        let Some(call) = function
            .parent_node()
            .filter(|a| a.kind_name() == "arguments")
            .and_then(|a| a.parent_node())
            .filter(|c| c.kind_name() == "call_expression")
        else {
            return false;
        };
        let method = call
            .field("function")
            .filter(|f| f.kind_name() == "member_expression")
            .and_then(|f| f.field("property"))
            .map_or("", |p| text(p, source));
        if !EAGER_ARRAY_METHODS.contains(&method) {
            return false;
        }
        // Inside an awaited `Promise.all(…)` without steps: that await is the finding.
        let mut up = call;
        while let Some(parent) = up.parent_node() {
            if crate::analysis::is_function(parent) {
                break;
            }
            if parent.kind_name() == "call_expression"
                && parent
                    .field("function")
                    .is_some_and(|f| text(f, source).starts_with("Promise."))
                && !context.steps.any_within(parent)
            {
                return false;
            }
            up = parent;
        }
        match enclosing_function(call) {
            Some(f) if f.id() == handler.id() => return true,
            Some(f) if context.steps.bodies.iter().any(|b| b.id() == f.id()) => return false,
            Some(f) => function = f,
            None => return false,
        }
    }
}

/// Method names that only read a response body already fetched.
const BODY_READERS: &[&str] = &["json", "text", "arrayBuffer", "blob", "formData"];
/// Functions that only wait.
const WAITS: &[&str] = &["sleep", "delay", "wait", "setTimeout", "setImmediate"];
/// The call that `call` chains `.then`/`.catch`/`.finally` on, if it does.
fn chained_call<'t>(call: Node<'t>, source: &str) -> Option<Node<'t>> {
    let function = unwrap_expression(call.field("function")?);
    if function.kind_name() != "member_expression" {
        return None;
    }
    let property = text(function.field("property")?, source);
    let inner = unwrap_expression(function.field("object")?);
    (matches!(property, "then" | "catch" | "finally") && inner.kind_name() == "call_expression")
        .then_some(inner)
}

/// The name of the function a call runs, through `.then`/`.catch`/`.finally` chains:
/// `getUser` of `getUser(id)`, `parseAsync` of `schema.parseAsync(x).catch(…)`.
fn effective_name<'s>(call: Node, source: &'s str) -> &'s str {
    let mut call = call;
    loop {
        let Some(function) = call.field("function").map(unwrap_expression) else {
            return "";
        };
        match function.kind_name() {
            "identifier" => return text(function, source),
            "member_expression" => {
                let property = function.field("property").map_or("", |p| text(p, source));
                let inner = function
                    .field("object")
                    .map(unwrap_expression)
                    .filter(|o| o.kind_name() == "call_expression");
                match inner {
                    Some(inner) if matches!(property, "then" | "catch" | "finally") => call = inner,
                    _ => return property,
                }
            }
            _ => return "",
        }
    }
}

/// Verbs of pure computation: `parseAsync`, `validateInput`, `formatDate`, `mapToEvent`,
/// `buildPayload`, `computeScore`, `renderTemplate`, `toCsv`… A call named so computes
/// a value; it is not the side effect this rule is about.
fn is_pure_name(name: &str) -> bool {
    const PURE_VERBS: &[&str] = &[
        "parse",
        "safeParse",
        "validate",
        "format",
        "map",
        "build",
        "compute",
        "calculate",
        "calc",
        "transform",
        "render",
        "convert",
        "normalize",
        "serialize",
        "sanitize",
        "extract",
        "to",
    ];
    PURE_VERBS.iter().any(|verb| {
        name.strip_prefix(verb).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

/// Whether `call` is handed the handler's own `publish` parameter.
fn hands_handler_publish(context: &HandlerContext, call: Node) -> bool {
    let source = context.source;
    let handler = context.handler.function;
    call.field("arguments").is_some_and(|arguments| {
        any_descendant(arguments, |n| {
            matches!(
                n.kind_name(),
                "identifier" | "shorthand_property_identifier"
            ) && text(n, source) == "publish"
                && resolve(n, handler, "publish", source).is_some_and(|s| s.id() == handler.id())
        })
    })
}

/// Logging methods: a log line written again on replay is noise, not a lost effect.
const LOG_LEVELS: &[&str] = &["log", "info", "warn", "error", "debug", "trace", "fatal"];

/// `log`, `logger`, `console`, `this.logger`, `appLogger`…
fn is_logger_name(receiver: &str) -> bool {
    let last = receiver.rsplit('.').next().unwrap_or(receiver);
    let lower = last.to_ascii_lowercase();
    lower == "log" || lower == "console" || lower.ends_with("logger") || lower == "logging"
}

/// Whether the file imports `@inngest/agent-kit`: its agents and networks run their
/// model calls and tools as steps of the function that runs them.
fn imports_agent_kit(program: Node, source: &str) -> bool {
    code_children(program).any(|statement| {
        statement.kind_name() == "import_statement"
            && statement.field("source").is_some_and(|s| {
                text(s, source)
                    .trim_matches(|c| c == '"' || c == '\'')
                    .starts_with("@inngest/agent-kit")
            })
    })
}

/// `Promise` statics.
const PROMISE_COMBINATORS: &[&str] = &["all", "allSettled", "race", "any"];

/// Whether the awaited `call` has no effect a replay repeats, or runs steps itself.
fn is_harmless(context: &HandlerContext, tree: &Tree, call: Node) -> bool {
    let source = context.source;
    let handler = context.handler.function;
    if context.steps.is_step_call(call) {
        return true;
    }
    // `step.run(…).then(…)`, `fetchUser().catch(…)`: judged by the call chained on.
    if let Some(inner) = chained_call(call, source) {
        return is_harmless(context, tree, inner);
    }
    let Some(function) = call.field("function") else {
        return true;
    };
    let function = unwrap_expression(function);
    let name = effective_name(call, source);
    if is_pure_name(name) {
        return true;
    }
    // A helper handed the handler's own realtime `publish` that publishes with it.
    if name.to_ascii_lowercase().starts_with("publish") && hands_handler_publish(context, call) {
        return true;
    }
    match function.kind_name() {
        "import" => true,
        "identifier" => {
            let name = text(function, source);
            if WAITS.contains(&name) {
                return true;
            }
            // The handler's own `publish` (realtime) is non-durable by design: Inngest
            // documents it for streaming updates whose duplicates are acceptable.
            if name == "publish"
                && resolve(function, handler, name, source).is_some_and(|s| s.id() == handler.id())
            {
                return true;
            }
            match resolve(function, handler, name, source) {
                // A function of the handler: harmless when it runs steps.
                Some(scope) => {
                    declared_function(scope, name, source).is_some_and(|f| {
                        context.steps.any_within(f) || reaches_step(f, context.binding, source)
                    }) || is_step_alias(context, scope, name)
                }
                None => module_function_reaches_step(tree.root_node(), name, context, source),
            }
        }
        "member_expression" => {
            let Some(object) = function.field("object").map(unwrap_expression) else {
                return true;
            };
            let property = function.field("property").map_or("", |p| text(p, source));
            let object_text = text(object, source);
            if object_text == "Promise" {
                // `Promise.resolve(…)`, a combinator over steps, or over promises made
                // earlier (`Promise.all([a, b])`: no call of its own).
                return !PROMISE_COMBINATORS.contains(&property)
                    || context.steps.any_within(call)
                    || call.field("arguments").is_some_and(|a| {
                        !any_descendant(a, |n| {
                            matches!(n.kind_name(), "call_expression" | "new_expression")
                        })
                    });
            }
            if BODY_READERS.contains(&property) && object.kind_name() == "identifier" {
                return true;
            }
            if object.kind_name() == "identifier" {
                let name = text(object, source);
                if let Some(scope) = resolve(object, handler, name, source) {
                    if is_step_alias(context, scope, name) {
                        return true;
                    }
                }
            }
            if LOG_LEVELS.contains(&property) && is_logger_name(object_text) {
                return true;
            }
            if property == "run" && imports_agent_kit(tree.root_node(), source) {
                return true;
            }
            is_handler_logger(context, object)
        }
        _ => false,
    }
}

/// Whether `name`, declared in `scope`, is taken from the step binding:
/// `const { run } = step`, `const tools = step`, `const s = ctx.step`,
/// `const { step } = ctx`.
fn is_step_alias(context: &HandlerContext, scope: Node, name: &str) -> bool {
    context
        .binding
        .names
        .iter()
        .any(|n| n.name == name && n.scope.is_none_or(|id| id == scope.id()))
}

/// Whether `object` is the handler's own `logger` (`logger.info`, `ctx.logger.info`).
fn is_handler_logger(context: &HandlerContext, object: Node) -> bool {
    let source = context.source;
    let handler = context.handler.function;
    match object.kind_name() {
        "identifier" => {
            text(object, source) == "logger"
                && resolve(object, handler, "logger", source)
                    .is_some_and(|s| s.id() == handler.id())
        }
        "member_expression" => {
            let is_logger = object
                .field("property")
                .is_some_and(|p| text(p, source) == "logger");
            let on_context = object.field("object").is_some_and(|o| {
                o.kind_name() == "identifier"
                    && resolve(o, handler, text(o, source), source)
                        .is_some_and(|s| s.id() == handler.id())
            });
            is_logger && on_context
        }
        _ => false,
    }
}

/// The function `name` declares in `scope`: a function declaration, or a `const` holding
/// an arrow function or function expression.
fn declared_function<'t>(scope: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let mut declared = Vec::new();
    crate::analysis::scope::declared_names(scope, source, &mut declared);
    let name_node = declared.into_iter().find(|n| text(*n, source) == name)?;
    let parent = name_node.parent_node()?;
    match parent.kind_name() {
        "function_declaration" | "generator_function_declaration" => Some(parent),
        "variable_declarator" => parent
            .field("value")
            .map(unwrap_expression)
            .filter(|v| crate::analysis::is_function(*v)),
        _ => None,
    }
}

/// Whether a function of the file calls a step tool on a name the handler's binding
/// uses (the v4 global `step`, or a `step` parameter of its own).
fn reaches_step(function: Node, binding: &StepBinding, source: &str) -> bool {
    let is_step_name = |name: &str| {
        name == "step"
            || binding
                .names
                .iter()
                .any(|n| n.holds == Holds::Object && n.name == name)
    };
    any_descendant(function, |node| {
        node.kind_name() == "member_expression"
            && node
                .field("object")
                .is_some_and(|o| o.kind_name() == "identifier" && is_step_name(text(o, source)))
            && node.field("property").is_some_and(|p| {
                matches!(
                    text(p, source),
                    "run"
                        | "sleep"
                        | "sleepUntil"
                        | "waitForEvent"
                        | "invoke"
                        | "sendEvent"
                        | "fetch"
                        | "ai"
                        | "realtime"
                        | "waitForSignal"
                        | "sendSignal"
                )
            })
    })
}

/// Whether `name`, not declared in the handler, is a function of the file that runs
/// steps, or (with the v4 global `step`) a function imported from a relative module,
/// which may use that global: neither is judged without seeing its body.
fn module_function_reaches_step(
    program: Node,
    name: &str,
    context: &HandlerContext,
    source: &str,
) -> bool {
    if let Some(function) = declared_function(program, name, source) {
        return reaches_step(function, context.binding, source);
    }
    // The v4 global `step` import has no declaring scope.
    let global_step = context.binding.names.iter().any(|n| n.scope.is_none());
    global_step && imported_from_relative(program, name, source)
}

/// Whether `name` is imported from a relative module (`./helpers`).
fn imported_from_relative(program: Node, name: &str, source: &str) -> bool {
    code_children(program).any(|statement| {
        statement.kind_name() == "import_statement"
            && statement.field("source").is_some_and(|s| {
                text(s, source)
                    .trim_matches(|c| c == '"' || c == '\'')
                    .starts_with('.')
            })
            && any_descendant(statement, |n| {
                n.kind_name() == "identifier" && text(n, source) == name
            })
    })
}

/// `inngest.send(…)`, `client.send(…)`: a `send` method on a receiver named like a client.
fn is_inngest_send(call: Node, source: &str) -> bool {
    let Some(function) = call.field("function") else {
        return false;
    };
    if function.kind_name() != "member_expression" {
        return false;
    }
    let property = function.field("property").map(|p| text(p, source));
    let object = function.field("object").map(|o| text(o, source));
    property == Some("send")
        && object.is_some_and(|o| {
            let last = o.rsplit('.').next().unwrap_or(o).to_ascii_lowercase();
            last.contains("inngest") || last == "client"
        })
}

/// The callee as written, on one line and at most 40 characters (`db.user.update`).
fn callee_name(call: Node, source: &str) -> String {
    // `fetch(url).then(…)` is about `fetch`.
    let mut call = call;
    while let Some(inner) = chained_call(call, source) {
        call = inner;
    }
    let callee = call.field("function").map_or("", |f| text(f, source));
    let one_line: String = callee.split_whitespace().collect::<Vec<_>>().join("");
    if one_line.chars().count() <= 40 {
        one_line
    } else {
        let tail: Vec<char> = one_line.chars().collect();
        format!("…{}", tail[tail.len() - 39..].iter().collect::<String>())
    }
}

/// Why the call cannot be wrapped in a step, if it cannot.
fn why_no_fix(context: &HandlerContext, await_node: Node, call: Node) -> Option<String> {
    if await_node.has_error() || await_node.parent_node().is_some_and(|p| p.is_error()) {
        return Some("no automatic fix: the code around it did not parse cleanly".to_string());
    }
    if context.binding.run_callee().is_none() {
        return Some("no automatic fix: the handler destructures no `run` from `step`".to_string());
    }
    if context.steps.any_within(call)
        || any_descendant(call, |n| {
            matches!(n.kind_name(), "await_expression" | "yield_expression")
        })
    {
        return Some(
            "no automatic fix: the call awaits or runs something itself; move it into a \
             `step.run` by hand"
                .to_string(),
        );
    }
    if callee_name(call, context.source).starts_with("Promise.") {
        return Some(
            "no automatic fix: wrap the whole batch in one `step.run`, or each item in its own"
                .to_string(),
        );
    }
    if relies_on_narrowing(context, await_node, call) {
        return Some(
            "no automatic fix: the call reads a name that a condition around it narrows, and \
             TypeScript does not carry that narrowing into the step's callback; wrap it by hand"
                .to_string(),
        );
    }
    if !result_survives_json(context, await_node) {
        return Some(
            "no automatic fix: its result is used in ways its JSON copy may not support \
             (passed on whole, or its type is declared); wrap it in `step.run` by hand"
                .to_string(),
        );
    }
    None
}

/// Whether a name the call reads is tested by a condition that governs the `await`: an
/// `if`/`?:`/`&&`/`||`/`switch` around it, or an earlier guard clause (`if (!x) return;`)
/// in an enclosing block. Moving the call into a callback loses that narrowing
/// (`if (account.email) await send(account.email)` stops type-checking).
fn relies_on_narrowing(context: &HandlerContext, await_node: Node, call: Node) -> bool {
    let source = context.source;
    let handler = context.handler.function;
    let read = paths(call, source);
    // A tested path narrows a read path that is it or goes through it; TypeScript keeps
    // the narrowing of a `const` (or a parameter of the handler) in callbacks, not that of
    // a property (`account.email`) or of a `let`.
    let narrows = |condition: Option<Node>| {
        condition.is_some_and(|c| {
            paths(c, source).iter().any(|(tested, node)| {
                let loses = tested.contains('.') || is_reassignable(context, *node);
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
fn is_reassignable(context: &HandlerContext, identifier: Node) -> bool {
    let source = context.source;
    let handler = context.handler.function;
    let name = text(identifier, source);
    let Some(scope) = resolve(identifier, handler, name, source) else {
        return false; // a module binding or a global
    };
    if scope.id() == handler.id() {
        return false; // the handler's own parameters are never reassigned by the SDK
    }
    let mut declared = Vec::new();
    crate::analysis::scope::declared_names(scope, source, &mut declared);
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
fn result_survives_json(context: &HandlerContext, await_node: Node) -> bool {
    let source = context.source;
    let Some(parent) = await_node.parent_node() else {
        return false;
    };
    match parent.kind_name() {
        "expression_statement" => true,
        // Returned: the run's output is JSON anyway, unless the handler declares its
        // return type (the step's JSON type may not match it).
        "return_statement" => context.handler.function.field("return_type").is_none(),
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
            let handler = context.handler.function;
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
        .filter(|a| crate::analysis::is_function(*a))
        .all(|callback| {
            let mut parameters = Vec::new();
            if let Some(single) = callback.field("parameter") {
                crate::analysis::scope::pattern_names(single, &mut parameters);
            }
            if let Some(list) = callback.field("parameters") {
                for parameter in code_children(list) {
                    crate::analysis::scope::pattern_names(parameter, &mut parameters);
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
                if property == "size" {
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
fn step_id_for(call: Node, source: &str) -> String {
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

/// The edit wrapping the call in a step: `getUser(id)` becomes
/// `step.run("get-user", () => getUser(id))`; the `await` stays where it was.
fn wrap(context: &HandlerContext, call: Node, id: &str, quote: Option<char>) -> Option<Fix> {
    let callee = context.binding.run_callee()?;
    let quote = context.style.style(context.source, quote).quote;
    let called = text(call, context.source);
    Some(Fix {
        edits: vec![Edit {
            range: call.byte_range(),
            replacement: format!("{callee}({quote}{id}{quote}, () => {called})"),
        }],
        applicability: Applicability::NeedsReview,
        waiting_note: Some("`--unsafe-fixes` wraps it in a step"),
    })
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
