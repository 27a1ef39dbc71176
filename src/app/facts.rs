//! The app facts of one file: what the app-wide rules and `inngest-fix graph` read.
//!
//! Owns: reading, from one parsed file, its Inngest clients (`new Inngest({ id })`), its
//! functions (`X.createFunction(…)`: client, `id`, triggers, options as [`Value`]s), the
//! events it sends (`X.send(…)`, `step.sendEvent(…)`), its `step.invoke` calls and its
//! sleeps (`step.sleep`, `step.sleepUntil`, `step.waitForEvent`), with the string
//! constants of the file that event names may come from, and its imports resolved once.
//! Does not own: joining files into apps ([`super::app`]), judging values (the rules).
//!
//! Everything here is owned data (no tree lifetimes): the walker threads build it, the
//! app stage reads it after the walk.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use tree_sitter::Node;

use crate::analysis::imports::{Imported, Imports, Resolution};
use crate::language::{self, Lang};

/// A value of an options object as the code writes it, with its range.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, from a literal or a `const` of the file.
    Str(String),
    /// A number literal.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `[…]`, each element with its range.
    Array(Vec<(Value, Range<usize>)>),
    /// `{ … }`: each key, its value and the value's range (spreads and computed keys are
    /// left out; [`Value::Object`]'s `complete` says whether any was).
    Object {
        entries: Vec<(String, Value, Range<usize>)>,
        complete: bool,
    },
    /// `null`.
    Null,
    /// Anything else: a variable, a call, an expression; not known before run time.
    Unknown,
}

impl Value {
    /// The value of `key`, when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<(&Value, &Range<usize>)> {
        match self {
            Value::Object { entries, .. } => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, r)| (v, r)),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// `new Inngest({ id })`.
#[derive(Debug, Clone)]
pub struct Client {
    /// The variable it is assigned to (`export const inngest = new Inngest(…)`).
    pub variable: Option<String>,
    /// The client's `id` (the app ID), when known.
    pub id: Option<String>,
    /// `export default new Inngest(…)`, or the variable exported as default.
    pub is_default_export: bool,
    /// The `new Inngest(…)` expression.
    pub range: Range<usize>,
    /// Event names of the client's `schemas` (`EventSchemas().fromRecord<{ "a/b": … }>()`).
    pub schema_events: Vec<String>,
}

/// What a function triggers on.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerKind {
    /// `{ event: "name" }`.
    Event(String),
    /// `{ cron: "expr" }`.
    Cron(String),
}

/// One trigger of a function, with the range of its value.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub kind: TriggerKind,
    pub range: Range<usize>,
}

/// `X.createFunction(options, [trigger,] handler)`.
#[derive(Debug, Clone)]
pub struct Function {
    /// The variable it is assigned to, if any.
    pub variable: Option<String>,
    /// The receiver's name (`inngest` of `inngest.createFunction`).
    pub client: Option<String>,
    /// The function's `id`, when known.
    pub id: Option<String>,
    /// Where the `id` value is, or the call when there is none.
    pub id_range: Range<usize>,
    /// The `createFunction` call.
    pub range: Range<usize>,
    /// Start of the statement holding the call (suppression comments above it cover it).
    pub statement_start: usize,
    /// The options object.
    pub options: Value,
    /// The triggers whose event or cron is known.
    pub triggers: Vec<Trigger>,
}

/// An event sent: `X.send({ name })` or `step.sendEvent(id, { name })`.
#[derive(Debug, Clone)]
pub struct Send {
    /// The event's name.
    pub event: String,
    /// The name's value.
    pub range: Range<usize>,
    /// The receiver (`inngest` of `inngest.send`), `None` for `step.sendEvent`.
    pub client: Option<String>,
    /// The function (index into [`FileFacts::functions`]) whose handler sends it.
    pub in_function: Option<usize>,
}

/// `step.invoke(id, { function })`.
#[derive(Debug, Clone)]
pub struct Invoke {
    /// The variable named by `function:` (a function of this or an imported file).
    pub target_variable: Option<String>,
    /// The ID given by `referenceFunction({ functionId })` or a string.
    pub target_id: Option<String>,
    pub range: Range<usize>,
    pub in_function: Option<usize>,
}

