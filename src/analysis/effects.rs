//! What a call outside step bodies does to the world, as far as the file shows: whether
//! it runs steps, only computes (parsing, validation, crypto, rendering, a function of
//! the file that reaches no I/O), only waits or logs, or may be I/O that a replay repeats.
//!
//! Owns: that classification ([`Effects::is_harmless`], [`Effects::is_io_started`]),
//! which callbacks the handler runs right away ([`Effects::runs_during_handler`]), and
//! whether a step can run after a point of the handler ([`Effects::step_may_follow`]):
//! code with no step after it on any path runs once. Decided from known pure and known
//! I/O APIs (the tables below), from what a function of the file does (its body reaches
//! no call that may be I/O), and from the user (`pure` and `side-effects` in
//! `inngest-fix.toml`). Does not own whether a wrap of the call is safe
//! ([`super::wrap`]), nor any message.

use super::kind::KindName;
use super::Navigate;
use tree_sitter::Node;

use super::binding::{Holds, StepBinding};
use super::model::FileModel;
use super::scope::resolve;
use super::steps::HandlerSteps;
use super::{
    any_descendant, code_children, contains, enclosing_function, is_function, root_name, text,
    unwrap_expression,
};

/// What a rule knows about one handler, for judging its calls.
pub struct Effects<'a, 't> {
    pub source: &'t str,
    /// The handler function.
    pub handler: Node<'t>,
    pub binding: &'a StepBinding,
    pub steps: &'a HandlerSteps<'t>,
    pub model: &'a FileModel<'t>,
    /// Callee names the user declares pure (`pure` in `inngest-fix.toml`).
    pub pure: &'a [String],
    /// Callee names the user declares side effects (`side-effects`).
    pub side_effects: &'a [String],
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

/// Method names that only read a response body already fetched.
const BODY_READERS: &[&str] = &["json", "text", "arrayBuffer", "blob", "formData"];
/// Functions that only wait.
const WAITS: &[&str] = &["sleep", "delay", "wait", "setTimeout", "setImmediate"];
/// Logging methods: a log line written again on replay is noise, not a lost effect.
const LOG_LEVELS: &[&str] = &["log", "info", "warn", "error", "debug", "trace", "fatal"];
/// `Promise` statics.
const PROMISE_COMBINATORS: &[&str] = &["all", "allSettled", "race", "any"];

/// Packages whose functions only compute (crypto, tokens, validation, rendering,
/// parsing, formatting): a call rooted at a name imported from one is not I/O.
const PURE_PACKAGES: &[&str] = &[
    "jose",
    "jsonwebtoken",
    "bcrypt",
    "bcryptjs",
    "argon2",
    "crypto",
    "node:crypto",
    "zod",
    "yup",
    "valibot",
    "joi",
    "@react-email/render",
    "@react-email/components",
    "react-dom/server",
    "marked",
    "date-fns",
    "dayjs",
    "lodash",
    "uuid",
    "nanoid",
    "slugify",
    "papaparse",
    "gray-matter",
    "handlebars",
    "mustache",
    "superjson",
];

/// Receivers whose methods only compute: WebCrypto (`crypto.subtle.digest`), the
/// token and hashing libraries, the builtins.
const PURE_RECEIVERS: &[&str] = &[
    "crypto", "subtle", "jwt", "jose", "bcrypt", "argon2", "JSON", "Math", "Object", "Array",
    "Buffer", "Number", "String", "Date", "z",
];

/// Functions named for computing on data in hand, whatever module they come from:
/// WebCrypto's and jose's (`importKey`, `jwtVerify`), the encryption and token helpers
/// projects write (`decrypt`, `hashPassword`, `signToken`, `verifyJwt`).
fn is_crypto_name(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "digest",
        "importKey",
        "exportKey",
        "deriveKey",
        "deriveBits",
        "generateKey",
        "wrapKey",
        "unwrapKey",
        "jwtVerify",
        "jwtDecrypt",
        "compactDecrypt",
        "compactVerify",
        "flattenedDecrypt",
        "decodeJwt",
        "importJWK",
        "importPKCS8",
        "importSPKI",
        "exportJWK",
        "pbkdf2",
        "scrypt",
        "createHmac",
        "createHash",
        "timingSafeEqual",
    ];
    if EXACT.contains(&name) {
        return true;
    }
    // `createClient()`, `createServerClient()`: building a client does no I/O yet.
    if name.starts_with("create") && name.ends_with("Client") {
        return true;
    }
    let words = camel_words(name);
    let first = words.first().map(String::as_str).unwrap_or("");
    let token_like = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "token" | "jwt" | "signature" | "hmac" | "password" | "hash" | "webhook" | "payload"
        )
    });
    matches!(first, "encrypt" | "decrypt" | "hash" | "unseal" | "seal")
        || (matches!(first, "sign" | "verify" | "compare") && (token_like || words.len() == 1))
}

