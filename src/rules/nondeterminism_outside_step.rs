//! Rule `nondeterminism-outside-step`.
//!
//! ## What it does
//! Finds a time, random value or generated ID evaluated outside step bodies in a
//! handler that runs steps — `Date.now()`, `new Date()` without arguments,
//! `Math.random()`, `crypto.randomUUID()` (or an imported `randomUUID()`),
//! `performance.now()`, `crypto.getRandomValues(…)`, `nanoid()`, `uuid`'s
//! `v1`/`v4`/`v6`/`v7()` (under any alias, or `uuid.v4()`), cuid's `cuid()`/`createId()`
//! and `ulid()` — when its value can change what the run does:
//! - it decides which steps run: a condition around step calls (`if`, `?:`, `&&`, a
//!   loop, a `switch`), or an early `return`/`throw` before later steps;
//! - it is part of a step's ID;
//! - it is evaluated before a step and read after it, inside a later step body or
//!   outside one (also through values computed from it, `Date.now() - startedAt`, and
//!   inside a loop that runs steps).
//!
//! A value that only feeds a step tool's arguments (a `sleepUntil` date, a `sendEvent`
//! payload, `invoke` data: evaluated by the execution that runs the step and memoized
//! with it, unless an earlier step already consumed the same value), a log line, a
//! return of the handler, or only the first step after it, is not a finding. One finding
//! per declaration holding the value (`const startedAt = Date.now()`), at its first
//! source; the reads are named in the message.
//!
//! ## Why is this bad?
//! The handler replays from the top for every step, and code outside step bodies runs
//! again each time. Each replay gets a new time or random value, so an ID, a deadline or
//! a branch computed from it differs between the requests of one run: the value a later
//! step sees is not the one an earlier step saw, a branch taken before a step may not be
//! taken on replay, and a step ID that changes names a new step each time.
//!
//! ## Example
//! ```ts
//! const startedAt = Date.now();
//! await step.run("charge", () => charge(order));
//! await step.run("record", () => record(order, Date.now() - startedAt));
//! ```
//! Use instead:
//! ```ts
//! const startedAt = await step.run("date-now", () => Date.now());
//! await step.run("charge", () => charge(order));
//! await step.run("record", () => record(order, Date.now() - startedAt));
//! ```
//!
//! ## Fix safety
//! Needs review: applied only with `--unsafe-fixes`. The fix wraps the expression in
//! a step, `await step.run("date-now", () => Date.now())`, whose value is memoized. The
//! step ID is derived from the expression (`date-now`, `new-date`, `math-random`,
//! `random-uuid`, `performance-now`, `nanoid`, `uuid`, `cuid`, `ulid`, with `-2`, `-3`…
//! when taken in the handler); a declaration holding several sources gets one step
//! each. `crypto.getRandomValues` is never wrapped (its typed array would come back as
//! a plain object). It adds
//! one step per evaluation (counted toward the step limit and billing), and changes
//! timing: the value is taken when the step first runs. `new Date()` becomes
//! `new Date(await step.run("new-date", () => Date.now()))`, because a step's result is
//! JSON and a `Date` would come back as a string. The fix is offered only where `await`
//! is legal: the nearest enclosing function is `async` and the expression is not in its
//! parameters. Elsewhere the finding is left for manual review.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use tree_sitter::Node;

use super::{Diagnostic, HandlerContext, Related, Remedy};
use crate::analysis::replay::{self, Hazard, HazardousRead};
use crate::analysis::scope::resolve;
use crate::analysis::{
    code_children, contains, enclosing_function, for_each_descendant, is_async_function, text,
};
use crate::fix::edits::first_free;
use crate::fix::{Applicability, Edit, Fix};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "nondeterminism-outside-step";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::NeedsReview,
    fix_title: FixTitle {
        action: "Wrap the value in a step",
        does: "wraps it in its own step",
        done: "wrapped in its own step",
    },
    file: file!(),
    files: Files::Functions,
};

/// A nondeterministic expression found outside step bodies.
struct Nondeterministic<'t> {
    node: Node<'t>,
    /// The base of the derived step ID: `date-now`, `math-random`…
    id_base: &'static str,
    /// `new Date()`: the fix wraps `Date.now()` and keeps the `Date`.
    is_new_date: bool,
}

