//! The step binding of a handler (SPEC 1.2): the name under which its step tools are
//! reached, taken from the handler's first parameter or, failing that, from a v4
//! `import { step } from "inngest"`.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use tree_sitter::{Node, Tree};

use super::{code_children, text};

/// What a name of the step binding holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holds {
    /// The step object: tools are `name.run(…)` (`{ step }`, `{ step: s }`, an imported
    /// `step`, an alias `const tools = step`).
    Object,
    /// The handler's context: tools are `ctx.step.run(…)`.
    Context,
    /// One bare tool (`run` of `{ step: { run } }` or `const { run } = step`).
    Tool(String),
}

/// One name under which a handler reaches its step tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepName {
    /// The local name.
    pub name: String,
    /// What it holds.
    pub holds: Holds,
    /// The id of the node whose scope declares it (the handler for its parameters, a
    /// block for an alias made in the body); `None` for the module's `step` import.
    pub scope: Option<usize>,
    /// Where the declaration starts: the name is initialised after it.
    pub declared_at: usize,
}

/// How a handler reaches its step tools: the names from its first parameter first, then
/// the aliases its body makes (`const { run } = step`, `const s = ctx.step`,
/// `const { step } = ctx`), then the v4 `import { step } from "inngest"`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepBinding {
    /// Every name, in that order.
    pub names: Vec<StepName>,
}

impl StepBinding {
    /// The step binding of `function`, if it has one.
    pub fn of_handler(function: Node, tree: &Tree, source: &str) -> Option<StepBinding> {
        let mut binding = StepBinding::default();
        from_first_parameter(function, source, &mut binding);
        aliases_in_body(function, source, &mut binding);
        let imports = super::imports::Imports::of(tree.root_node(), source, None);
        if let Some(name) = imports.global_step() {
            if !binding.names.iter().any(|n| n.name == name) {
                binding.names.push(StepName {
                    name: name.to_string(),
                    holds: Holds::Object,
                    scope: None,
                    declared_at: 0,
                });
            }
        }
        // `import * as sdk from "inngest"`: `sdk.step` is the global step, as `ctx.step`
        // is the context's.
        for name in imports.inngest_namespaces() {
            if !binding.names.iter().any(|n| n.name == name) {
                binding.names.push(StepName {
                    name: name.to_string(),
                    holds: Holds::Context,
                    scope: None,
                    declared_at: 0,
                });
            }
        }
        if binding.names.iter().any(|n| n.scope.is_none()) {
            // Aliases of the imported step (`const tools = sdk.step`).
            aliases_in_body(function, source, &mut binding);
        }
        (!binding.names.is_empty()).then_some(binding)
    }

    fn push(&mut self, name: &str, holds: Holds, scope: Option<usize>, declared_at: usize) {
        if !self
            .names
            .iter()
            .any(|n| n.name == name && n.holds == holds)
        {
            self.names.push(StepName {
                name: name.to_string(),
                holds,
                scope,
                declared_at,
            });
        }
    }

    fn holds_of(&self, name: &str) -> Option<&Holds> {
        self.names.iter().find(|n| n.name == name).map(|n| &n.holds)
    }

    /// Whether `node` (the receiver of a `.run(…)` call) is this binding.
    pub fn is_receiver(&self, node: Node, source: &str) -> bool {
        let node = super::unwrap_expression(node);
        match node.kind_name() {
            "identifier" => self
                .names
                .iter()
                .any(|n| n.holds == Holds::Object && n.name == text(node, source)),
            "member_expression" => self.is_context_step(node, source),
            _ => false,
        }
    }

    /// `ctx.step` (or `ctx?.step`) for a context name `ctx`.
    pub fn is_context_step(&self, node: Node, source: &str) -> bool {
        node.kind_name() == "member_expression"
            && node.field("object").is_some_and(|o| {
                o.kind_name() == "identifier"
                    && self.holds_of(text(o, source)) == Some(&Holds::Context)
            })
            && node
                .field("property")
                .is_some_and(|p| text(p, source) == "step")
    }

    /// The tool a bare function name stands for (`run` for `{ step: { run: r } }`'s `r`).
    pub fn bare_tool(&self, name: &str) -> Option<&str> {
        self.names.iter().find_map(|n| match &n.holds {
            Holds::Tool(tool) if n.name == name => Some(tool.as_str()),
            _ => None,
        })
    }

    /// Whether a value handed to a call carries the binding (`helper(step)`,
    /// `helper({ step })`, `helper(ctx)`, `helper(run)`).
    pub fn is_handed(&self, node: Node, source: &str) -> bool {
        let node = super::unwrap_expression(node);
        match node.kind_name() {
            "identifier" | "shorthand_property_identifier" => {
                self.holds_of(text(node, source)).is_some()
            }
            "member_expression" => self.is_context_step(node, source),
            _ => false,
        }
    }