/// The lower-case words of a camelCase or snake_case name: `verifyJwtToken` → verify,
/// jwt, token.
pub fn camel_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let boundary = c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if (!c.is_ascii_alphanumeric() || boundary) && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
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
    }) || is_crypto_name(name)
}

/// Known I/O: `fetch`, and the write methods of a database or HTTP client
/// (`db.audit.insert(…)`, `prisma.user.create(…)`, `axios.post(…)`).
fn is_known_io(call: Node, source: &str) -> bool {
    let Some(function) = call.field("function").map(unwrap_expression) else {
        return false;
    };
    match function.kind_name() {
        "identifier" => matches!(text(function, source), "fetch" | "$fetch" | "ofetch"),
        "member_expression" => {
            let property = function.field("property").map_or("", |p| text(p, source));
            matches!(
                property,
                "insert"
                    | "insertMany"
                    | "create"
                    | "createMany"
                    | "update"
                    | "updateMany"
                    | "upsert"
                    | "delete"
                    | "deleteMany"
                    | "post"
                    | "put"
                    | "patch"
                    | "mutation"
                    | "send"
                    | "publish"
                    | "track"
                    | "capture"
                    | "rpc"
                    | "execute"
            ) || property == "fetch"
        }
        _ => false,
    }
}

/// `log`, `logger`, `console`, `this.logger`, `appLogger`…
fn is_logger_name(receiver: &str) -> bool {
    let last = receiver.rsplit('.').next().unwrap_or(receiver);
    let lower = last.to_ascii_lowercase();
    lower == "log" || lower == "console" || lower.ends_with("logger") || lower == "logging"
}

/// The call that `call` chains `.then`/`.catch`/`.finally` on, if it does.
pub fn chained_call<'t>(call: Node<'t>, source: &str) -> Option<Node<'t>> {
    let function = unwrap_expression(call.field("function")?);
    if function.kind_name() != "member_expression" {
        return None;
    }
    let property = text(function.field("property")?, source);
    let inner = unwrap_expression(function.field("object")?);
    (matches!(property, "then" | "catch" | "finally") && inner.kind_name() == "call_expression")
        .then_some(inner)
}

/// The innermost call of a `.then`/`.catch`/`.finally` chain.
pub fn chain_root<'t>(call: Node<'t>, source: &str) -> Node<'t> {
    let mut call = call;
    while let Some(inner) = chained_call(call, source) {
        call = inner;
    }
    call
}

/// The name of the function a call runs, through `.then`/`.catch`/`.finally` chains:
/// `getUser` of `getUser(id)`, `parseAsync` of `schema.parseAsync(x).catch(…)`.
fn effective_name<'s>(call: Node, source: &'s str) -> &'s str {
    let call = chain_root(call, source);
    let Some(function) = call.field("function").map(unwrap_expression) else {
        return "";
    };
    match function.kind_name() {
        "identifier" => text(function, source),
        "member_expression" => function.field("property").map_or("", |p| text(p, source)),
        _ => "",
    }
}