/// Report every nondeterministic value outside the step bodies of one handler that a
/// replay can change the run with: one finding per declaration holding it (or per
/// expression, when nothing holds it), at the first source, with the reads as related
/// locations.
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
    let tree = context.tree;
    let source = context.source;
    let handler = context.handler.function;
    let imports = Imports::of(tree.root_node(), source);
    // A step that only builds the return value (the finalize step) is not one a value
    // can be used inconsistently across (see `replay::without_returned_steps`).
    let steps = &replay::without_returned_steps(context.steps, handler, source);
    let mut found = Vec::new();
    for_each_descendant(handler, |node| {
        if let Some(hit) = classify(node, handler, &imports, source) {
            if context.steps.body_containing(node).is_none() {
                found.push(hit);
            }
        }
    });
    if found.is_empty() {
        return;
    }
    // Group the sources by the declaration holding their value, keeping only values
    // whose reads a replay can change.
    let mut groups: Vec<(Vec<Nondeterministic>, Vec<HazardousRead>)> = Vec::new();
    let mut holders: Vec<Option<usize>> = Vec::new();
    for hit in found {
        let value_flow = replay::flow(hit.node, handler, steps, source);
        let holder = value_flow.holder.map(|h| h.id());
        let hazards = replay::hazardous_reads(hit.node, &value_flow, handler, steps, source);
        if let Some(index) = holder.and_then(|h| holders.iter().position(|g| *g == Some(h))) {
            // Another source of the same declaration (`{ from: Date.now(), to: Date.now() }`):
            // its own reads count too (a field may be read where another is not).
            let group = &mut groups[index];
            for hazard in hazards {
                if !group.1.iter().any(|h| h.node.id() == hazard.node.id()) {
                    group.1.push(hazard);
                }
            }
            group.1.sort_by_key(|h| h.node.start_byte());
            group.0.push(hit);
            continue;
        }
        holders.push(holder);
        groups.push((vec![hit], hazards));
    }
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
    let style = context.style.style(source, quote);
    for (hits, hazards) in groups {
        let Some(first_hazard) = hazards.first() else {
            continue;
        };
        let Some(first) = hits.first() else {
            continue;
        };
        let expression = text(first.node, source);
        let fix = plan_fix(context, &hits, &mut taken, style.quote);
        let message = format!(
            "`{expression}` is evaluated outside any step, and {}",
            describe(first_hazard, holder_name(first.node, context), source)
        );
        out.push(Diagnostic {
            related: hazards.iter().map(related).collect(),
            ..context.report(first.node.byte_range(), message, Remedy::from_result(fix))
        });
    }
}

/// A hazardous read as a related location of the finding.
fn related(read: &HazardousRead) -> Related {
    let message = match read.hazard {
        Hazard::StepId => "part of a step ID",
        Hazard::DecidesSteps => "decides which steps run",
        Hazard::ReadAfterStep => "read after a step",
    };
    Related {
        range: read.node.byte_range(),
        message: message.to_string(),
    }
}

/// The name of the variable holding the value of `node`, if one does.
fn holder_name<'s>(node: Node, context: &HandlerContext<'s, '_>) -> Option<&'s str> {
    let value_flow = replay::flow(
        node,
        context.handler.function,
        context.steps,
        context.source,
    );
    let holder = value_flow.holder?;
    let name = holder.field("name").or_else(|| holder.field("left"))?;
    (name.kind_name() == "identifier").then(|| text(name, context.source))
}

/// What a hazardous read does, for the message.
fn describe(read: &HazardousRead, holder: Option<&str>, source: &str) -> String {
    let line = read.node.start_position().row + 1;
    let name = text(read.node, source);
    let is_name = matches!(
        read.node.kind_name(),
        "identifier" | "shorthand_property_identifier"
    );
    let what = match holder {
        Some(holder) if is_name && holder != name => format!("`{holder}` (through `{name}`)"),
        _ if is_name => format!("`{name}`"),
        _ => "its value".to_string(),
    };
    match read.hazard {
        Hazard::StepId => {
            format!("{what} is part of a step ID (line {line}): each replay names a new step")
        }
        Hazard::DecidesSteps => format!(
            "{what} decides which steps run (line {line}): a replay can take another branch"
        ),
        Hazard::ReadAfterStep => {
            format!("{what} is read after a step (line {line}): a replay recomputes it")
        }
    }
}

/// The edits wrapping every source of one group in its own step, or why there are none.
fn plan_fix(
    context: &HandlerContext,
    hits: &[Nondeterministic],
    taken: &mut Vec<String>,
    quote: char,
) -> Result<Fix, String> {
    let mut edits = Vec::new();
    for hit in hits {
        if let Some(reason) = why_no_fix(context, hit) {
            return Err(reason);
        }
        let id = first_free(hit.id_base, "-", |c| taken.iter().any(|t| t == c));
        taken.push(id.clone());
        let fix = wrap(context, hit, &id, quote).ok_or_else(|| {
            "no automatic fix: the handler destructures no `run` from `step`".to_string()
        })?;
        edits.extend(fix.edits);
    }
    Ok(Fix {
        edits,
        applicability: Applicability::NeedsReview,
        waiting_note: Some("`--unsafe-fixes` wraps it in a step"),
    })
}

