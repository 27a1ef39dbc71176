//! What the names of a file hold, as far as steps are concerned: one model per handler,
//! built in one pass over the file when a return is about to move.
//!
//! Owns: resolving a name to the scope that declares it (cached per scope), and the
//! set of bindings that *reach a step*: the handler's step binding and its aliases, the
//! v4 global `step` import, and every variable, function or class of the file whose
//! value or code mentions one of those, transitively (a closure that calls `step.run`,
//! a function that calls that closure, `const p = step.run(…)` held unawaited, an
//! object whose method does, a function's parameters once a call hands it one). A value
//! built by `await` of a step is data, not a step: `const r = await step.run(…)` does
//! not reach. Functions imported from relative modules reach a step when their module,
//! or a relative module it imports, mentions `step` (see [`modules`]).
//!
//! Calls that cannot be resolved (package imports, globals, methods of values) are
//! taken not to reach the handler's step: they cannot see its binding unless it is
//! handed to them, and a handed binding is a mention. The README says the same.

use crate::analysis::kind::KindName;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use tree_sitter::Node;

use super::binding::{Holds, StepBinding};
use super::scope::{ancestors_within, declared_names, pattern_names};
use super::{code_children, for_each_descendant, is_function, text, unwrap_expression};

pub mod modules;

/// A binding: the id of the node whose scope declares it, and its name.
type BindingKey = (usize, String);

/// Where a name read at some point comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Declared in the file: by the scope node with this id.
    Declared(usize),
    /// Imported at the top of the file, from this module specifier.
    Imported(String),
    /// Neither: a global (or a typo).
    Global,
}

/// The names of one file, seen from one handler.
pub struct SemanticModel<'a, 't> {
    source: &'a str,
    root: Node<'t>,
    /// The step names of every handler of the file (a value one handler keeps in a
    /// module variable is there for the others too).
    binding: StepBinding,
    /// Names each scope node declares, filled on first use.
    scopes: std::cell::RefCell<HashMap<usize, Vec<String>>>,
    /// The scope each identifier of the file resolves to (`None`: not declared in the
    /// file), from one traversal.
    resolved: HashMap<usize, Option<Node<'t>>>,
    /// Top-level imports: local name → module specifier.
    imports: HashMap<String, String>,
    /// The local name of `import { step } from "inngest"`.
    global_step: Option<String>,
    /// The file's directory, for relative imports.
    directory: Option<PathBuf>,
    /// Bindings that reach a step.
    reaching: HashSet<BindingKey>,
    /// The step binding (or a value reaching it) was handed to a method of `this`.
    this_handed: bool,
    /// Relative module specifiers the step binding was handed to.
    handed_modules: HashSet<String>,
    /// The line each reaching binding is declared on, for messages.
    lines: HashMap<BindingKey, usize>,
}

/// One way a binding gets its value: `targets` hold what `value` holds.
struct Definition<'t> {
    targets: Vec<BindingKey>,
    value: Node<'t>,
    /// An initialiser or assigned value: `await …` there is data.
    is_value: bool,
    line: usize,
}

impl<'a, 't> SemanticModel<'a, 't> {
    /// Build the model of `root` (the file) with the step bindings of its handlers.
    pub fn build(
        root: Node<'t>,
        source: &'a str,
        bindings: &[StepBinding],
        file: Option<&Path>,
    ) -> SemanticModel<'a, 't> {
        let mut binding = StepBinding::default();
        for b in bindings {
            binding.names.extend(b.names.iter().cloned());
        }
        let mut model = SemanticModel {
            source,
            root,
            binding,
            scopes: Default::default(),
            resolved: resolve_all(root, source),
            imports: imports(root, source),
            global_step: super::binding::imported_step_of_root(root, source),
            directory: file.and_then(Path::parent).map(Path::to_path_buf),
            reaching: HashSet::new(),
            handed_modules: HashSet::new(),
            this_handed: false,
            lines: HashMap::new(),
        };
        let definitions = model.definitions();
        model.propagate(&definitions);
        model
    }