/// `inngest.send(…)`, `client.send(…)`: a `send` method on a receiver named like a client.
pub fn is_inngest_send(call: Node, source: &str) -> bool {
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

/// Whether the user names the callee in `names`: its full text (`analytics.track`) or
/// its last name (`track`).
fn named_in(names: &[String], call: Node, source: &str) -> bool {
    if names.is_empty() {
        return false;
    }
    let Some(function) = call.field("function") else {
        return false;
    };
    let full: String = text(function, source).split_whitespace().collect();
    let last = effective_name(call, source);
    names.iter().any(|n| *n == full || n == last)
}

/// One side effect outside step bodies: the node to report, the call, and how it runs.
pub struct SideEffect<'t> {
    pub node: Node<'t>,
    pub call: Node<'t>,
    pub how: How,
}

/// How a side effect outside steps runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Awaited by the handler's own code.
    Awaited,
    /// Awaited in a callback the handler runs right away (per item, or chained).
    InCallback,
    /// Started and not awaited.
    Unawaited,
}

impl<'a, 't> Effects<'a, 't> {
    /// The side effects outside the handler's step bodies, in source order, whether or
    /// not a step follows them: awaits of calls that are not harmless, in the handler or
    /// in callbacks it runs right away, and I/O started without `await`.
    pub fn side_effects(&self) -> Vec<SideEffect<'t>> {
        let handler = self.handler;
        let mut found = Vec::new();
        super::for_each_descendant(handler, |node| {
            let kind = node.kind_name();
            if !matches!(kind, "await_expression" | "expression_statement")
                || self.steps.body_containing(node).is_some()
            {
                return;
            }
            let in_callback = match enclosing_function(node) {
                Some(f) if f.id() == handler.id() => false,
                Some(f) if self.runs_during_handler(f) => true,
                _ => return,
            };
            if kind == "await_expression" {
                let Some(call) = code_children(node).next().map(unwrap_expression) else {
                    return;
                };
                if call.kind_name() == "call_expression" && !self.is_harmless(call) {
                    let how = if in_callback {
                        How::InCallback
                    } else {
                        How::Awaited
                    };
                    found.push(SideEffect { node, call, how });
                }
            } else if let Some((call, voided)) = unawaited_call_statement(node) {
                if self.is_io_started(call, voided) {
                    found.push(SideEffect {
                        node,
                        call,
                        how: How::Unawaited,
                    });
                }
            }
        });
        found
    }

    /// Whether the awaited `call` has no effect a replay repeats, or runs steps itself.
    pub fn is_harmless(&self, call: Node<'t>) -> bool {
        let source = self.source;
        if self.steps.is_step_call(call) {
            return true;
        }
        // `step.run(…).then(…)`, `fetchUser().catch(…)`: judged by the call chained on.
        if let Some(inner) = chained_call(call, source) {
            return self.is_harmless(inner);
        }
        let Some(function) = call.field("function").map(unwrap_expression) else {
            return true;
        };
        let is_promise = text(function, source).starts_with("Promise.");
        // A wrapper handed a callback that runs steps (`Sentry.startSpan(…, async () =>
        // { await step.run(…) })`, `group.parallel(…)`, `items.reduce(…)`) runs steps:
        // its callbacks' own awaits are judged one by one.
        if !is_promise && self.steps.any_within(call) {
            return true;
        }
        if named_in(self.side_effects, call, source) {
            return false;
        }
        if named_in(self.pure, call, source) {
            return true;
        }
        let name = effective_name(call, source);
        if is_pure_name(name) {
            return true;
        }
        // A helper handed the handler's own realtime `publish` that publishes with it.
        if name.to_ascii_lowercase().starts_with("publish") && self.hands_handler_publish(call) {
            return true;
        }
        if self.is_pure_api(function) {
            return true;
        }
        match function.kind_name() {
            "import" => true,
            "identifier" => self.is_harmless_function_name(function),
            "member_expression" => self.is_harmless_method(call, function),
            _ => false,
        }
    }

    /// Whether the unawaited `call` (a statement of its own) starts I/O: it is chained on
    /// (`.catch(…)` makes it a promise), `void`ed, or known I/O.
    pub fn is_io_started(&self, call: Node<'t>, voided: bool) -> bool {
        let source = self.source;
        let root = chain_root(call, source);
        if self.steps.any_within(call) {
            return false; // unawaited-step reports these
        }
        // `inngest.send(…)` on its own line: `unawaited-send` adds its `await`, and the
        // send is a side effect either way (the same finding before and after that fix).
        if is_inngest_send(root, source) {
            return true;
        }
        let promise = voided || root.id() != call.id();
        let io = named_in(self.side_effects, root, source) || is_known_io(root, source);
        (promise || io) && !self.is_harmless(root) && !self.is_logger_call(root)
    }

    /// `logger.info(…)`, `console.log(…)`.
    fn is_logger_call(&self, call: Node) -> bool {
        let Some(function) = call.field("function").map(unwrap_expression) else {
            return false;
        };
        function.kind_name() == "member_expression"
            && function
                .field("property")
                .is_some_and(|p| LOG_LEVELS.contains(&text(p, self.source)))
            && function
                .field("object")
                .is_some_and(|o| is_logger_name(text(o, self.source)))
    }

    /// A call of a known pure API: rooted at a name imported from a pure package, at a
    /// pure receiver (`crypto.subtle.digest`), or a method of one.
    fn is_pure_api(&self, function: Node<'t>) -> bool {
        let source = self.source;
        let Some(root) = root_name(function) else {
            return false;
        };
        let root_text = text(root, source);
        let declared = resolve(root, self.model.root(), root_text, source).is_some();
        if !declared {
            if let Some(import) = self.model.imports().get(root_text) {
                return PURE_PACKAGES.contains(&import.specifier.as_str());
            }
        }
        function.kind_name() == "member_expression" && !declared && {
            // `crypto.subtle.digest`, `jwt.verify`: every name of the receiver chain.
            let mut node = function.field("object").map(unwrap_expression);
            let mut pure = false;
            while let Some(current) = node {
                let name = match current.kind_name() {
                    "identifier" => text(current, source),
                    "member_expression" => {
                        current.field("property").map_or("", |p| text(p, source))
                    }
                    _ => break,
                };
                pure |= PURE_RECEIVERS.contains(&name);
                node = current.field("object").map(unwrap_expression);
            }
            pure
        }
    }

    /// A call of a bare name: a wait, the handler's own `publish`, a step alias, a
    /// function of the file that runs steps or reaches no I/O.
    fn is_harmless_function_name(&self, function: Node<'t>) -> bool {
        let source = self.source;
        let handler = self.handler;
        let name = text(function, source);
        if WAITS.contains(&name) {
            return true;
        }
        // The handler's own `publish` (realtime) is non-durable by design: Inngest
        // documents it for streaming updates whose duplicates are acceptable.
        let scope = resolve(function, handler, name, source);
        if name == "publish" && scope.is_some_and(|s| s.id() == handler.id()) {
            return true;
        }
        match scope {
            // A function of the handler: harmless when it runs steps or reaches no I/O.
            // Anything else it holds (a parameter, a value taken from one) is not seen.
            Some(scope) => {
                self.is_step_alias(scope, name)
                    || declared_function(scope, name, source)
                        .is_some_and(|f| self.runs_steps(f) || self.reaches_no_io(f, 0))
            }
            None => self.module_function_is_harmless(name, function),
        }
    }

    /// A method call: a `Promise` combinator over steps or promises in hand, a body
    /// reader, a step alias, a logger, agent-kit's `run`, the realtime `publish`.
    fn is_harmless_method(&self, call: Node<'t>, function: Node<'t>) -> bool {
        let source = self.source;
        let handler = self.handler;
        let Some(object) = function.field("object").map(unwrap_expression) else {
            return true;
        };
        let property = function.field("property").map_or("", |p| text(p, source));
        let object_text = text(object, source);
        if object_text == "Promise" {
            // `Promise.resolve(…)`, a combinator over steps, or over promises made
            // earlier (`Promise.all([a, b])`: no call of its own).
            return !PROMISE_COMBINATORS.contains(&property)
                || self.steps.any_within(call)
                || call.field("arguments").is_some_and(|a| {
                    !any_descendant(a, |n| {
                        matches!(n.kind_name(), "call_expression" | "new_expression")
                    })
                });
        }
        if BODY_READERS.contains(&property) && object.kind_name() == "identifier" {
            return true;
        }
        if let Some(root) = root_name(object) {
            let name = text(root, source);
            if let Some(scope) = resolve(root, handler, name, source) {
                if self.is_step_alias(scope, name) {
                    return true;
                }
            }
        }
        if LOG_LEVELS.contains(&property) && is_logger_name(object_text) {
            return true;
        }
        // `inngest.realtime.publish(…)`: realtime is non-durable by design, as the
        // handler's own `publish`.
        if property == "publish"
            && object.kind_name() == "member_expression"
            && object
                .field("property")
                .is_some_and(|p| text(p, source) == "realtime")
        {
            return true;
        }
        if property == "run" && self.model.imports().imports_from("@inngest/agent-kit") {
            return true;
        }
        self.is_handler_logger(object)
    }

    /// Whether `call` is handed the handler's own `publish` parameter.
    fn hands_handler_publish(&self, call: Node) -> bool {
        let source = self.source;
        let handler = self.handler;
        call.field("arguments").is_some_and(|arguments| {
            any_descendant(arguments, |n| {
                matches!(
                    n.kind_name(),
                    "identifier" | "shorthand_property_identifier"
                ) && text(n, source) == "publish"
                    && resolve(n, handler, "publish", source)
                        .is_some_and(|s| s.id() == handler.id())
            })
        })
    }

    /// Whether `name`, declared in `scope`, is taken from the step binding:
    /// `const { run } = step`, `const tools = step`, `const s = ctx.step`,
    /// `const { step } = ctx`.
    fn is_step_alias(&self, scope: Node, name: &str) -> bool {
        self.binding
            .names
            .iter()
            .any(|n| n.name == name && n.scope.is_none_or(|id| id == scope.id()))
    }

    /// Whether `object` is the handler's own `logger` (`logger.info`, `ctx.logger.info`).
    fn is_handler_logger(&self, object: Node) -> bool {
        let source = self.source;
        let handler = self.handler;
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

    /// Whether `call` calls a function of the handler or the file that runs steps
    /// (`await fanOut()`, `await processAll(items)`).
    fn calls_function_running_steps(&self, call: Node<'t>) -> bool {
        let source = self.source;
        let Some(function) = call.field("function").map(unwrap_expression) else {
            return false;
        };
        if function.kind_name() != "identifier" {
            return false;
        }
        let name = text(function, source);
        let program = self.model.root();
        resolve(function, program, name, source)
            .and_then(|scope| declared_function(scope, name, source))
            .is_some_and(|f| self.runs_steps(f))
    }

    /// Whether a function of the file calls a step tool on a name the handler's binding
    /// uses (the v4 global `step`, or a `step` parameter of its own).
    fn runs_steps(&self, function: Node) -> bool {
        let source = self.source;
        let is_step_name = |name: &str| {
            name == "step"
                || self
                    .binding
                    .names
                    .iter()
                    .any(|n| n.holds == Holds::Object && n.name == name)
        };
        self.steps.any_within(function)
            || any_descendant(function, |node| {
                node.kind_name() == "member_expression"
                    && node.field("object").is_some_and(|o| {
                        o.kind_name() == "identifier" && is_step_name(text(o, source))
                    })
                    && node
                        .field("property")
                        .is_some_and(|p| super::steps::is_tool_or_namespace(text(p, source)))
            })
    }

    /// Whether `name`, not declared in the handler, is a function of the file that runs
    /// steps or reaches no I/O, or (with the v4 global `step`) a function imported from a
    /// relative module, which may use that global: not judged without seeing its body.
    fn module_function_is_harmless(&self, name: &str, at: Node<'t>) -> bool {
        let program = self.model.root();
        let scope = resolve(at, program, name, self.source).unwrap_or(program);
        if let Some(function) = declared_function(scope, name, self.source) {
            return self.runs_steps(function) || self.reaches_no_io(function, 0);
        }
        // The v4 global `step` import has no declaring scope.
        let global_step = self.binding.names.iter().any(|n| n.scope.is_none());
        global_step
            && self.model.imports().get(name).is_some_and(|i| {
                i.specifier.starts_with('.')
                    || matches!(
                        self.model.imports().resolve(&i.specifier),
                        super::imports::Resolution::Project(_)
                    )
            })
    }

    /// Whether no call in `function` may be I/O: every call in it is a known pure API,
    /// named for computation, a method of a value in hand (`bytes.map(…)`), a builtin,
    /// or a function of the file that itself reaches no I/O (followed three deep).
    pub fn reaches_no_io(&self, function: Node<'t>, depth: usize) -> bool {
        if depth > 3 {
            return false;
        }
        let source = self.source;
        let mut io = false;
        super::for_each_descendant(function, |node| {
            if io {
                return;
            }
            io = match node.kind_name() {
                "call_expression" => !self.is_local_call(node, function, depth),
                "new_expression" => node.field("constructor").is_none_or(|c| {
                    !matches!(
                        text(c, source),
                        "TextEncoder"
                            | "TextDecoder"
                            | "Uint8Array"
                            | "ArrayBuffer"
                            | "Date"
                            | "Map"
                            | "Set"
                            | "URL"
                            | "URLSearchParams"
                            | "Error"
                            | "RegExp"
                            | "Array"
                            | "Intl.NumberFormat"
                            | "Intl.DateTimeFormat"
                    )
                }),
                _ => false,
            };
        });
        !io
    }

    /// One call inside a function judged by [`Self::reaches_no_io`].
    fn is_local_call(&self, call: Node<'t>, within: Node<'t>, depth: usize) -> bool {
        let source = self.source;
        let Some(function) = call.field("function").map(unwrap_expression) else {
            return false;
        };
        if named_in(self.side_effects, call, source) {
            return false;
        }
        if named_in(self.pure, call, source) || is_pure_name(effective_name(call, source)) {
            return true;
        }
        if self.is_pure_api(function) {
            return true;
        }
        match function.kind_name() {
            "identifier" => {
                let name = text(function, source);
                if matches!(
                    name,
                    "String"
                        | "Number"
                        | "Boolean"
                        | "parseInt"
                        | "parseFloat"
                        | "encodeURIComponent"
                        | "decodeURIComponent"
                        | "btoa"
                        | "atob"
                        | "isNaN"
                        | "structuredClone"
                ) {
                    return true;
                }
                let program = self.model.root();
                let scope = resolve(function, program, name, source);
                // A parameter or local of the function itself: not seen.
                if scope.is_some_and(|s| contains(within, s) || s.id() == within.id()) {
                    return false;
                }
                scope
                    .and_then(|s| declared_function(s, name, source))
                    .is_some_and(|f| f.id() != within.id() && self.reaches_no_io(f, depth + 1))
            }
            "member_expression" => {
                let property = function.field("property").map_or("", |p| text(p, source));
                let object = function.field("object").map(unwrap_expression);
                // Methods of arrays, strings, numbers and typed arrays in hand.
                const VALUE_METHODS: &[&str] = &[
                    "map",
                    "filter",
                    "forEach",
                    "find",
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
                    "push",
                    "pop",
                    "shift",
                    "unshift",
                    "sort",
                    "reverse",
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
                    "toISOString",
                    "getTime",
                    "localeCompare",
                    "match",
                    "keys",
                    "values",
                    "entries",
                    "from",
                    "subarray",
                    "encode",
                    "decode",
                    "set",
                    "get",
                    "has",
                    "charCodeAt",
                    "codePointAt",
                    "fill",
                ];
                VALUE_METHODS.contains(&property)
                    || (LOG_LEVELS.contains(&property)
                        && object.is_some_and(|o| is_logger_name(text(o, source))))
            }
            _ => false,
        }
    }

    /// Whether `function` is a callback the handler runs right away, outside step
    /// bodies: passed to an eager array method (`items.map(async (item) => …)`), chained
    /// with `.then`/`.catch`/`.finally` on a step or a call judged harmless (the callback
    /// runs on every replay that reaches it, a `.catch` after the step failed), or
    /// handed to a wrapper with the steps it runs (`Sentry.startSpan(…, async () => {
    /// await step.run(…) })`); in a chain of such callbacks up to the handler. An await
    /// in it that is not judged already by an awaited `Promise.all(…)` around it
    /// (reported itself when it holds no step) is the handler's.
    pub fn runs_during_handler(&self, function: Node<'t>) -> bool {
        let source = self.source;
        let handler = self.handler;
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
            let callee = call.field("function").map(unwrap_expression);
            let method = callee
                .filter(|f| f.kind_name() == "member_expression")
                .and_then(|f| f.field("property"))
                .map_or("", |p| text(p, source));
            let eager = EAGER_ARRAY_METHODS.contains(&method);
            let chained = matches!(method, "then" | "catch" | "finally")
                && chained_call(call, source).is_some_and(|inner| self.is_harmless(inner));
            let is_promise = callee.is_some_and(|f| text(f, source).starts_with("Promise."));
            let wrapper = !is_promise && self.steps.any_within(function);
            if !eager && !chained && !wrapper {
                return false;
            }
            // Inside an awaited `Promise.all(…)` without steps: that await is the finding.
            let mut up = call;
            while let Some(parent) = up.parent_node() {
                if is_function(parent) {
                    break;
                }
                if parent.kind_name() == "call_expression"
                    && parent
                        .field("function")
                        .is_some_and(|f| text(f, source).starts_with("Promise."))
                    && !self.steps.any_within(parent)
                {
                    return false;
                }
                up = parent;
            }
            match enclosing_function(call) {
                Some(f) if f.id() == handler.id() => return true,
                Some(f) if self.steps.bodies.iter().any(|b| b.id() == f.id()) => return false,
                Some(f) => function = f,
                None => return false,
            }
        }
    }

    /// Whether a step can run after `node` in the same execution: a step-running call
    /// after it on some path (the statements after it in its blocks, up to a `return` or
    /// `throw` that leaves the handler), or one anywhere in a loop (or a callback the
    /// handler runs per item) around it, whose next iteration runs after it. Code with
    /// no step after it runs once: the request that reaches it finishes the run.
    pub fn step_may_follow(&self, node: Node<'t>) -> bool {
        let end = node.end_byte();
        let mut child = node;
        // A `return`/`throw` ended the path inside a callback: only the code after that
        // callback's call, and its own next runs, can follow.
        let mut exited_callback = false;
        while let Some(parent) = child.parent_node() {
            if parent.id() == self.handler.id() {
                return false;
            }
            let kind = parent.kind_name();
            let is_block = matches!(kind, "statement_block" | "switch_case" | "switch_default");
            if is_block && !exited_callback && self.leaves(child, parent) {
                // `return await save(…)`, `{ await alert(…); throw err }`'s `throw`.
                match self.enclosing_callback(parent) {
                    None => return false,
                    Some(_) => exited_callback = true,
                }
            }
            if is_block && !exited_callback {
                for sibling in code_children(parent).filter(|s| s.start_byte() >= child.end_byte())
                {
                    if self.has_step_after(sibling, end) {
                        return true;
                    }
                    if self.leaves(sibling, parent) {
                        match self.enclosing_callback(parent) {
                            None => return false,
                            Some(_) => {
                                exited_callback = true;
                                break;
                            }
                        }
                    }
                }
            } else if !exited_callback && self.has_step_after(parent, end) {
                return true;
            }
            let repeats = matches!(
                kind,
                "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
            ) && !exited_callback;
            if (repeats || is_function(parent)) && self.steps.any_within(parent) {
                return true;
            }
            if is_function(parent) {
                exited_callback = false;
            }
            child = parent;
        }
        false
    }

    /// Whether a step-running call in `root` starts at or after `end`.
    fn has_step_after(&self, root: Node<'t>, end: usize) -> bool {
        if self
            .steps
            .calls
            .iter()
            .any(|c| c.call.start_byte() >= end && contains(root, c.call))
        {
            return true;
        }
        let mut found = false;
        super::for_each_descendant(root, |n| {
            found = found
                || (n.start_byte() >= end
                    && n.kind_name() == "call_expression"
                    && self.steps.body_containing(n).is_none()
                    && self.calls_function_running_steps(n));
        });
        found
    }

    /// Whether `statement`, in `block`, ends the path: a `return` or `throw` that no
    /// `catch` or `finally` of the same function goes on from.
    fn leaves(&self, statement: Node<'t>, block: Node<'t>) -> bool {
        match statement.kind_name() {
            // A `catch` does not catch a `return`; only a `finally` runs after it.
            "return_statement" => !self.inside_try(block, true),
            "throw_statement" => !self.inside_try(block, false),
            _ => false,
        }
    }

    /// Whether `node` is inside the block of a `try` of its function (unless
    /// `finally_only`: a `catch` does not catch a `return`), or anywhere in a `try` with a
    /// `finally` (a `throw` or `return` there may go on in a `catch` or `finally`).
    fn inside_try(&self, node: Node<'t>, finally_only: bool) -> bool {
        let mut child = node;
        let mut up = Some(node);
        while let Some(current) = up {
            if current.id() == self.handler.id() || is_function(current) {
                return false;
            }
            if current.kind_name() == "try_statement"
                && (current.field("finalizer").is_some()
                    || (!finally_only
                        && current.field("body").is_some_and(|b| b.id() == child.id())))
            {
                return true;
            }
            child = current;
            up = current.parent_node();
        }
        false
    }

    /// The function inside the handler that holds `node`, if it is not the handler.
    fn enclosing_callback(&self, node: Node<'t>) -> Option<Node<'t>> {
        enclosing_function(node).filter(|f| f.id() != self.handler.id())
    }
}

