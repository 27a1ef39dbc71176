//! What the names of a file hold, as far as steps are concerned: one model per file,
//! with the step bindings of all its handlers, built in one pass over the file the first
//! time a rule asks ([`super::model::FileModel::semantic`]).
//!
//! Owns: resolving a name to the scope that declares it (cached per scope), and the
//! set of bindings that *reach a step*: the handler's step binding and its aliases, the
//! v4 global `step` import, and every variable, function or class of the file whose
//! value or code mentions one of those, transitively (a closure that calls `step.run`,
//! a function that calls that closure, `const p = step.run(…)` held unawaited, an
//! object whose method does, a function's parameters once a call hands it one). A value
//! built by `await` of a step is data, not a step: `const r = await step.run(…)` does
//! not reach. Functions imported from modules of the project (relative, or through a
//! `tsconfig.json` path alias) reach a step when their module, or a module of the project
//! it imports, mentions `step` (see [`modules`]).
//!
//! Calls that cannot be resolved (package imports, globals, methods of values) are
//! taken not to reach the handler's step: they cannot see its binding unless it is
//! handed to them, and a handed binding is a mention. docs/fixes.md says the same.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use tree_sitter::Node;

use super::binding::{Holds, StepBinding};
use super::imports::Imports;
use super::scope::{declared_names, parameter_names, pattern_names};
use super::symbols::{Occurrence, Symbols};
use super::{code_children, for_each_descendant, is_function, root_name, text, unwrap_expression};
use std::rc::Rc;

pub mod modules;
pub mod tsconfig;
pub mod workspace;

use super::imports::Resolution;

/// A binding: the id of the node whose scope declares it, and its name.
type BindingKey<'a> = (usize, &'a str);

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
    /// The step names of every handler of the file (a value one handler keeps in a
    /// module variable is there for the others too).
    binding: StepBinding,
    /// The file's scopes and symbols (shared with the file model).
    symbols: Rc<Symbols<'t>>,
    /// The file's imports table (shared with the file model).
    imports: Rc<Imports>,
    /// The local name of `import { step } from "inngest"`.
    global_step: Option<String>,
    /// The file's directory, for relative imports.
    directory: Option<PathBuf>,
    /// Bindings that reach a step (scope id → name → the line that made it reach).
    reaching: HashMap<usize, HashMap<&'a str, usize>>,
    /// The step binding (or a value reaching it) was handed to a method of `this`.
    this_handed: bool,
    /// Specifiers of modules (of the project, or packages) the step binding was handed to.
    handed_modules: HashSet<String>,
    /// Bindings whose reach comes from a handler's own step binding (a parameter or an
    /// alias of one), not only from the global `step` that any module may import: only
    /// those can escape.
    scoped: HashSet<BindingKey<'a>>,
    /// Imported or global names the handler's binding escaped into, with the line.
    escaped_names: HashMap<String, usize>,
    /// The line where the handler's binding escaped to where any function of the project
    /// may read it.
    escaped: Option<usize>,
    /// What each module specifier the file imports leads to, found on first use.
    imported: std::cell::RefCell<HashMap<String, Imported>>,
}

/// One way a binding gets its value: `targets` hold what `value` holds.
struct Definition<'a, 't> {
    targets: Vec<BindingKey<'a>>,
    value: Node<'t>,
    line: usize,
    /// For an argument of a call: the module of the project whose function receives it.
    handed_module: Option<String>,
    /// For an argument of a call: the call is a method of `this`; for an assignment:
    /// the place is a property of `this`.
    handed_to_this: bool,
    /// The value goes where the file does not own it (see [`Escape`]).
    escapes: Option<Escape>,
}

impl<'a, 't> Definition<'a, 't> {
    fn new(targets: Vec<BindingKey<'a>>, value: Node<'t>, line: usize) -> Definition<'a, 't> {
        Definition {
            targets,
            value,
            line,
            handed_module: None,
            handed_to_this: false,
            escapes: None,
        }
    }
}

