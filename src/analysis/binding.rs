//! The step binding of a handler (SPEC 1.2): the name under which its step tools are
//! reached, taken from the handler's first parameter or, failing that, from a v4
//! `import { step } from "inngest"`.

use tree_sitter::{Node, Tree};

use super::{code_children, text};

/// How a handler reaches its step tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepBinding {
    /// `{ step }`, `{ step: s }`, or an imported `step`: tools are `name.run(…)`.
    Object { name: String },
    /// A plain context parameter `ctx`: tools are `ctx.step.run(…)`.
    ContextMember { context: String },
    /// `{ step: { run, sleep: nap } }`: bare tool functions, as (tool, local name) pairs.
    Tools { tools: Vec<(String, String)> },
}

impl StepBinding {
    /// The step binding of `function`, if it has one.
    pub fn of_handler(function: Node, tree: &Tree, source: &str) -> Option<StepBinding> {
        from_first_parameter(function, source).or_else(|| imported_step(tree, source))
    }

    /// Whether `node` (the receiver of a `.run(…)` call) is this binding.
    pub fn is_receiver(&self, node: Node, source: &str) -> bool {
        match self {
            StepBinding::Object { name } => {
                node.kind() == "identifier" && text(node, source) == name
            }
            StepBinding::ContextMember { context } => is_context_step(node, context, source),
            StepBinding::Tools { .. } => false,
        }
    }

    /// The tool a bare function name stands for (`run` for `{ step: { run: r } }`'s `r`).
    pub fn bare_tool(&self, name: &str) -> Option<&str> {
        match self {
            StepBinding::Tools { tools } => tools
                .iter()
                .find(|(_, local)| local == name)
                .map(|(tool, _)| tool.as_str()),
            _ => None,
        }
    }

    /// Whether a value handed to a call carries the binding (`helper(step)`,
    /// `helper({ step })`, `helper(ctx)`, `helper(run)`).
    pub fn is_handed(&self, node: Node, source: &str) -> bool {
        let name = text(node, source);
        match self {
            StepBinding::Object { name: binding } => {
                matches!(node.kind(), "identifier" | "shorthand_property_identifier")
                    && name == binding
            }
            StepBinding::ContextMember { context } => {
                (matches!(node.kind(), "identifier" | "shorthand_property_identifier")
                    && name == context)
                    || is_context_step(node, context, source)
            }
            StepBinding::Tools { tools } => {
                matches!(node.kind(), "identifier" | "shorthand_property_identifier")
                    && tools.iter().any(|(_, local)| local == name)
            }
        }
    }

    /// How the finalize step is called: `step.run`, `ctx.step.run`, or the bare local
    /// name of `run`. `None` when `run` is not reachable (`{ step: { sleep } }`).
    pub fn run_callee(&self) -> Option<String> {
        match self {
            StepBinding::Object { name } => Some(format!("{name}.run")),
            StepBinding::ContextMember { context } => Some(format!("{context}.step.run")),
            StepBinding::Tools { tools } => tools
                .iter()
                .find(|(tool, _)| tool == "run")
                .map(|(_, local)| local.clone()),
        }
    }
}

fn is_context_step(node: Node, context: &str, source: &str) -> bool {
    node.kind() == "member_expression"
        && node
            .child_by_field_name("object")
            .is_some_and(|o| o.kind() == "identifier" && text(o, source) == context)
        && node
            .child_by_field_name("property")
            .is_some_and(|p| text(p, source) == "step")
}

/// The pattern of a function's first parameter (`{ event, step }`, `ctx`).
pub fn first_parameter_pattern(function: Node) -> Option<Node> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return Some(single);
    }
    let parameters = function.child_by_field_name("parameters")?;
    let first = code_children(parameters).next()?;
    match first.kind() {
        "required_parameter" | "optional_parameter" => first.child_by_field_name("pattern"),
        "identifier" | "object_pattern" | "assignment_pattern" => Some(first),
        _ => None,
    }
}

fn from_first_parameter(function: Node, source: &str) -> Option<StepBinding> {
    let mut pattern = first_parameter_pattern(function)?;
    if pattern.kind() == "assignment_pattern" {
        pattern = pattern.child_by_field_name("left")?;
    }
    match pattern.kind() {
        "identifier" => Some(StepBinding::ContextMember {
            context: text(pattern, source).to_string(),
        }),
        "object_pattern" => step_in_object_pattern(pattern, source),
        _ => None,
    }
}

fn step_in_object_pattern(pattern: Node, source: &str) -> Option<StepBinding> {
    for member in code_children(pattern) {
        match member.kind() {
            "shorthand_property_identifier_pattern" if text(member, source) == "step" => {
                return Some(StepBinding::Object {
                    name: "step".to_string(),
                });
            }
            "object_assignment_pattern" => {
                let left = member.child_by_field_name("left")?;
                if text(left, source) == "step" {
                    return Some(StepBinding::Object {
                        name: "step".to_string(),
                    });
                }
            }
            "pair_pattern" => {
                let key = member.child_by_field_name("key")?;
                if text(key, source).trim_matches(|c| c == '"' || c == '\'') != "step" {
                    continue;
                }
                let mut value = member.child_by_field_name("value")?;
                if value.kind() == "assignment_pattern" {
                    value = value.child_by_field_name("left")?;
                }
                return match value.kind() {
                    "identifier" => Some(StepBinding::Object {
                        name: text(value, source).to_string(),
                    }),
                    "object_pattern" => Some(StepBinding::Tools {
                        tools: tools_in_pattern(value, source),
                    }),
                    _ => None,
                };
            }
            _ => {}
        }
    }
    None
}

fn tools_in_pattern(pattern: Node, source: &str) -> Vec<(String, String)> {
    let mut tools = Vec::new();
    for member in code_children(pattern) {
        match member.kind() {
            "shorthand_property_identifier_pattern" => {
                let name = text(member, source).to_string();
                tools.push((name.clone(), name));
            }
            "pair_pattern" => {
                let key = member.child_by_field_name("key");
                let value = member.child_by_field_name("value");
                if let (Some(key), Some(value)) = (key, value) {
                    if value.kind() == "identifier" {
                        tools.push((
                            text(key, source).to_string(),
                            text(value, source).to_string(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    tools
}

/// `import { step } from "inngest"` (or `{ step as s }`): the v4 global step.
fn imported_step(tree: &Tree, source: &str) -> Option<StepBinding> {
    for statement in code_children(tree.root_node()) {
        if statement.kind() != "import_statement" {
            continue;
        }
        let Some(from) = statement.child_by_field_name("source") else {
            continue;
        };
        if text(from, source).trim_matches(|c| c == '"' || c == '\'') != "inngest" {
            continue;
        }
        let Some(clause) = code_children(statement).find(|c| c.kind() == "import_clause") else {
            continue;
        };
        for named in code_children(clause).filter(|c| c.kind() == "named_imports") {
            for specifier in code_children(named) {
                let name = specifier.child_by_field_name("name");
                if name.is_some_and(|n| text(n, source) == "step") {
                    let local = specifier.child_by_field_name("alias").or(name)?;
                    return Some(StepBinding::Object {
                        name: text(local, source).to_string(),
                    });
                }
            }
        }
    }
    None
}