/// The names a file imports, with the module and the name imported
/// (`default`, `*` for a namespace), from `import` statements and top-level
/// `const { v4: uuidv4 } = require("uuid")`.
struct Imports {
    names: Vec<(String, String, String)>,
}

impl Imports {
    fn of(program: Node, source: &str) -> Imports {
        let unquote = |n: Node| {
            text(n, source)
                .trim_matches(|c| c == '"' || c == '\'' || c == '`')
                .to_string()
        };
        let mut names = Vec::new();
        for statement in code_children(program) {
            match statement.kind_name() {
                "import_statement" => {
                    let Some(module) = statement.field("source").map(unquote) else {
                        continue;
                    };
                    let Some(clause) =
                        code_children(statement).find(|c| c.kind_name() == "import_clause")
                    else {
                        continue;
                    };
                    for part in code_children(clause) {
                        match part.kind_name() {
                            "identifier" => names.push((
                                text(part, source).to_string(),
                                module.clone(),
                                "default".to_string(),
                            )),
                            "namespace_import" => {
                                if let Some(local) =
                                    code_children(part).find(|c| c.kind_name() == "identifier")
                                {
                                    names.push((
                                        text(local, source).to_string(),
                                        module.clone(),
                                        "*".to_string(),
                                    ));
                                }
                            }
                            "named_imports" => {
                                for specifier in code_children(part) {
                                    let Some(imported) = specifier.field("name") else {
                                        continue;
                                    };
                                    let local = specifier.field("alias").unwrap_or(imported);
                                    names.push((
                                        text(local, source).to_string(),
                                        module.clone(),
                                        text(imported, source).to_string(),
                                    ));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "lexical_declaration" | "variable_declaration" => {
                    for declarator in code_children(statement) {
                        let required = declarator
                            .field("value")
                            .filter(|v| v.kind_name() == "call_expression")
                            .filter(|v| {
                                v.field("function")
                                    .is_some_and(|f| text(f, source) == "require")
                            })
                            .and_then(|v| code_children(v.field("arguments")?).next())
                            .map(unquote);
                        let (Some(module), Some(pattern)) = (required, declarator.field("name"))
                        else {
                            continue;
                        };
                        match pattern.kind_name() {
                            "identifier" => names.push((
                                text(pattern, source).to_string(),
                                module,
                                "*".to_string(),
                            )),
                            "object_pattern" => {
                                for member in code_children(pattern) {
                                    match member.kind_name() {
                                        "shorthand_property_identifier_pattern" => {
                                            let name = text(member, source).to_string();
                                            names.push((name.clone(), module.clone(), name));
                                        }
                                        "pair_pattern" => {
                                            if let (Some(key), Some(value)) =
                                                (member.field("key"), member.field("value"))
                                            {
                                                names.push((
                                                    text(value, source).to_string(),
                                                    module.clone(),
                                                    text(key, source).to_string(),
                                                ));
                                            }
                                        }
                                        _ => {}
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Imports { names }
    }

    /// The module and imported name of a local name.
    fn get(&self, local: &str) -> Option<(&str, &str)> {
        self.names
            .iter()
            .find(|(l, _, _)| l == local)
            .map(|(_, module, imported)| (module.as_str(), imported.as_str()))
    }
}

/// The ID generator a bare call stands for: `nanoid()`, `v4()`/`uuidv4()` from `uuid`,
/// `cuid()`/`createId()` from a cuid package, `ulid()`.
fn id_generator(name: &str, imports: &Imports) -> Option<&'static str> {
    match imports.get(name) {
        Some(("uuid", "v1" | "v4" | "v6" | "v7")) => Some("uuid"),
        Some((module, imported)) if module.contains("nanoid") && imported == "nanoid" => {
            Some("nanoid")
        }
        Some((module, "cuid" | "createId" | "default")) if module.contains("cuid") => Some("cuid"),
        Some((module, "ulid" | "default")) if module.contains("ulid") => Some("ulid"),
        Some(_) => None,
        None => match name {
            "nanoid" => Some("nanoid"),
            "ulid" => Some("ulid"),
            "cuid" => Some("cuid"),
            _ => None,
        },
    }
}

/// Whether `node` is one of the nondeterministic expressions, on globals the handler
/// does not shadow.
fn classify<'t>(
    node: Node<'t>,
    handler: Node<'t>,
    imports: &Imports,
    source: &str,
) -> Option<Nondeterministic<'t>> {
    let global = |name: Node| {
        name.kind_name() == "identifier"
            && resolve(name, handler, text(name, source), source).is_none()
    };
    let hit = |id_base, is_new_date| {
        Some(Nondeterministic {
            node,
            id_base,
            is_new_date,
        })
    };
    match node.kind_name() {
        "call_expression" => {
            let function = node.field("function")?;
            let arguments = node.field("arguments")?;
            if arguments.kind_name() != "arguments" {
                return None; // a tagged template
            }
            match function.kind_name() {
                "identifier" => {
                    let name = text(function, source);
                    let id_base = match name {
                        "randomUUID" => "random-uuid",
                        _ => id_generator(name, imports)?,
                    };
                    if !global(function) {
                        return None;
                    }
                    hit(id_base, false)
                }
                "member_expression" => {
                    let object = function.field("object")?;
                    let property = function.field("property")?;
                    // Names first: resolving a name climbs the tree, which costs more
                    // than comparing text, and almost every call is not one of these.
                    let id_base = match (text(object, source), text(property, source)) {
                        ("Date", "now") => "date-now",
                        ("Math", "random") => "math-random",
                        ("crypto", "randomUUID") => "random-uuid",
                        ("crypto", "getRandomValues") => "get-random-values",
                        ("performance", "now") => "performance-now",
                        (namespace, "v1" | "v4" | "v6" | "v7")
                            if imports.get(namespace).is_some_and(|(m, _)| m == "uuid") =>
                        {
                            "uuid"
                        }
                        _ => return None,
                    };
                    if !global(object) {
                        return None;
                    }
                    hit(id_base, false)
                }
                _ => None,
            }
        }
        "new_expression" => {
            let constructor = node.field("constructor")?;
            let no_arguments = node
                .field("arguments")
                .is_none_or(|a| code_children(a).next().is_none());
            (text(constructor, source) == "Date" && global(constructor) && no_arguments)
                .then_some(())
                .and_then(|()| hit("new-date", true))
        }
        _ => None,
    }
}

/// Why the expression cannot be wrapped in a step, if it cannot.
fn why_no_fix(context: &HandlerContext, hit: &Nondeterministic) -> Option<String> {
    let node = hit.node;
    if hit.id_base == "get-random-values" {
        return Some(
            "no automatic fix: `crypto.getRandomValues` fills a typed array, which a step \
             would hand back as a plain object; generate the values inside a step"
                .to_string(),
        );
    }
    if node.has_error() || node.parent_node().is_some_and(|p| p.is_error()) {
        return Some("no automatic fix: the code around it did not parse cleanly".to_string());
    }
    if context.binding.run_callee().is_none() {
        return Some("no automatic fix: the handler destructures no `run` from `step`".to_string());
    }
    let Some(function) = enclosing_function(node) else {
        return Some("no automatic fix: not inside a function".to_string());
    };
    if !is_async_function(function) {
        return Some(
            "no automatic fix: the enclosing function is not async, so a step cannot be \
             awaited there"
                .to_string(),
        );
    }
    let in_parameters = ["parameters", "parameter"]
        .iter()
        .any(|field| function.field(field).is_some_and(|p| contains(p, node)));
    if in_parameters {
        return Some("no automatic fix: `await` is not allowed in parameters".to_string());
    }
    None
}

/// The edit wrapping the expression in an awaited step.
fn wrap(context: &HandlerContext, hit: &Nondeterministic, id: &str, quote: char) -> Option<Fix> {
    let callee = context.binding.run_callee()?;
    let node = hit.node;
    let replacement = if hit.is_new_date {
        format!("new Date(await {callee}({quote}{id}{quote}, () => Date.now()))")
    } else {
        let step = format!(
            "await {callee}({quote}{id}{quote}, () => {})",
            text(node, context.source)
        );
        if needs_parentheses(node, context.source) {
            format!("({step})")
        } else {
            step
        }
    };
    Some(Fix {
        edits: vec![Edit {
            range: node.byte_range(),
            replacement,
        }],
        applicability: Applicability::NeedsReview,
        waiting_note: Some("`--unsafe-fixes` wraps it in a step"),
    })
}

/// Whether `await …` in the place of `node` would bind differently than `node` did:
/// as the object of a member access or call (`Date.now().toString()`), the base of `**`,
/// the operand of a unary operator, and so on. Parentheses are added unless the
/// place is known to take any unary expression as is.
fn needs_parentheses(node: Node, source: &str) -> bool {
    let Some(parent) = node.parent_node() else {
        return true;
    };
    match parent.kind_name() {
        "variable_declarator"
        | "arguments"
        | "array"
        | "pair"
        | "return_statement"
        | "expression_statement"
        | "parenthesized_expression"
        | "template_substitution"
        | "spread_element"
        | "assignment_expression"
        | "augmented_assignment_expression" => false,
        "binary_expression" => parent
            .field("operator")
            .is_none_or(|op| text(op, source) == "**"),
        _ => true,
    }
}
