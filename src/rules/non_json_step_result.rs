//! Rule `non-json-step-result`.
//!
//! ## What it does
//! Finds a step result that is used as a type JSON cannot carry: the step body returns
//! a `Date` (`new Date(…)`), a `Map`, a `Set`, an instance of a class declared in the
//! file, a `BigInt` or a function (directly, in an object literal it returns, or as
//! its declared return type: `async (): Promise<Date> => …`), and the handler then
//! uses the result as that type: `due.getTime()`, `seen.get(key)`, `seen.size`,
//! `invoice.total()`, `result.at instanceof Date`, `due - now`, `due < new Date()` (an
//! ISO string compared with a Date or a number is always false), iterating a Map or Set
//! (`for (const x of seen)`, `[...seen]`, `Array.from(seen)`). One finding per step
//! result, at its first such use; the step call and the other uses are related
//! locations.
//!
//! ## Why is this bad?
//! Inngest stores every step's result in run state as JSON and hands that JSON back on
//! every later request of the run. A `Date` comes back as its ISO string, a `Map` or a
//! `Set` as `{}`, a class instance as its fields without its methods, a function not at
//! all, and a `BigInt` cannot be serialized. Code that works in a local test (where the
//! step body ran in the same request) throws `TypeError: due.getTime is not a function`
//! in production.
//!
//! ## Example
//! ```ts
//! const due = await step.run("compute-due", () => new Date(event.data.dueAt));
//! await step.sleepUntil("wait", due);
//! if (due.getTime() < Date.now()) await step.run("late", () => flag(event.data.id));
//! ```
//! Use instead:
//! ```ts
//! const dueAt = await step.run("compute-due", () => new Date(event.data.dueAt).toISOString());
//! const due = new Date(dueAt);
//! ```
//!
//! ## Fix safety
//! No automatic fix: which JSON form to return (an ISO string, a timestamp, an array of
//! entries) and where to rebuild the type is a choice for the author. Every finding is
//! left for manual review.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use tree_sitter::Node;

use super::{Diagnostic, HandlerContext, Related, Remedy};
use crate::analysis::json::{body_result_shape, misuse, Misuse, Shape};
use crate::analysis::scope::resolve;
use crate::analysis::{code_children, for_each_descendant, is_function, text, unwrap_expression};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "non-json-step-result";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Report the step results of one handler that are used as a type JSON loses.
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
    let source = context.source;
    for call in &context.steps.calls {
        if call.tool.as_deref() != Some("run") {
            continue;
        }
        let Some(body) = call
            .call
            .field("arguments")
            .and_then(|a| code_children(a).filter(|c| is_function(*c)).last())
        else {
            continue;
        };
        let Some(shape) = body_result_shape(body, context.classes(), source) else {
            continue;
        };
        let misuses = result_misuses(context, call.call, &shape);
        let Some(first) = misuses.first() else {
            continue;
        };
        let step = call
            .id
            .as_deref()
            .map_or_else(|| "a step".to_string(), |id| format!("step `{id}`"));
        out.push(Diagnostic {
            related: std::iter::once(Related {
                range: call.call.byte_range(),
                message: format!("{step} returns {}", first.kind.describe()),
            })
            .chain(misuses.iter().skip(1).map(|m| Related {
                range: m.node.byte_range(),
                message: format!("also used as {} here", m.kind.describe()),
            }))
            .collect(),
            ..context.report(
                first.node.byte_range(),
                format!(
                "`{}` treats the result of {step} as {}, but it comes back from run state as {}",
                short(text(first.node, source)),
                first.kind.describe(),
                first.kind.comes_back_as()
            ),
                Remedy::Manual(
                    "no automatic fix: return a JSON value from the step (an ISO string, a \
                 number, an array of entries) and rebuild the type after it"
                        .to_string(),
                ),
            )
        });
    }
}

/// The uses of the result of `call` that rely on a non-JSON part of `shape`: through
/// the name it is bound to (`const due = await step.run(…)`, `const { at } = …`), or
/// on the awaited call itself (`(await step.run(…)).getTime()`).
fn result_misuses<'t>(
    context: &HandlerContext<'_, 't>,
    call: Node<'t>,
    shape: &Shape,
) -> Vec<Misuse<'t>> {
    let source = context.source;
    let mut value = call;
    while let Some(parent) = value.parent_node() {
        if matches!(
            parent.kind_name(),
            "await_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "non_null_expression"
        ) {
            value = parent;
        } else {
            break;
        }
    }
    if let Some(found) = misuse(value, shape, source) {
        return vec![found];
    }
    let Some(declarator) = value
        .parent_node()
        .filter(|d| d.kind_name() == "variable_declarator")
        .filter(|d| d.field("value").is_some_and(|v| v.id() == value.id()))
    else {
        return Vec::new();
    };
    let Some(pattern) = declarator.field("name") else {
        return Vec::new();
    };
    // Each bound name with the part of the shape it holds.
    let mut bound: Vec<(Node, Shape)> = Vec::new();
    match pattern.kind_name() {
        "identifier" => bound.push((pattern, shape.clone())),
        "object_pattern" => {
            let Shape::Object(properties) = shape else {
                return Vec::new();
            };
            for member in code_children(pattern) {
                let (key, local) = match member.kind_name() {
                    "shorthand_property_identifier_pattern" => (text(member, source), member),
                    "pair_pattern" => {
                        let (Some(key), Some(local)) = (member.field("key"), member.field("value"))
                        else {
                            continue;
                        };
                        if local.kind_name() != "identifier" {
                            continue;
                        }
                        (text(key, source), local)
                    }
                    _ => continue,
                };
                if let Some((_, part)) = properties.iter().find(|(name, _)| name == key) {
                    bound.push((local, part.clone()));
                }
            }
        }
        _ => {}
    }
    let handler = context.handler.function;
    let mut found = Vec::new();
    for (name_node, part) in bound {
        let name = text(name_node, source);
        let Some(scope) = resolve(name_node, handler, name, source) else {
            continue;
        };
        for_each_descendant(handler, |node| {
            if node.kind_name() != "identifier"
                || node.id() == name_node.id()
                || text(node, source) != name
                || node.start_byte() < declarator.end_byte()
            {
                return;
            }
            if resolve(node, handler, name, source).is_some_and(|s| s.id() == scope.id()) {
                if let Some(m) = misuse(unwrap_expression(node), &part, source) {
                    found.push(m);
                }
            }
        });
    }
    found.sort_by_key(|m| m.node.start_byte());
    found
}

/// At most 40 characters of a code snippet, on one line.
fn short(code: &str) -> String {
    let one_line = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 40 {
        one_line
    } else {
        let cut: String = one_line.chars().take(37).collect();
        format!("{cut}…")
    }
}