/// The step tool that waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SleepKind {
    Sleep,
    SleepUntil,
    WaitForEvent,
}

/// `step.sleep(id, duration)`, `step.sleepUntil(id, time)`, `step.waitForEvent(id, { timeout })`.
#[derive(Debug, Clone)]
pub struct Sleep {
    pub kind: SleepKind,
    /// The duration (sleep, waitForEvent's `timeout`) or time (sleepUntil) argument.
    pub value: Value,
    pub range: Range<usize>,
    /// The call's callee as written (`step.sleep`), for messages.
    pub callee: String,
    pub statement_start: usize,
}

/// One local name bound by an import, with where it leads.
#[derive(Debug, Clone)]
pub struct ImportedName {
    pub local: String,
    pub imported: Imported,
    /// The file it resolves to, canonical.
    pub file: Option<PathBuf>,
}

/// The app facts of one file.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    /// The path as walked.
    pub path: PathBuf,
    /// The path as shown to the user.
    pub display_path: String,
    /// The canonical path (imports of other files are matched by it).
    pub canonical: Option<PathBuf>,
    /// The text the ranges are in (without BOM).
    pub text: String,
    /// Bytes of BOM before [`FileFacts::text`] in the file as read.
    pub bom: usize,
    pub clients: Vec<Client>,
    pub functions: Vec<Function>,
    pub sends: Vec<Send>,
    pub invokes: Vec<Invoke>,
    pub sleeps: Vec<Sleep>,
    pub imports: Vec<ImportedName>,
    /// `export { a as b }` of the file's own names: exported name → local name.
    pub exports: HashMap<String, String>,
}

impl FileFacts {
    /// Whether the file holds anything the app stage reads.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
            && self.functions.is_empty()
            && self.sends.is_empty()
            && self.invokes.is_empty()
            && self.sleeps.is_empty()
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, byte: usize) -> usize {
        1 + memchr::memchr_iter(b'\n', &self.text.as_bytes()[..byte.min(self.text.len())]).count()
    }
}

/// The cheap test before parsing a file for its app facts.
pub fn wanted(bytes: &[u8]) -> bool {
    ["createFunction", "Inngest(", ".send(", "sendEvent"]
        .iter()
        .any(|word| memchr::memmem::find(bytes, word.as_bytes()).is_some())
}

/// Read the app facts of one file; `None` when it holds none or does not parse.
pub fn read(path: &Path, display_path: &str, text: &str, lang: Lang) -> Option<FileFacts> {
    let (bom, text) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (3, rest),
        None => (0, text),
    };
    if !wanted(text.as_bytes()) {
        return None;
    }
    let tree = language::parse(text, lang)?;
    let root = tree.root_node();
    let consts = Constants::of(root, text);
    let imports = Imports::of(root, text, Some(path));
    let mut facts = FileFacts {
        path: path.to_path_buf(),
        display_path: display_path.to_string(),
        canonical: path.canonicalize().ok(),
        text: text.to_string(),
        bom,
        ..FileFacts::default()
    };
    for import in imports.iter() {
        if import.type_only {
            continue;
        }
        let file = match imports.resolve(&import.specifier) {
            Resolution::Project(file) => file.canonicalize().ok().or(Some(file)),
            _ => None,
        };
        facts.imports.push(ImportedName {
            local: import.local.clone(),
            imported: import.imported.clone(),
            file,
        });
    }
    let reader = Reader {
        source: text,
        consts: &consts,
    };
    let mut nodes = Vec::new();
    collect(root, &mut nodes);
    let mut default_export: Option<String> = None;
    for node in &nodes {
        match node.kind() {
            "new_expression" => reader.client(*node, &mut facts),
            "call_expression" => reader.call(*node, &mut facts),
            "export_statement" => reader.export(*node, &mut facts, &mut default_export),
            _ => {}
        }
    }
    if let Some(name) = default_export {
        for client in &mut facts.clients {
            if client.variable.as_deref() == Some(name.as_str()) {
                client.is_default_export = true;
            }
        }
    }
    // Sends, invokes and sleeps belong to the function whose call holds them.
    let spans: Vec<Range<usize>> = facts.functions.iter().map(|f| f.range.clone()).collect();
    let owner = |at: usize| {
        spans
            .iter()
            .enumerate()
            .filter(|(_, r)| r.contains(&at))
            .min_by_key(|(_, r)| r.len())
            .map(|(i, _)| i)
    };
    for send in &mut facts.sends {
        send.in_function = owner(send.range.start);
    }
    for invoke in &mut facts.invokes {
        invoke.in_function = owner(invoke.range.start);
    }
    (!facts.is_empty()).then_some(facts)
}