    /// How the finalize step is called: `step.run`, `ctx.step.run`, or the bare local
    /// name of `run`. `None` when `run` is not reachable (`{ step: { sleep } }`).
    pub fn run_callee(&self) -> Option<String> {
        self.by_preference().find_map(callee_of)
    }

    /// The names in the order a callee is taken from: the step object as the file
    /// names it (`step` of `const { step } = ctx` writes `step.run`, not `ctx.step.run`),
    /// then a bare `run`, then the context.
    fn by_preference(&self) -> impl Iterator<Item = &StepName> {
        let rank = |name: &StepName| match &name.holds {
            Holds::Object => 0,
            Holds::Tool(_) => 1,
            Holds::Context => 2,
        };
        let mut names: Vec<&StepName> = self.names.iter().collect();
        names.sort_by_key(|name| rank(name));
        names.into_iter()
    }

    /// The callee of the finalize step for a return at `at`: the first name that is in
    /// scope there and means the handler's binding (not a local of the same name
    /// declared between it and the return, and initialised before it).
    pub fn run_callee_at(&self, at: Node, handler: Node, source: &str) -> Option<String> {
        self.by_preference().find_map(|n| {
            let callee = callee_of(n)?;
            let scope = super::scope::resolve(at, handler, &n.name, source).map(|s| s.id());
            let initialised = n.declared_at <= at.start_byte();
            (scope == n.scope && initialised).then_some(callee)
        })
    }
}

fn callee_of(name: &StepName) -> Option<String> {
    match &name.holds {
        Holds::Object => Some(format!("{}.run", name.name)),
        Holds::Context => Some(format!("{}.step.run", name.name)),
        Holds::Tool(tool) if tool == "run" => Some(name.name.clone()),
        Holds::Tool(_) => None,
    }
}

/// The pattern of a function's first parameter (`{ event, step }`, `ctx`).
pub fn first_parameter_pattern(function: Node) -> Option<Node> {
    if let Some(single) = function.field("parameter") {
        return Some(single);
    }
    let parameters = function.field("parameters")?;
    let first = code_children(parameters).next()?;
    match first.kind_name() {
        "required_parameter" | "optional_parameter" => first.field("pattern"),
        "identifier" | "object_pattern" | "assignment_pattern" => Some(first),
        _ => None,
    }
}

fn from_first_parameter(function: Node, source: &str, binding: &mut StepBinding) {
    let Some(mut pattern) = first_parameter_pattern(function) else {
        return;
    };
    if pattern.kind_name() == "assignment_pattern" {
        match pattern.field("left") {
            Some(left) => pattern = left,
            None => return,
        }
    }
    let scope = Some(function.id());
    let at = function.start_byte();
    match pattern.kind_name() {
        "identifier" => binding.push(text(pattern, source), Holds::Context, scope, at),
        "object_pattern" => context_pattern(pattern, source, binding, scope, at),
        _ => {}
    }
}