/// Where a value goes that no binding of the file holds.
#[derive(Clone)]
enum Escape {
    /// Into (a property of, a method of) a name the file does not declare: an import or
    /// a global. Reads of that name may then reach it; when the import is a module of
    /// the project, so may any function of the project.
    Into { name: String, project: bool },
    /// Into a place the model cannot follow (`target().tools = step`): any code that
    /// cannot be seen may reach it.
    Unknown,
}

/// What an imported module specifier leads to.
#[derive(Clone)]
enum Imported {
    /// A package (or a path alias with no file behind it): not followed.
    Package,
    /// A module of the project; `fixed` says why it may run steps by itself, if it may.
    Project { fixed: Option<String> },
}

/// What makes a read reach a step, decided once per read; what may change while the
/// model is built (the bindings found to reach, the modules and `this` handed the
/// binding) is looked up when asked.
enum Reach<'a> {
    Never,
    /// The step binding, or an alias of it (`scoped`: a handler's own, not the global).
    StepName(&'a str, bool),
    /// The v4 global `step` imported from `inngest`.
    GlobalStep(&'a str),
    /// `require("inngest")`, `import("inngest")`.
    LoadsInngest,
    /// A binding of the file: reaches when it is found to.
    Binding(usize, &'a str),
    /// A module of the project, by an imported name or a `require`/`import()` call:
    /// `fixed` says why when the module itself may run steps; otherwise it reaches
    /// once the binding is handed to it.
    Module {
        specifier: String,
        name: Option<&'a str>,
        fixed: Option<String>,
    },
    /// A name imported from a package: reaches once the binding is handed to the
    /// package or escapes into the name.
    Package {
        specifier: String,
        name: &'a str,
    },
    /// A global: reaches once the binding escapes into it (`globalThis.tools = step`).
    Global(&'a str),
    /// `this`, `super`.
    This,
}

impl<'a, 't> SemanticModel<'a, 't> {
    /// Build the model of `root` (the file) with the step bindings of its handlers.
    pub fn build(
        source: &'a str,
        symbols: Rc<Symbols<'t>>,
        imports: Rc<Imports>,
        bindings: &[StepBinding],
        file: Option<&Path>,
    ) -> SemanticModel<'a, 't> {
        let mut binding = StepBinding::default();
        for b in bindings {
            binding.names.extend(b.names.iter().cloned());
        }
        let global_step = imports
            .global_step()
            .or(imports.inngest_namespaces().next())
            .map(str::to_string);
        let mut model = SemanticModel {
            source,
            binding,
            symbols: Rc::clone(&symbols),
            global_step,
            imports,
            directory: file.and_then(Path::parent).map(Path::to_path_buf),
            reaching: HashMap::new(),
            handed_modules: HashSet::new(),
            scoped: HashSet::new(),
            escaped_names: HashMap::new(),
            escaped: None,
            this_handed: false,
            imported: Default::default(),
        };
        let definitions = model.definitions(&symbols.candidates);
        model.propagate(&definitions, &symbols.reads);
        model
    }

    /// Where the name `node` reads comes from.
    pub fn origin(&self, node: Node<'t>) -> Origin {
        let name = text(node, self.source);
        if let Some(scope) = self.declaring_scope(node) {
            return Origin::Declared(scope.id());
        }
        match self.imports.get(name) {
            Some(import) => Origin::Imported(import.specifier.clone()),
            None => Origin::Global,
        }
    }

    /// The scope node declaring the name `node` reads, when the file declares it.
    pub fn declaring_scope(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.symbols.declaring_scope(node)
    }

    /// The file's scopes and symbols.
    pub fn symbols(&self) -> &Symbols<'t> {
        &self.symbols
    }

    /// The identifier that declares the name `node` reads, when the file declares it.
    pub fn declaration(&self, node: Node<'t>) -> Option<Node<'t>> {
        let name = text(node, self.source);
        let scope = self.declaring_scope(node)?;
        self.declared_in(scope, name)
    }

    /// The identifier `scope` declares `name` with.
    fn declared_in(&self, scope: Node<'t>, name: &str) -> Option<Node<'t>> {
        if let Some((_, names)) = self.symbols.declared.get(&scope.id()) {
            return names
                .iter()
                .copied()
                .find(|d| text(*d, self.source) == name);
        }
        let mut declared = Vec::new();
        declared_names(scope, self.source, &mut declared);
        declared.into_iter().find(|d| text(*d, self.source) == name)
    }

    /// Whether `node` (an identifier read) is the handler's step binding or one of its
    /// aliases: `step`, `run` of `{ run }`, `ctx` used other than as `ctx.event`…
    pub fn is_step_name(&self, node: Node<'t>) -> bool {
        let name = text(node, self.source);
        if !self.binding.names.iter().any(|n| n.name == name) {
            return false;
        }
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
                .parent_node()
                .filter(|p| p.kind_name() == "member_expression")
            {
                let is_object = parent.field("object").is_some_and(|o| o.id() == node.id());
                let property = parent.field("property").map(|p| text(p, self.source));
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
        let reach = self.classify(node);
        self.why(&reach)
    }

    /// What would make one node, a read, reach a step.
    fn classify(&self, node: Node<'t>) -> Reach<'a> {
        match node.kind_name() {
            "identifier" | "shorthand_property_identifier" => {}
            "this" | "super" => return Reach::This,
            "call_expression" => {
                if loads_module(node, self.source).as_deref() == Some("inngest") {
                    return Reach::LoadsInngest;
                }
                let Some(specifier) = loads_module(node, self.source) else {
                    return Reach::Never;
                };
                return match self.imported(&specifier) {
                    Imported::Package => Reach::Never,
                    Imported::Project { fixed } => Reach::Module {
                        specifier,
                        name: None,
                        fixed,
                    },
                };
            }
            _ => return Reach::Never,
        }
        let name = text(node, self.source);
        if self.is_step_name(node) {
            let scoped = matches!(self.origin(node), Origin::Declared(_));
            return Reach::StepName(name, scoped);
        }
        match self.origin(node) {
            Origin::Declared(scope) => Reach::Binding(scope, name),
            Origin::Imported(_)
                if self.global_step.as_deref() == Some(name)
                    && self.imports.global_step() == Some(name) =>
            {
                Reach::GlobalStep(name)
            }
            Origin::Imported(specifier) => match self.imported(&specifier) {
                Imported::Package => Reach::Package { specifier, name },
                Imported::Project { fixed } => Reach::Module {
                    specifier,
                    name: Some(name),
                    fixed,
                },
            },
            Origin::Global => Reach::Global(name),
        }
    }

    /// Why a read classified as `reach` reaches a step, given what the model knows now.
    fn why(&self, reach: &Reach<'a>) -> Option<String> {
        match reach {
            Reach::Never => None,
            Reach::StepName(name, _) => Some(format!("`{name}` is the step binding")),
            Reach::GlobalStep(name) => Some(format!("`{name}` is the global step of `inngest`")),
            Reach::LoadsInngest => {
                Some("it loads `inngest`, whose `step` is the global step".to_string())
            }
            Reach::Binding(scope, name) => self
                .reaching
                .get(scope)
                .and_then(|names| names.get(name))
                .map(|line| format!("`{name}` (line {line}) can run a step")),
            Reach::Module {
                specifier,
                name,
                fixed,
            } => {
                let why = match fixed {
                    Some(why) => why.clone(),
                    None if self.handed_modules.contains(specifier) => {
                        "which is handed the step binding".to_string()
                    }
                    None => match (self.escaped_into(*name), self.escaped) {
                        (Some(line), _) => {
                            format!("which holds the step binding since line {line}")
                        }
                        (None, Some(line)) => format!(
                            "a module of the project, and the step binding was stored where \
                             any module may read it (line {line})"
                        ),
                        (None, None) => return None,
                    },
                };
                Some(match name {
                    Some(name) => format!("`{name}` comes from `{specifier}`, {why}"),
                    None => format!("it loads `{specifier}`, {why}"),
                })
            }
            Reach::Package { specifier, name } => {
                if self.handed_modules.contains(specifier) {
                    Some(format!(
                        "`{name}` comes from `{specifier}`, which is handed the step binding"
                    ))
                } else {
                    self.escaped_into(Some(name))
                        .map(|line| format!("`{name}` holds the step binding since line {line}"))
                }
            }
            Reach::Global(name) => self
                .escaped_into(Some(name))
                .map(|line| format!("`{name}` holds the step binding since line {line}")),
            // Methods of `this` are not followed: with the v4 global `step` in the file, or
            // the binding handed to one of them or stored in `this`, they may run steps.
            Reach::This => (self.global_step.is_some() || self.this_handed).then(|| {
                "`this` may hold functions that run steps (the file uses the global \
                 `step`, or hands the binding to a method or stores it in `this`)"
                    .to_string()
            }),
        }
    }

    /// The line where the handler's binding escaped into the name, if it did.
    fn escaped_into(&self, name: Option<&str>) -> Option<usize> {
        self.escaped_names.get(name?).copied()
    }

    /// Whether a read classified as `reach` reaches a handler's own step binding (not
    /// only the global `step`).
    fn holds_scoped(&self, reach: &Reach<'a>) -> bool {
        match reach {
            Reach::StepName(_, scoped) => *scoped,
            Reach::Binding(scope, name) => self.scoped.contains(&(*scope, *name)),
            _ => false,
        }
    }

    /// Whether a read classified as `reach` reaches a step now ([`Self::why`] without
    /// the message).
    fn holds(&self, reach: &Reach<'a>) -> bool {
        match reach {
            Reach::Never => false,
            Reach::StepName(..) | Reach::GlobalStep(_) | Reach::LoadsInngest => true,
            Reach::Binding(scope, name) => self
                .reaching
                .get(scope)
                .is_some_and(|names| names.contains_key(name)),
            Reach::Module {
                specifier,
                fixed,
                name,
            } => {
                fixed.is_some()
                    || self.handed_modules.contains(specifier)
                    || self.escaped.is_some()
                    || self.escaped_into(*name).is_some()
            }
            Reach::Package { specifier, name } => {
                self.handed_modules.contains(specifier) || self.escaped_into(Some(name)).is_some()
            }
            Reach::Global(name) => self.escaped_into(Some(name)).is_some(),
            Reach::This => self.global_step.is_some() || self.this_handed,
        }
    }

    /// What the module `specifier` the file imports is: a package, or a module of the
    /// project (relative, or a path alias that leads to a file) with why it may run
    /// steps by itself, if it may. Memoised by specifier.
    fn imported(&self, specifier: &str) -> Imported {
        if let Some(known) = self.imported.borrow().get(specifier) {
            return known.clone();
        }
        let found = match &self.directory {
            None if modules::is_relative(specifier) => Imported::Project {
                fixed: Some("which cannot be read (the file's path is unknown)".to_string()),
            },
            None if modules::is_package_name(specifier) => Imported::Package,
            None => Imported::Project {
                fixed: Some("which cannot be resolved (the file's path is unknown)".to_string()),
            },
            Some(directory) => match modules::resolution(directory, specifier) {
                Resolution::Package => Imported::Package,
                Resolution::Unresolved if !modules::is_relative(specifier) => Imported::Project {
                    fixed: Some(
                        "which no rule of module resolution leads to (not a file of the \
                         project, not a package)"
                            .to_string(),
                    ),
                },
                _ => Imported::Project {
                    fixed: match modules::reaches_step(directory, specifier) {
                        modules::Verdict::Clean => None,
                        modules::Verdict::Steps(path) => Some(format!(
                            "which mentions `step` ({})",
                            path.file_name()
                                .map(|f| f.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        )),
                        modules::Verdict::Unreadable => {
                            Some("which cannot be found or read".to_string())
                        }
                    },
                },
            },
        };
        self.imported
            .borrow_mut()
            .insert(specifier.to_string(), found.clone());
        found
    }

    /// Every definition of the file (from the traversal's candidates): declarations,
    /// assignments, method calls that store their arguments, and calls that bind a
    /// local function's parameters. Definitions that could never matter (no target,
    /// not handed to a module or to `this`; an awaited value, which is data) are left
    /// out.
    fn definitions(&self, candidates: &[Node<'t>]) -> Vec<Definition<'a, 't>> {
        let mut found = Vec::new();
        let mut push = |definition: Definition<'a, 't>, is_value: bool| {
            let inert = definition.targets.is_empty()
                && definition.handed_module.is_none()
                && !definition.handed_to_this
                && definition.escapes.is_none();
            let data = is_value && is_awaited(definition.value);
            if !inert && !data {
                found.push(definition);
            }
        };
        for &node in candidates {
            let line = node.start_position().row + 1;
            match node.kind_name() {
                "variable_declarator" => {
                    let (Some(name), Some(value)) = (node.field("name"), node.field("value"))
                    else {
                        continue;
                    };
                    // `const { event, step } = ctx`: the binding already knows which of
                    // these names are steps; the others are plain data.
                    if name.kind_name() == "object_pattern" && self.is_step_value(value) {
                        continue;
                    }
                    push(
                        Definition::new(self.keys_of_pattern(name), value, line),
                        true,
                    );
                }
                "function_declaration"
                | "generator_function_declaration"
                | "class_declaration"
                | "abstract_class_declaration" => {
                    if let Some(name) = node.field("name") {
                        let targets = self.key_of(name).into_iter().collect();
                        push(Definition::new(targets, node, line), false);
                    }
                }
                "assignment_expression" | "augmented_assignment_expression" => {
                    let (Some(left), Some(right)) = (node.field("left"), node.field("right"))
                    else {
                        continue;
                    };
                    let mut definition = Definition::new(Vec::new(), right, line);
                    if matches!(left.kind_name(), "object_pattern" | "array_pattern") {
                        definition.targets = self.keys_of_pattern(left);
                    } else {
                        self.store_into(left, &mut definition);
                    }
                    if !self.carries_code(right) {
                        definition.escapes = None;
                    }
                    push(definition, true);
                }
                "call_expression" | "new_expression" => {
                    for definition in self.call_definitions(node, line) {
                        push(definition, true);
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// Who holds a value stored into `place` (`x`, `o.p`, `o[k]`, `this.p`): the binding
    /// of the file at its root, `this`, or, when the file declares no such binding, an
    /// escape into an import or a global, or into a place not understood.
    fn store_into(&self, place: Node<'t>, definition: &mut Definition<'a, 't>) {
        if let Some(root) = root_name(place) {
            match self.key_of(root) {
                Some(key) => definition.targets.push(key),
                None => definition.escapes = Some(self.escape_into(root)),
            }
        } else if is_rooted_at_this(place) {
            definition.handed_to_this = true;
        } else if matches!(
            unwrap_expression(place).kind_name(),
            "member_expression" | "subscript_expression"
        ) {
            definition.escapes = Some(Escape::Unknown);
        }
    }

    /// Whether a value stored away can carry code that runs a step (not only data
    /// computed from it): the step binding or an alias, a function, a class, an object
    /// or array literal holding one. Only such values escape: a string built from a
    /// step's result (`join(dir, `${id}.json`)`) cannot run a step where it goes.
    fn carries_code(&self, value: Node<'t>) -> bool {
        let mut stack = vec![value];
        while let Some(node) = stack.pop() {
            let node = unwrap_expression(node);
            match node.kind_name() {
                "arrow_function" | "function_expression" | "class" => return true,
                "identifier" | "shorthand_property_identifier"
                    if self.is_step_name(node) || self.names_code(node) =>
                {
                    return true
                }
                "member_expression" if self.binding.is_context_step(node, self.source) => {
                    return true
                }
                "object" | "array" => stack.extend(code_children(node)),
                "pair" | "spread_element" => {
                    stack.extend(node.field("value").or(node.named_child(0)))
                }
                _ => {}
            }
        }
        false
    }

    /// Whether the name `node` reads is one of the file's functions or classes, or a
    /// variable whose value is not plain data (anything but a literal, a template, or
    /// arithmetic): an object, a call's result, an alias.
    fn names_code(&self, node: Node<'t>) -> bool {
        let Some(declaration) = self.declaration(node) else {
            return false;
        };
        let Some(parent) = declaration.parent_node() else {
            return false;
        };
        match parent.kind_name() {
            "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "abstract_class_declaration" => true,
            "variable_declarator" => parent.field("value").is_some_and(|v| {
                !matches!(
                    unwrap_expression(v).kind_name(),
                    "string"
                        | "template_string"
                        | "number"
                        | "true"
                        | "false"
                        | "null"
                        | "binary_expression"
                        | "unary_expression"
                )
            }),
            // A parameter, a destructured name: may hold anything.
            _ => true,
        }
    }

    /// The escape into `root`, a name the file does not declare.
    fn escape_into(&self, root: Node<'t>) -> Escape {
        let name = text(root, self.source);
        let project = match self.origin(root) {
            Origin::Imported(specifier) => {
                matches!(self.imported(&specifier), Imported::Project { .. })
            }
            _ => false,
        };
        Escape::Into {
            name: name.to_string(),
            project,
        }
    }

    /// What a call (or `new`) defines: one definition per argument. `list.push(p)`,
    /// `cache.set(k, step)`: the receiver may keep what it is handed; `keep(step)`,
    /// `new Keeper(step)`: the parameters of the file's function (or constructor)
    /// receive it; `Object.assign(target, …)`, `Object.defineProperty(target, …)`: the
    /// target keeps it; a function of a module or a package may keep it, and so may a
    /// method of `this`. One definition per argument: `list.push(await step.run(…))`
    /// hands over data.
    fn call_definitions(&self, node: Node<'t>, line: usize) -> Vec<Definition<'a, 't>> {
        let is_new = node.kind_name() == "new_expression";
        let callee = node.field(if is_new { "constructor" } else { "function" });
        let (Some(function), Some(arguments)) = (callee, node.field("arguments")) else {
            return Vec::new();
        };
        let to_this = is_method_of_this(function);
        let function = unwrap_expression(function);
        let member = function.kind_name() == "member_expression";
        let keeps = !(member && keeps_nothing(function, self.source));
        // Handed to a function of a module of the project: that module may keep it.
        let handed_module = root_name(function).and_then(|root| match self.origin(root) {
            Origin::Imported(specifier) => match self.imported(&specifier) {
                Imported::Project { .. } => Some(specifier),
                Imported::Package => None,
            },
            _ => None,
        });
        let mut template = Definition::new(Vec::new(), node, line);
        template.handed_module = handed_module;
        template.handed_to_this = to_this;
        let callee_text = text(function, self.source);
        let mut arguments_list: Vec<Node<'t>> = code_children(arguments).collect();
        if matches!(
            callee_text,
            "Object.assign" | "Object.defineProperty" | "Object.defineProperties" | "Reflect.set"
        ) && !arguments_list.is_empty()
        {
            let target = arguments_list.remove(0);
            self.store_into(target, &mut template);
            if unwrap_expression(target).kind_name() == "this" {
                template.handed_to_this = true;
            }
        } else if member && keeps {
            match function.field("object").map(unwrap_expression) {
                Some(object) if object.kind_name() == "this" => {}
                Some(object) => match root_name(object) {
                    Some(root) => match self.key_of(root) {
                        Some(key) => template.targets.push(key),
                        None if is_inert_global(text(root, self.source))
                            || hands_to_inngest(function, self.source) => {}
                        None => template.escapes = Some(self.escape_into(root)),
                    },
                    None if is_rooted_at_this(object) => template.handed_to_this = true,
                    None => template.escapes = Some(Escape::Unknown),
                },
                None => {}
            }
        } else if function.kind_name() == "identifier" {
            let parameters = if is_new {
                self.constructor_parameters(function)
            } else {
                self.parameters_of_callee(function)
            };
            template.targets = parameters.unwrap_or_default();
        }
        arguments_list
            .into_iter()
            .map(|argument| Definition {
                targets: template.targets.clone(),
                value: argument,
                line,
                handed_module: template.handed_module.clone(),
                handed_to_this: template.handed_to_this,
                escapes: template
                    .escapes
                    .clone()
                    .filter(|_| self.carries_code(argument)),
            })
            .collect()
    }

    /// The parameters of the constructor of the file's class a `new` names, as bindings.
    fn constructor_parameters(&self, class_name: Node<'t>) -> Option<Vec<BindingKey<'a>>> {
        let name = text(class_name, self.source);
        let scope = self.declaring_scope(class_name)?;
        let declaration = self.declared_in(scope, name)?;
        let class = declaration.parent_node().filter(|p| {
            matches!(
                p.kind_name(),
                "class_declaration" | "abstract_class_declaration"
            )
        })?;
        let body = class.field("body")?;
        let constructor = code_children(body).find(|m| {
            m.kind_name() == "method_definition"
                && m.field("name")
                    .is_some_and(|n| text(n, self.source) == "constructor")
        })?;
        Some(self.parameter_keys(constructor))
    }

    /// The parameters of a function, as bindings.
    fn parameter_keys(&self, function: Node<'t>) -> Vec<BindingKey<'a>> {
        let mut names = Vec::new();
        parameter_names(function, &mut names);
        names
            .into_iter()
            .map(|n| (function.id(), text(n, self.source)))
            .collect()
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

    fn key_of(&self, name: Node<'t>) -> Option<BindingKey<'a>> {
        match self.declaring_scope(name) {
            Some(scope) => Some((scope.id(), text(name, self.source))),
            None => None,
        }
    }

    fn keys_of_pattern(&self, pattern: Node<'t>) -> Vec<BindingKey<'a>> {
        let mut names = Vec::new();
        pattern_names(pattern, &mut names);
        names.into_iter().filter_map(|n| self.key_of(n)).collect()
    }

    /// The parameters of the file's function a callee names, as bindings.
    fn parameters_of_callee(&self, callee: Node<'t>) -> Option<Vec<BindingKey<'a>>> {
        let name = text(callee, self.source);
        let scope = self.declaring_scope(callee)?;
        let declaration = self.declared_in(scope, name)?;
        let parent = declaration.parent_node()?;
        let function = match parent.kind_name() {
            "function_declaration" | "generator_function_declaration" => parent,
            "variable_declarator" => parent
                .field("value")
                .map(unwrap_expression)
                .filter(|v| is_function(*v))?,
            _ => return None,
        };
        Some(self.parameter_keys(function))
    }

    /// Mark the bindings that reach a step, until nothing changes.
    fn propagate(&mut self, definitions: &[Definition<'a, 't>], reads: &[Occurrence<'t>]) {
        // What each read would need to reach a step, decided once.
        let reaches: Vec<Reach<'a>> = reads.iter().map(|r| self.classify(r.node)).collect();
        // What each definition's value reads: the traversal's reads lie in source
        // order, so a value's reads are one run of them. Names the value declares
        // itself (a function's own parameters, the handler's own `step`) are not what
        // it holds or captures.
        let value_reads: Vec<Vec<usize>> = definitions
            .iter()
            .map(|d| {
                let (start, end) = (d.value.start_byte(), d.value.end_byte());
                let first = reads.partition_point(|r| r.start < start);
                (first..reads.len())
                    .take_while(|&i| reads[i].start < end)
                    .filter(|&i| {
                        let read = &reads[i];
                        read.end <= end
                            && !matches!(&reaches[i], Reach::Never)
                            && !read.scope.is_some_and(|(s, e)| start <= s && e <= end)
                    })
                    .collect()
            })
            .collect();
        loop {
            let mut changed = false;
            for (definition, reads) in definitions.iter().zip(&value_reads) {
                if !definition.targets.is_empty()
                    && definition.targets.iter().all(|key| {
                        self.scoped.contains(key)
                            && self
                                .reaching
                                .get(&key.0)
                                .is_some_and(|names| names.contains_key(key.1))
                    })
                {
                    continue;
                }
                if !reads.iter().any(|&i| self.holds(&reaches[i])) {
                    continue;
                }
                let scoped = reads.iter().any(|&i| self.holds_scoped(&reaches[i]));
                for &(scope, name) in &definition.targets {
                    let names = self.reaching.entry(scope).or_default();
                    if !names.contains_key(name) {
                        names.insert(name, definition.line);
                        changed = true;
                    }
                    if scoped {
                        changed |= self.scoped.insert((scope, name));
                    }
                }
                match definition.escapes.as_ref().filter(|_| scoped) {
                    Some(Escape::Into { name, project }) => {
                        if !self.escaped_names.contains_key(name) {
                            self.escaped_names.insert(name.clone(), definition.line);
                            changed = true;
                        }
                        if *project && self.escaped.is_none() {
                            self.escaped = Some(definition.line);
                            changed = true;
                        }
                    }
                    Some(Escape::Unknown) if self.escaped.is_none() => {
                        self.escaped = Some(definition.line);
                        changed = true;
                    }
                    _ => {}
                }
                if let Some(specifier) = &definition.handed_module {
                    changed |= self.handed_modules.insert(specifier.clone());
                }
                if !self.this_handed && definition.handed_to_this {
                    self.this_handed = true;
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }
}

/// Whether a place is a property of `this` (`this.tools`, `this.a[k]`).
fn is_rooted_at_this(place: Node) -> bool {
    let mut node = unwrap_expression(place);
    loop {
        match node.kind_name() {
            "this" => return true,
            "member_expression" | "subscript_expression" => match node.field("object") {
                Some(object) => node = unwrap_expression(object),
                None => return false,
            },
            _ => return false,
        }
    }
}

/// `inngest.createFunction(…, handler)` keeps the handler, but calls it with a step of
/// its own; `inngest.send(…)` sends JSON: neither is an escape of a binding.
fn hands_to_inngest(member: Node, source: &str) -> bool {
    member
        .field("property")
        .is_some_and(|p| matches!(text(p, source), "createFunction" | "send"))
}

/// Globals whose methods keep nothing another piece of code can read back
/// (`Promise.all([step.run(…)])`, `JSON.stringify(x)`, `console.log(step)`).
fn is_inert_global(name: &str) -> bool {
    matches!(
        name,
        "Promise"
            | "Array"
            | "Object"
            | "JSON"
            | "Math"
            | "console"
            | "String"
            | "Number"
            | "Boolean"
            | "Date"
            | "Reflect"
            | "Symbol"
            | "Error"
            | "Intl"
            | "BigInt"
            | "Buffer"
            | "URL"
    )
}

/// Whether `function` (a callee) is a method of `this` (`this.keep`, `this.a.keep`).
fn is_method_of_this(function: Node) -> bool {
    function.kind_name() == "member_expression"
        && function.field("object").is_some_and(is_rooted_at_this)
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
        .field("property")
        .is_some_and(|p| CALLERS.contains(&text(p, source)))
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
                                .field("function")
                                .is_some_and(|f| f.kind_name() == "import")
                    })
            }
            "member_expression" | "subscript_expression" => match node.field("object") {
                Some(object) => node = unwrap_expression(object),
                None => return false,
            },
            _ => return false,
        }
    }
}

/// The module a `require("x")` or `import("x")` call loads.
fn loads_module(call: Node, source: &str) -> Option<String> {
    let function = call.field("function")?;
    let is_loader = function.kind_name() == "import"
        || (function.kind_name() == "identifier" && text(function, source) == "require");
    if !is_loader {
        return None;
    }
    let first = code_children(call.field("arguments")?).next()?;
    super::functions::string_literal(first, source)
}