    /// Where the name `node` reads comes from.
    pub fn origin(&self, node: Node<'t>) -> Origin {
        let name = text(node, self.source);
        if let Some(scope) = self.declaring_scope(node) {
            return Origin::Declared(scope.id());
        }
        match self.imports.get(name) {
            Some(specifier) => Origin::Imported(specifier.clone()),
            None => Origin::Global,
        }
    }

    /// The scope node declaring the name `node` reads, when the file declares it.
    pub fn declaring_scope(&self, node: Node<'t>) -> Option<Node<'t>> {
        if let Some(found) = self.resolved.get(&node.id()) {
            return *found;
        }
        let name = text(node, self.source);
        ancestors_within(node, self.root)
            .into_iter()
            .rev()
            .find(|scope| self.declares(*scope, name))
    }

    /// The identifier that declares the name `node` reads, when the file declares it.
    pub fn declaration(&self, node: Node<'t>) -> Option<Node<'t>> {
        let name = text(node, self.source);
        let scope = self.declaring_scope(node)?;
        let mut declared = Vec::new();
        declared_names(scope, self.source, &mut declared);
        declared.into_iter().find(|d| text(*d, self.source) == name)
    }

    fn declares(&self, scope: Node<'t>, name: &str) -> bool {
        let mut cache = self.scopes.borrow_mut();
        let names = cache.entry(scope.id()).or_insert_with(|| {
            let mut nodes = Vec::new();
            declared_names(scope, self.source, &mut nodes);
            nodes
                .iter()
                .map(|n| text(*n, self.source).to_string())
                .collect()
        });
        names.iter().any(|n| n == name)
    }

    /// Whether `node` (an identifier read) is the handler's step binding or one of its
    /// aliases: `step`, `run` of `{ run }`, `ctx` used other than as `ctx.event`…
    pub fn is_step_name(&self, node: Node<'t>) -> bool {
        let name = text(node, self.source);
        let origin = match self.origin(node) {
            Origin::Declared(scope) => Some(scope),
            _ => None,
        };
        let Some(entry) = self
            .binding
            .names
            .iter()
            .find(|n| n.name == name && n.scope == origin)
        else {
            return false;
        };
        if entry.holds == Holds::Context {
            // `ctx.event`, `ctx.runId`: reads of other parts of the context.
            if let Some(parent) = node
                .parent()
                .filter(|p| p.kind_name() == "member_expression")
            {
                let is_object = parent
                    .child_by_field_name("object")
                    .is_some_and(|o| o.id() == node.id());
                let property = parent
                    .child_by_field_name("property")
                    .map(|p| text(p, self.source));
                if is_object && property != Some("step") {
                    return false;
                }
            }
        }
        true
    }

    /// Why the code under `node` may reach a step, if it may: the first read of a name
    /// that is, or leads to, a step tool.
    pub fn reaches_step(&self, node: Node<'t>) -> Option<String> {
        let mut why = None;
        for_each_descendant(node, |n| {
            if why.is_some() {
                return;
            }
            why = self.read_reaches(n);
        });
        why
    }

    /// Why one node, a read, reaches a step.
    fn read_reaches(&self, node: Node<'t>) -> Option<String> {
        match node.kind_name() {
            "identifier" | "shorthand_property_identifier" => {}
            // Methods of `this` are not followed: with the v4 global `step` in the file, or
            // the binding handed to one of them, they may run steps.
            "this" | "super" => {
                return (self.global_step.is_some() || self.this_handed).then(|| {
                    "`this` may hold functions that run steps (the file uses the global \
                     `step`, or hands the binding to a method)"
                        .to_string()
                });
            }
            "call_expression" => {
                if loads_module(node, self.source).as_deref() == Some("inngest") {
                    return Some("it loads `inngest`, whose `step` is the global step".to_string());
                }
                let specifier = required_module(node, self.source)?;
                return self
                    .module_reaches(&specifier)
                    .map(|why| format!("it loads `{specifier}`, {why}"));
            }
            _ => return None,
        }
        let name = text(node, self.source);
        if self.is_step_name(node) {
            return Some(format!("`{name}` is the step binding"));
        }
        match self.origin(node) {
            Origin::Declared(scope) => {
                let key = (scope, name.to_string());
                self.reaching.contains(&key).then(|| {
                    let line = self.lines.get(&key).copied().unwrap_or(0);
                    format!("`{name}` (line {line}) can run a step")
                })
            }
            Origin::Imported(specifier) => {
                if self.global_step.as_deref() == Some(name) {
                    return Some(format!("`{name}` is the global step of `inngest`"));
                }
                self.module_reaches(&specifier)
                    .map(|why| format!("`{name}` comes from `{specifier}`, {why}"))
            }
            Origin::Global => None,
        }
    }

    /// Why a module the file imports may run steps, if it may.
    fn module_reaches(&self, specifier: &str) -> Option<String> {
        if !modules::is_relative(specifier) {
            return None;
        }
        let Some(directory) = &self.directory else {
            return Some("which cannot be read (the file's path is unknown)".to_string());
        };
        match modules::reaches_step(directory, specifier) {
            modules::Verdict::Clean if self.handed_modules.contains(specifier) => {
                Some("which is handed the step binding".to_string())
            }
            modules::Verdict::Clean => None,
            modules::Verdict::Steps(path) => Some(format!(
                "which mentions `step` ({})",
                path.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            )),
            modules::Verdict::Unreadable => Some("which cannot be found or read".to_string()),
        }
    }

    /// Every definition of the file: declarations, assignments, method calls that store
    /// their arguments, and calls that bind a local function's parameters.
    fn definitions(&self) -> Vec<Definition<'t>> {
        let mut found = Vec::new();
        for_each_descendant(self.root, |node| {
            let line = node.start_position().row + 1;
            match node.kind_name() {
                "variable_declarator" => {
                    let (Some(name), Some(value)) = (
                        node.child_by_field_name("name"),
                        node.child_by_field_name("value"),
                    ) else {
                        return;
                    };
                    // `const { event, step } = ctx`: the binding already knows which of
                    // these names are steps; the others are plain data.
                    if name.kind_name() == "object_pattern" && self.is_step_value(value) {
                        return;
                    }
                    found.push(Definition {
                        targets: self.keys_of_pattern(name),
                        value,
                        is_value: true,
                        line,
                    });
                }
                "function_declaration"
                | "generator_function_declaration"
                | "class_declaration"
                | "abstract_class_declaration" => {
                    if let Some(name) = node.child_by_field_name("name") {
                        found.push(Definition {
                            targets: self.key_of(name).into_iter().collect(),
                            value: node,
                            is_value: false,
                            line,
                        });
                    }
                }
                "assignment_expression" | "augmented_assignment_expression" => {
                    let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    ) else {
                        return;
                    };
                    let mut targets = Vec::new();
                    if let Some(root) = root_name(left) {
                        targets.extend(self.key_of(root));
                    } else if matches!(left.kind_name(), "object_pattern" | "array_pattern") {
                        targets = self.keys_of_pattern(left);
                    }
                    found.push(Definition {
                        targets,
                        value: right,
                        is_value: true,
                        line,
                    });
                }
                "call_expression" => {
                    let (Some(function), Some(arguments)) = (
                        node.child_by_field_name("function"),
                        node.child_by_field_name("arguments"),
                    ) else {
                        return;
                    };
                    let function = unwrap_expression(function);
                    // `list.push(p)`, `cache.set(k, step)`: the receiver may keep what it
                    // is handed; `keep(step)`: the parameters of a local function receive
                    // it. One definition per argument: `list.push(await step.run(…))`
                    // hands over data.
                    // `Object.assign(target, …)`, `Object.defineProperty(target, …)`: the
                    // target keeps it.
                    let callee = text(function, self.source);
                    if matches!(
                        callee,
                        "Object.assign"
                            | "Object.defineProperty"
                            | "Object.defineProperties"
                            | "Reflect.set"
                    ) {
                        let mut arguments_list = code_children(arguments);
                        if let Some(target) = arguments_list.next().and_then(root_name) {
                            let targets: Vec<BindingKey> =
                                self.key_of(target).into_iter().collect();
                            for argument in arguments_list {
                                found.push(Definition {
                                    targets: targets.clone(),
                                    value: argument,
                                    is_value: true,
                                    line,
                                });
                            }
                        }
                    }
                    let targets: Vec<BindingKey> = match function.kind_name() {
                        "member_expression" if !keeps_nothing(function, self.source) => function
                            .child_by_field_name("object")
                            .and_then(root_name)
                            .and_then(|root| self.key_of(root))
                            .into_iter()
                            .collect(),
                        "identifier" => self.parameters_of_callee(function).unwrap_or_default(),
                        _ => Vec::new(),
                    };
                    for argument in code_children(arguments) {
                        found.push(Definition {
                            targets: targets.clone(),
                            value: argument,
                            is_value: true,
                            line,
                        });
                    }
                }
                _ => {}
            }
        });
        found
    }