/// Every named node of the tree, in source order (an explicit stack: no recursion on
/// deep files).
fn collect<'t>(root: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        out.push(node);
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// String constants of the file: `const A = "x"`, and the string members of `const`
/// objects (`const Events = { Signup: "user/signup" } as const` gives `Events.Signup`).
struct Constants(HashMap<String, String>);

impl Constants {
    fn of(root: Node, source: &str) -> Constants {
        let mut map = HashMap::new();
        let mut cursor = root.walk();
        for statement in root.named_children(&mut cursor) {
            let declaration = match statement.kind() {
                "export_statement" => statement.child_by_field_name("declaration"),
                "lexical_declaration" => Some(statement),
                _ => None,
            };
            let Some(declaration) = declaration.filter(|d| d.kind() == "lexical_declaration")
            else {
                continue;
            };
            if !text(declaration, source).starts_with("const") {
                continue;
            }
            let mut inner = declaration.walk();
            for declarator in declaration.named_children(&mut inner) {
                let (Some(name), Some(value)) = (
                    declarator.child_by_field_name("name"),
                    declarator.child_by_field_name("value"),
                ) else {
                    continue;
                };
                if name.kind() == "identifier" {
                    Self::record(text(name, source).to_string(), value, source, &mut map, 0);
                }
            }
        }
        Constants(map)
    }

    fn record(
        path: String,
        value: Node,
        source: &str,
        map: &mut HashMap<String, String>,
        depth: usize,
    ) {
        let value = unwrap(value);
        if let Some(s) = string_literal(value, source) {
            map.insert(path, s);
        } else if value.kind() == "object" && depth < 4 {
            let mut cursor = value.walk();
            for pair in value.named_children(&mut cursor) {
                if pair.kind() != "pair" {
                    continue;
                }
                let (Some(key), Some(v)) = (
                    pair.child_by_field_name("key"),
                    pair.child_by_field_name("value"),
                ) else {
                    continue;
                };
                if let Some(key) = key_name(key, source) {
                    Self::record(format!("{path}.{key}"), v, source, map, depth + 1);
                }
            }
        }
    }

    fn get(&self, path: &str) -> Option<&String> {
        self.0.get(path)
    }
}

struct Reader<'a> {
    source: &'a str,
    consts: &'a Constants,
}