/// The names a pattern destructured from the handler's context binds: `{ step }`,
/// `{ step: s }`, `{ step: { run } }`, and `...rest` (which still holds `step`).
fn context_pattern(
    pattern: Node,
    source: &str,
    binding: &mut StepBinding,
    scope: Option<usize>,
    at: usize,
) {
    for member in code_children(pattern) {
        match member.kind_name() {
            "shorthand_property_identifier_pattern" if text(member, source) == "step" => {
                binding.push("step", Holds::Object, scope, at);
            }
            "object_assignment_pattern" => {
                if let Some(left) = member.field("left") {
                    if text(left, source) == "step" {
                        binding.push("step", Holds::Object, scope, at);
                    }
                }
            }
            "rest_pattern" => {
                if let Some(name) = code_children(member).find(|c| c.kind_name() == "identifier") {
                    binding.push(text(name, source), Holds::Context, scope, at);
                }
            }
            "pair_pattern" => {
                let Some(key) = member.field("key") else {
                    continue;
                };
                if text(key, source).trim_matches(|c| c == '"' || c == '\'') != "step" {
                    continue;
                }
                let Some(mut value) = member.field("value") else {
                    continue;
                };
                if value.kind_name() == "assignment_pattern" {
                    match value.field("left") {
                        Some(left) => value = left,
                        None => continue,
                    }
                }
                match value.kind_name() {
                    "identifier" => binding.push(text(value, source), Holds::Object, scope, at),
                    "object_pattern" => tools_pattern(value, source, binding, scope, at),
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// The tools a pattern destructured from the step object binds: `{ run, sleep: nap }`.
fn tools_pattern(
    pattern: Node,
    source: &str,
    binding: &mut StepBinding,
    scope: Option<usize>,
    at: usize,
) {
    for member in code_children(pattern) {
        match member.kind_name() {
            "shorthand_property_identifier_pattern" => {
                let name = text(member, source);
                binding.push(name, Holds::Tool(name.to_string()), scope, at);
            }
            "object_assignment_pattern" => {
                if let Some(left) = member.field("left") {
                    let name = text(left, source);
                    binding.push(name, Holds::Tool(name.to_string()), scope, at);
                }
            }
            "pair_pattern" => {
                let key = member.field("key");
                let mut value = member.field("value");
                if let Some(v) = value.filter(|v| v.kind_name() == "assignment_pattern") {
                    value = v.field("left");
                }
                if let (Some(key), Some(value)) = (key, value) {
                    let tool = text(key, source).trim_matches(|c| c == '"' || c == '\'');
                    match value.kind_name() {
                        "identifier" => binding.push(
                            text(value, source),
                            Holds::Tool(tool.to_string()),
                            scope,
                            at,
                        ),
                        // `{ ai: { infer } }`: a namespace of tools.
                        "object_pattern" => tools_pattern(value, source, binding, scope, at),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Aliases the handler body makes of its binding, until none is new:
/// `const tools = step`, `const s = ctx.step`, `const { step } = ctx`,
/// `const { run } = step`, `const run = step.run` (or `step.run.bind(step)`), and the
/// same as assignments (`s = step`).
fn aliases_in_body(function: Node, source: &str, binding: &mut StepBinding) {
    let mut pairs: Vec<(Node, Node)> = Vec::new();
    super::for_each_descendant(function, |node| match node.kind_name() {
        "variable_declarator" => {
            if let (Some(name), Some(value)) = (node.field("name"), node.field("value")) {
                pairs.push((name, value));
            }
        }
        "assignment_expression" => {
            if let (Some(left), Some(right)) = (node.field("left"), node.field("right")) {
                pairs.push((left, right));
            }
        }
        _ => {}
    });
    if pairs.is_empty() {
        return;
    }
    loop {
        let before = binding.names.len();
        for (pattern, value) in &pairs {
            let value = super::unwrap_expression(*value);
            let holds = holds_of_value(binding, value, source);
            let Some(holds) = holds else {
                continue;
            };
            let scope = super::scope::resolve(
                *pattern,
                function,
                first_name(*pattern, source).unwrap_or(""),
                source,
            )
            .map(|s| s.id());
            let at = pattern.start_byte();
            match (pattern.kind_name(), holds) {
                ("identifier", holds) => binding.push(text(*pattern, source), holds, scope, at),
                ("object_pattern", Holds::Context) => {
                    context_pattern(*pattern, source, binding, scope, at)
                }
                ("object_pattern", Holds::Object) => {
                    tools_pattern(*pattern, source, binding, scope, at)
                }
                _ => {}
            }
        }
        if binding.names.len() == before {
            return;
        }
    }
}

/// The first name a pattern binds, to find its scope.
fn first_name<'s>(pattern: Node, source: &'s str) -> Option<&'s str> {
    let mut names = Vec::new();
    super::scope::pattern_names(pattern, &mut names);
    names.first().map(|n| text(*n, source))
}

/// What a value holds when it is the binding or a part of it.
fn holds_of_value(binding: &StepBinding, value: Node, source: &str) -> Option<Holds> {
    match value.kind_name() {
        "identifier" => binding.holds_of(text(value, source)).cloned(),
        "member_expression" => {
            if binding.is_context_step(value, source) {
                return Some(Holds::Object);
            }
            let object = value.field("object")?;
            let property = text(value.field("property")?, source);
            if binding.is_receiver(object, source) {
                return Some(Holds::Tool(property.to_string()));
            }
            None
        }
        // `step.run.bind(step)`
        "call_expression" => {
            let function = value.field("function")?;
            if function.kind_name() != "member_expression"
                || function
                    .field("property")
                    .is_none_or(|p| text(p, source) != "bind")
            {
                return None;
            }
            holds_of_value(binding, function.field("object")?, source)
        }
        _ => None,
    }
}

/// `import { step } from "inngest"` (or `{ step as s }`): the v4 global step, by its
/// local name.
pub fn imported_step(tree: &Tree, source: &str) -> Option<String> {
    imported_step_of_root(tree.root_node(), source)
}

/// [`imported_step`] from the root node of a file.
pub fn imported_step_of_root(root: Node, source: &str) -> Option<String> {
    super::imports::Imports::of(root, source, None)
        .global_step()
        .map(str::to_string)
}