    /// Whether a value is the step binding or the context itself (not data read from it).
    fn is_step_value(&self, value: Node<'t>) -> bool {
        let value = unwrap_expression(value);
        (value.kind_name() == "identifier"
            && self
                .binding
                .names
                .iter()
                .any(|n| n.name == text(value, self.source)))
            || self.binding.is_context_step(value, self.source)
    }

    fn key_of(&self, name: Node<'t>) -> Option<BindingKey> {
        match self.origin(name) {
            Origin::Declared(scope) => Some((scope, text(name, self.source).to_string())),
            _ => None,
        }
    }

    fn keys_of_pattern(&self, pattern: Node<'t>) -> Vec<BindingKey> {
        let mut names = Vec::new();
        pattern_names(pattern, &mut names);
        names.into_iter().filter_map(|n| self.key_of(n)).collect()
    }

    /// The parameters of the file's function a callee names, as bindings.
    fn parameters_of_callee(&self, callee: Node<'t>) -> Option<Vec<BindingKey>> {
        let name = text(callee, self.source);
        let Origin::Declared(scope_id) = self.origin(callee) else {
            return None;
        };
        let scope = ancestors_within(callee, self.root)
            .into_iter()
            .find(|s| s.id() == scope_id)?;
        let mut declared = Vec::new();
        declared_names(scope, self.source, &mut declared);
        let declaration = declared
            .into_iter()
            .find(|d| text(*d, self.source) == name)?;
        let parent = declaration.parent()?;
        let function = match parent.kind_name() {
            "function_declaration" | "generator_function_declaration" => parent,
            "variable_declarator" => parent
                .child_by_field_name("value")
                .map(unwrap_expression)
                .filter(|v| is_function(*v))?,
            _ => return None,
        };
        let mut names = Vec::new();
        if let Some(single) = function.child_by_field_name("parameter") {
            pattern_names(single, &mut names);
        }
        if let Some(parameters) = function.child_by_field_name("parameters") {
            for parameter in code_children(parameters) {
                pattern_names(parameter, &mut names);
            }
        }
        Some(
            names
                .into_iter()
                .map(|n| (function.id(), text(n, self.source).to_string()))
                .collect(),
        )
    }