impl Reader<'_> {
    /// A string from a literal, a template without substitutions, or a constant.
    fn string(&self, node: Node) -> Option<String> {
        let node = unwrap(node);
        if let Some(s) = string_literal(node, self.source) {
            return Some(s);
        }
        match node.kind() {
            "identifier" | "member_expression" => {
                let path = text(node, self.source).replace(['\n', ' ', '\t'], "");
                self.consts.get(&path).cloned()
            }
            _ => None,
        }
    }

    fn value(&self, node: Node) -> Value {
        let node = unwrap(node);
        if let Some(s) = self.string(node) {
            return Value::Str(s);
        }
        match node.kind() {
            "number" => parse_number(text(node, self.source)).map_or(Value::Unknown, Value::Num),
            "unary_expression" => {
                let t = text(node, self.source).replace(' ', "");
                match t.strip_prefix('-').and_then(parse_number) {
                    Some(n) => Value::Num(-n),
                    None => Value::Unknown,
                }
            }
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            "array" => {
                let mut cursor = node.walk();
                let items = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .map(|c| (self.value(c), c.byte_range()))
                    .collect();
                Value::Array(items)
            }
            "object" => {
                let mut entries = Vec::new();
                let mut complete = true;
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "pair" => {
                            let key = child
                                .child_by_field_name("key")
                                .and_then(|k| key_name(k, self.source));
                            match (key, child.child_by_field_name("value")) {
                                (Some(key), Some(value)) => entries.push((
                                    key,
                                    self.value(value),
                                    unwrap(value).byte_range(),
                                )),
                                _ => complete = false,
                            }
                        }
                        "shorthand_property_identifier" => {
                            let name = text(child, self.source).to_string();
                            let value = self
                                .consts
                                .get(&name)
                                .map_or(Value::Unknown, |s| Value::Str(s.clone()));
                            entries.push((name, value, child.byte_range()));
                        }
                        "comment" => {}
                        _ => complete = false,
                    }
                }
                Value::Object { entries, complete }
            }
            _ => Value::Unknown,
        }
    }

    fn client(&self, node: Node, facts: &mut FileFacts) {
        let Some(constructor) = node.child_by_field_name("constructor") else {
            return;
        };
        if text(constructor, self.source) != "Inngest" {
            return;
        }
        let options = node
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .map(|o| self.value(o))
            .unwrap_or(Value::Unknown);
        let id = options
            .get("id")
            .and_then(|(v, _)| v.as_str())
            .map(str::to_string);
        let (variable, is_default_export) = binding_of(node, self.source);
        let schema_events = node
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .map(|o| self.schema_events(o))
            .unwrap_or_default();
        facts.clients.push(Client {
            variable,
            id,
            is_default_export,
            range: node.byte_range(),
            schema_events,
        });
    }

    /// The string keys of the type arguments under the options' `schemas` entry.
    fn schema_events(&self, options: Node) -> Vec<String> {
        let options = unwrap(options);
        let mut found = Vec::new();
        let mut cursor = options.walk();
        for pair in options.named_children(&mut cursor) {
            let is_schemas = pair.kind() == "pair"
                && pair
                    .child_by_field_name("key")
                    .is_some_and(|k| text(k, self.source) == "schemas");
            if !is_schemas {
                continue;
            }
            let mut nodes = Vec::new();
            collect(pair, &mut nodes);
            for node in nodes {
                if node.kind() == "property_signature" {
                    if let Some(name) = node
                        .child_by_field_name("name")
                        .and_then(|n| key_name(n, self.source))
                    {
                        if name.contains('/') || name.contains('.') {
                            found.push(name);
                        }
                    }
                }
            }
        }
        found
    }

    fn export(&self, node: Node, facts: &mut FileFacts, default_export: &mut Option<String>) {
        let source = self.source;
        let t = text(node, source);
        if t.starts_with("export default") {
            if let Some(value) = node.child_by_field_name("value") {
                if value.kind() == "identifier" {
                    *default_export = Some(text(value, source).to_string());
                }
            }
            return;
        }
        // `export { a, b as c }` without a `from`: the file's own names.
        if node.child_by_field_name("source").is_some() {
            return;
        }
        let mut cursor = node.walk();
        for clause in node.named_children(&mut cursor) {
            if clause.kind() != "export_clause" {
                continue;
            }
            let mut inner = clause.walk();
            for specifier in clause.named_children(&mut inner) {
                let Some(name) = specifier.child_by_field_name("name") else {
                    continue;
                };
                let local = text(name, source).to_string();
                let exported = specifier
                    .child_by_field_name("alias")
                    .map_or(local.clone(), |a| text(a, source).to_string());
                if exported == "default" {
                    *default_export = Some(local);
                } else {
                    facts.exports.insert(exported, local);
                }
            }
        }
    }

    fn call(&self, node: Node, facts: &mut FileFacts) {
        let Some(callee) = node.child_by_field_name("function").map(unwrap) else {
            return;
        };
        if callee.kind() != "member_expression" {
            return;
        }
        let (Some(object), Some(property)) = (
            callee.child_by_field_name("object").map(unwrap),
            callee.child_by_field_name("property"),
        ) else {
            return;
        };
        let arguments: Vec<Node> = node
            .child_by_field_name("arguments")
            .map(|a| {
                let mut cursor = a.walk();
                a.named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect()
            })
            .unwrap_or_default();
        let receiver =
            (object.kind() == "identifier").then(|| text(object, self.source).to_string());
        let on_step = is_step(object, self.source);
        match text(property, self.source) {
            "createFunction" => self.function(node, receiver, &arguments, facts),
            "send" if !on_step => {
                if let Some(first) = arguments.first() {
                    self.sends(*first, receiver, facts);
                }
            }
            "sendEvent" if on_step => {
                if let Some(payload) = arguments.get(1) {
                    self.sends(*payload, None, facts);
                }
            }
            "invoke" if on_step => {
                let options = arguments.get(1).map(|o| unwrap(*o));
                let function = options
                    .filter(|o| o.kind() == "object")
                    .and_then(|o| object_entry(o, "function", self.source));
                let (target_variable, target_id) = match function.map(unwrap) {
                    Some(f) if f.kind() == "identifier" => {
                        (Some(text(f, self.source).to_string()), None)
                    }
                    Some(f) => (None, self.reference_id(f)),
                    None => (None, None),
                };
                if target_variable.is_some() || target_id.is_some() {
                    facts.invokes.push(Invoke {
                        target_variable,
                        target_id,
                        range: node.byte_range(),
                        in_function: None,
                    });
                }
            }
            tool @ ("sleep" | "sleepUntil" | "waitForEvent") if on_step => {
                let kind = match tool {
                    "sleep" => SleepKind::Sleep,
                    "sleepUntil" => SleepKind::SleepUntil,
                    _ => SleepKind::WaitForEvent,
                };
                let argument = match kind {
                    SleepKind::WaitForEvent => arguments.get(1).and_then(|o| {
                        let o = unwrap(*o);
                        (o.kind() == "object")
                            .then(|| object_entry(o, "timeout", self.source))
                            .flatten()
                    }),
                    _ => arguments.get(1).copied(),
                };
                if let Some(argument) = argument {
                    facts.sleeps.push(Sleep {
                        kind,
                        value: self.value(argument),
                        range: unwrap(argument).byte_range(),
                        callee: text(callee, self.source).to_string(),
                        statement_start: statement_start(node),
                    });
                }
            }
            _ => {}
        }
    }

    /// `referenceFunction({ functionId: "x" })` or a string: the invoked function's ID.
    fn reference_id(&self, node: Node) -> Option<String> {
        if let Some(id) = self.string(node) {
            return Some(id);
        }
        if node.kind() != "call_expression" {
            return None;
        }
        let options = node.child_by_field_name("arguments")?.named_child(0)?;
        let options = unwrap(options);
        (options.kind() == "object")
            .then(|| object_entry(options, "functionId", self.source))
            .flatten()
            .and_then(|id| self.string(id))
    }

    fn sends(&self, payload: Node, client: Option<String>, facts: &mut FileFacts) {
        let payload = unwrap(payload);
        let events: Vec<Node> = match payload.kind() {
            "array" => {
                let mut cursor = payload.walk();
                payload.named_children(&mut cursor).map(unwrap).collect()
            }
            _ => vec![payload],
        };
        for event in events {
            if event.kind() != "object" {
                continue;
            }
            let Some(name) = object_entry(event, "name", self.source) else {
                continue;
            };
            if let Some(event_name) = self.string(name) {
                facts.sends.push(Send {
                    event: event_name,
                    range: unwrap(name).byte_range(),
                    client: client.clone(),
                    in_function: None,
                });
            }
        }
    }

    fn function(
        &self,
        call: Node,
        receiver: Option<String>,
        arguments: &[Node],
        facts: &mut FileFacts,
    ) {
        let Some(options_node) = arguments.first().map(|o| unwrap(*o)) else {
            return;
        };
        let options = self.value(options_node);
        if !matches!(options, Value::Object { .. }) {
            return;
        }
        let (id, id_range) = match options.get("id") {
            Some((Value::Str(id), range)) => (Some(id.clone()), range.clone()),
            Some((_, range)) => (None, range.clone()),
            None => (None, call.byte_range()),
        };
        let mut triggers = Vec::new();
        // v3: the trigger is the second of three arguments; v4: `triggers` (or v3's
        // `trigger`) in the options.
        if arguments.len() >= 3 {
            self.triggers(
                &self.value(arguments[1]),
                arguments[1].byte_range(),
                &mut triggers,
            );
        }
        for key in ["triggers", "trigger"] {
            if let Some((value, range)) = options.get(key) {
                self.triggers(value, range.clone(), &mut triggers);
            }
        }
        let (variable, _) = binding_of(call, self.source);
        facts.functions.push(Function {
            variable,
            client: receiver,
            id,
            id_range,
            range: call.byte_range(),
            statement_start: statement_start(call),
            options,
            triggers,
        });
    }

    fn triggers(&self, value: &Value, range: Range<usize>, out: &mut Vec<Trigger>) {
        match value {
            Value::Array(items) => {
                for (item, range) in items {
                    self.triggers(item, range.clone(), out);
                }
            }
            Value::Object { .. } => {
                if let Some((Value::Str(event), range)) = value.get("event") {
                    out.push(Trigger {
                        kind: TriggerKind::Event(event.clone()),
                        range: range.clone(),
                    });
                }
                if let Some((Value::Str(cron), range)) = value.get("cron") {
                    out.push(Trigger {
                        kind: TriggerKind::Cron(cron.clone()),
                        range: range.clone(),
                    });
                }
            }
            _ => {
                let _ = range;
            }
        }
    }
}