/// The function `name` declares in `scope`: a function declaration, or a `const` holding
/// an arrow function or function expression.
fn declared_function<'t>(scope: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let mut declared = Vec::new();
    super::scope::declared_names(scope, source, &mut declared);
    let name_node = declared.into_iter().find(|n| text(*n, source) == name)?;
    let parent = name_node.parent_node()?;
    match parent.kind_name() {
        "function_declaration" | "generator_function_declaration" => Some(parent),
        "variable_declarator" => parent
            .field("value")
            .map(unwrap_expression)
            .filter(|v| is_function(*v)),
        _ => None,
    }
}

/// The callee as written, on one line and at most 40 characters (`db.user.update`).
pub fn callee_name(call: Node, source: &str) -> String {
    // `fetch(url).then(…)` is about `fetch`.
    let call = chain_root(call, source);
    let callee = call.field("function").map_or("", |f| text(f, source));
    let one_line: String = callee.split_whitespace().collect::<Vec<_>>().join("");
    if one_line.chars().count() <= 40 {
        one_line
    } else {
        let tail: Vec<char> = one_line.chars().collect();
        format!("…{}", tail[tail.len() - 39..].iter().collect::<String>())
    }
}

/// Whether the statement's expression is the call itself, unawaited: `save(x);`,
/// `save(x).catch(…);`, `void save(x);`. Returns the call and whether it is `void`ed.
pub fn unawaited_call_statement(statement: Node) -> Option<(Node, bool)> {
    let expression = unwrap_expression(code_children(statement).next()?);
    match expression.kind_name() {
        "call_expression" => Some((expression, false)),
        "unary_expression" => {
            let argument = unwrap_expression(expression.field("argument")?);
            let voided = expression.child(0).is_some_and(|o| o.kind_name() == "void");
            (voided && argument.kind_name() == "call_expression").then_some((argument, true))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{camel_words, is_crypto_name, is_pure_name};

    #[test]
    fn words_and_names() {
        assert_eq!(camel_words("verifyJwtToken"), ["verify", "jwt", "token"]);
        assert_eq!(camel_words("getAPIKey"), ["get", "api", "key"]);
        assert!(is_crypto_name("decrypt"));
        assert!(is_crypto_name("decryptToken"));
        assert!(is_crypto_name("verifyWebhookSignature"));
        assert!(is_crypto_name("sign"));
        assert!(!is_crypto_name("verifyEmail"));
        assert!(!is_crypto_name("signUp"));
        assert!(is_pure_name("parseAsync"));
        assert!(!is_pure_name("parser"));
    }
}