    /// Mark the bindings that reach a step, until nothing changes.
    fn propagate(&mut self, definitions: &[Definition<'t>]) {
        // What each definition's value reads, found once.
        let reads: Vec<Vec<Node<'t>>> = definitions
            .iter()
            .map(|d| {
                if d.is_value && is_awaited(d.value) {
                    return Vec::new();
                }
                let mut reads = Vec::new();
                for_each_descendant(d.value, |n| {
                    if matches!(
                        n.kind_name(),
                        "identifier"
                            | "shorthand_property_identifier"
                            | "call_expression"
                            | "this"
                            | "super"
                    ) {
                        // Names the value declares itself (a function's own parameters,
                        // the handler's own `step`) are not what it holds or captures.
                        let internal = matches!(
                            n.kind_name(),
                            "identifier" | "shorthand_property_identifier"
                        ) && self
                            .declaring_scope(n)
                            .is_some_and(|scope| super::contains(d.value, scope));
                        if !internal {
                            reads.push(n);
                        }
                    }
                });
                reads
            })
            .collect();
        loop {
            let mut changed = false;
            for (definition, reads) in definitions.iter().zip(&reads) {
                if definition.targets.iter().all(|t| self.reaching.contains(t))
                    && !definition.targets.is_empty()
                {
                    continue;
                }
                if !reads.iter().any(|r| self.read_reaches(*r).is_some()) {
                    continue;
                }
                for target in &definition.targets {
                    if self.reaching.insert(target.clone()) {
                        self.lines.insert(target.clone(), definition.line);
                        changed = true;
                    }
                }
                // Handed to a function of a relative module: that module may keep it.
                if let Some(specifier) = self.handed_to_module(definition) {
                    changed |= self.handed_modules.insert(specifier);
                }
                if !self.this_handed && handed_to_this(definition.value) {
                    self.this_handed = true;
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// The relative module whose function a call hands a reaching value to.
    fn handed_to_module(&self, definition: &Definition<'t>) -> Option<String> {
        let arguments = definition
            .value
            .parent()
            .filter(|a| a.kind_name() == "arguments")?;
        let call = arguments.parent()?;
        let function = unwrap_expression(call.child_by_field_name("function")?);
        let root = root_name(function)?;
        match self.origin(root) {
            Origin::Imported(specifier) if modules::is_relative(&specifier) => Some(specifier),
            _ => None,
        }
    }
}

/// Node kinds whose scope may declare names (see [`declared_names`]).
fn is_scope(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "statement_block"
            | "program"
            | "switch_body"
            | "class_body"
            | "for_statement"
            | "for_in_statement"
            | "catch_clause"
    ) || is_function(node)
}

/// The scope every identifier of the file resolves to, in one traversal with a stack
/// of the scopes open at each point (each scope's names listed once).
fn resolve_all<'t>(root: Node<'t>, source: &str) -> HashMap<usize, Option<Node<'t>>> {
    let mut resolved = HashMap::new();
    let mut open: Vec<(Node<'t>, HashSet<&str>)> = Vec::new();
    let mut cursor = root.walk();
    let mut depth_of_scope: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        if is_scope(node) {
            let mut names = Vec::new();
            declared_names(node, source, &mut names);
            open.push((node, names.iter().map(|n| text(*n, source)).collect()));
            depth_of_scope.push(depth);
        }
        if matches!(
            node.kind_name(),
            "identifier"
                | "shorthand_property_identifier"
                | "shorthand_property_identifier_pattern"
        ) {
            let name = text(node, source);
            let scope = open
                .iter()
                .rev()
                .find(|(_, names)| names.contains(name))
                .map(|(scope, _)| *scope);
            resolved.insert(node.id(), scope);
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            // Leaving `cursor.node()`: close its scope.
            while depth_of_scope.last() == Some(&depth) {
                depth_of_scope.pop();
                open.pop();
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return resolved;
            }
            depth -= 1;
        }
    }
}

/// Methods that call or read what they are handed without keeping it in their
/// receiver (`items.map(cb)`, `logger.info(x)`); any other method may keep it
/// (`list.push(p)`, `emitter.on("x", cb)`).
fn keeps_nothing(member: Node, source: &str) -> bool {
    const CALLERS: &[&str] = &[
        "map",
        "forEach",
        "filter",
        "reduce",
        "reduceRight",
        "some",
        "every",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "flatMap",
        "then",
        "catch",
        "finally",
        "includes",
        "indexOf",
        "lastIndexOf",
        "join",
        "slice",
        "concat",
        "at",
        "toString",
        "log",
        "info",
        "warn",
        "error",
        "debug",
        "trace",
        "has",
        "get",
        "startsWith",
        "endsWith",
        "split",
        "replace",
        "replaceAll",
        "match",
        "test",
    ];
    member
        .child_by_field_name("property")
        .is_some_and(|p| CALLERS.contains(&text(p, source)))
}

/// Whether `value` is an argument of a call of a method of `this` (`this.keep(step)`).
fn handed_to_this(value: Node) -> bool {
    let call = value
        .parent()
        .filter(|a| a.kind_name() == "arguments")
        .and_then(|a| a.parent());
    let mut object = call
        .and_then(|c| c.child_by_field_name("function"))
        .filter(|f| f.kind_name() == "member_expression")
        .and_then(|f| f.child_by_field_name("object"));
    while let Some(node) = object {
        match node.kind_name() {
            "this" => return true,
            "member_expression" => object = node.child_by_field_name("object"),
            _ => return false,
        }
    }
    false
}

/// `x` of `x`, `x.a.b`, `x[i]`, `(x as T)!`.
fn root_name(mut node: Node) -> Option<Node> {
    loop {
        node = unwrap_expression(node);
        match node.kind_name() {
            "identifier" => return Some(node),
            "member_expression" | "subscript_expression" => {
                node = node.child_by_field_name("object")?;
            }
            _ => return None,
        }
    }
}

/// `await x`, `(await x).y`, `(await x)[0]`: the value is what the promise resolved to.
fn is_awaited(value: Node) -> bool {
    let mut node = unwrap_expression(value);
    loop {
        match node.kind_name() {
            // `await import("m")` is a module, with its functions.
            "await_expression" => {
                return !node
                    .named_child(0)
                    .map(unwrap_expression)
                    .is_some_and(|inner| {
                        inner.kind_name() == "call_expression"
                            && inner
                                .child_by_field_name("function")
                                .is_some_and(|f| f.kind_name() == "import")
                    })
            }
            "member_expression" | "subscript_expression" => {
                match node.child_by_field_name("object") {
                    Some(object) => node = unwrap_expression(object),
                    None => return false,
                }
            }
            _ => return false,
        }
    }
}

/// The relative module a `require("./x")` or `import("./x")` call loads.
fn required_module(call: Node, source: &str) -> Option<String> {
    loads_module(call, source).filter(|s| modules::is_relative(s))
}

/// The module a `require("x")` or `import("x")` call loads.
fn loads_module(call: Node, source: &str) -> Option<String> {
    let function = call.child_by_field_name("function")?;
    let is_loader = function.kind_name() == "import"
        || (function.kind_name() == "identifier" && text(function, source) == "require");
    if !is_loader {
        return None;
    }
    let first = code_children(call.child_by_field_name("arguments")?).next()?;
    super::functions::string_literal(first, source)
}

/// Top-level imports: local name → module specifier (`import a, { b as c } from "./m"`,
/// `import * as m from "./m"`, `const x = require("./m")` is a definition instead).
fn imports(root: Node, source: &str) -> HashMap<String, String> {
    let mut found = HashMap::new();
    for statement in code_children(root) {
        if statement.kind_name() != "import_statement" {
            continue;
        }
        let Some(specifier) = statement
            .child_by_field_name("source")
            .and_then(|s| super::functions::string_literal(s, source))
        else {
            continue;
        };
        let Some(clause) = code_children(statement).find(|c| c.kind_name() == "import_clause")
        else {
            continue;
        };
        let mut names = Vec::new();
        for_each_descendant(clause, |n| {
            if n.kind_name() == "identifier" {
                // `{ a as b }` binds `b`; `{ a }` binds `a`.
                let is_imported_name = n.parent().is_some_and(|p| {
                    p.kind_name() == "import_specifier"
                        && p.child_by_field_name("alias").is_some()
                        && p.child_by_field_name("name")
                            .is_some_and(|m| m.id() == n.id())
                });
                if !is_imported_name {
                    names.push(text(n, source).to_string());
                }
            }
        });
        for name in names {
            found.insert(name, specifier.clone());
        }
    }
    found
}