/// `step`, `ctx.step`, `tools`-free: the receiver of a step tool.
fn is_step(object: Node, source: &str) -> bool {
    match object.kind() {
        "identifier" => text(object, source) == "step",
        "member_expression" => object
            .child_by_field_name("property")
            .is_some_and(|p| text(p, source) == "step"),
        _ => false,
    }
}

/// The value of `key` in an object literal.
fn object_entry<'t>(object: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "pair")
        .filter(|p| {
            p.child_by_field_name("key")
                .and_then(|k| key_name(k, source))
                .is_some_and(|k| k == key)
        })
        .last()
        .and_then(|p| p.child_by_field_name("value"));
    found
}

/// The variable a value is assigned to (`const x = value`, through `as`/`satisfies`),
/// and whether it is the default export (`export default value`).
fn binding_of(node: Node, source: &str) -> (Option<String>, bool) {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => current = parent,
            "variable_declarator" => {
                let name = parent
                    .child_by_field_name("name")
                    .filter(|n| n.kind() == "identifier")
                    .map(|n| text(n, source).to_string());
                return (name, false);
            }
            "export_statement" => {
                return (None, text(parent, source).starts_with("export default"))
            }
            _ => return (None, false),
        }
    }
    (None, false)
}

/// Where the statement holding `node` starts (in its block or at the top of the file).
fn statement_start(node: Node) -> usize {
    let mut node = node;
    while let Some(parent) = node.parent() {
        if matches!(parent.kind(), "program" | "class_body" | "statement_block") {
            break;
        }
        node = parent;
    }
    node.start_byte()
}

fn unwrap(mut node: Node) -> Node {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The text of a string literal or template without substitutions, unescaped for the
/// common escapes.
fn string_literal(node: Node, source: &str) -> Option<String> {
    match node.kind() {
        "string" | "template_string" => {
            let mut cursor = node.walk();
            if node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "template_substitution")
            {
                return None;
            }
            let raw = text(node, source);
            let inner = raw.get(1..raw.len().checked_sub(1)?)?;
            Some(inner.replace("\\\"", "\"").replace("\\'", "'"))
        }
        _ => None,
    }
}

/// An object key: an identifier, a string, or a number.
fn key_name(key: Node, source: &str) -> Option<String> {
    match key.kind() {
        "property_identifier" | "identifier" | "number" => Some(text(key, source).to_string()),
        "string" => string_literal(key, source),
        _ => None,
    }
}

/// A JavaScript number literal (decimal, with `_` separators, hex, exponent).
fn parse_number(raw: &str) -> Option<f64> {
    let raw = raw.replace('_', "");
    if let Some(hex) = raw.strip_prefix("0x").or_else(|| raw.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    raw.parse().ok()
}
