//! Rule `unsafe-trailing-return`.
//!
//! ## What it does
//! Finds the `return` of an Inngest handler that comes after steps and reads
//! handler-scoped variables (step results, `event`, locals) from outside any step.
//! The message says what each read is — a step result, event data, a handler input, a
//! value written inside a step body, or a value computed outside steps (and from what) —
//! and each read's declaration is a related location.
//!
//! ## Why is this bad?
//! An Inngest handler replays from the top on every step; step results come back from
//! the run state, while code outside steps runs again each time. A long function that
//! builds its result from locals after many steps depends on every line between the
//! steps being replay-safe. Teams adopt one pattern for these returns: build the value
//! inside one last step, whose output is memoized, and return that step's result.
//!
//! ## Example
//! ```ts
//! const finalResult = await step.run("process", () => process(jobId));
//! return { jobId, processed: finalResult.processedCount };
//! ```
//! Use instead:
//! ```ts
//! const finalResult = await step.run("process", () => process(jobId));
//! const finalReturn = await step.run("finalize-and-return", async () => {
//!   return { jobId, processed: finalResult.processedCount };
//! });
//! return finalReturn;
//! ```
//!
//! ## Fix safety
//! On the real SDK the rewrite returns the same JSON value when the return expression
//! is free of side effects and step calls. It adds one step per run (counted toward
//! the 1,000-step limit and billing) and stores the return value twice in run state.
//! It cannot repair a variable written inside a step body (that value is already lost
//! on replay), and it must never move a step call into the finalize step (nested steps
//! warn and can hang the run): both are reported for manual review instead, as are
//! returns in non-async handlers, returns containing `yield`, returns inside code
//! that did not parse, and returns of handlers that declare their return type
//! (`step.run` returns the JSON-serialized type, so the rewrite may not type-check).
//! Only trailing returns are fixed by default; `--all-returns` also fixes early
//! returns after steps and returns inside loops.

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use super::{function_statement_start, Diagnostic, HandlerContext, Related, Remedy};
use crate::analysis::mutations::{step_body_writes, StepBodyWrite};
use crate::analysis::provenance::{self, Provenance};
use crate::analysis::returns::HandlerReturn;
use crate::analysis::scope::resolve;
use crate::analysis::{
    any_descendant, code_children, contains, for_each_descendant, text, unwrap_expression,
};
use crate::fix::edits::{first_free, reindent};
use crate::fix::style::{line_ending_at, line_indent};
use crate::fix::{Applicability, Edit, Fix};
use crate::language::Lang;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "unsafe-trailing-return";

/// Check every return of one handler.
pub fn check(context: &HandlerContext, tree: &Tree, lang: Lang, out: &mut Vec<Diagnostic>) {
    let mut names: Option<Names> = None;
    let mut mutations: Option<Vec<StepBodyWrite>> = None;
    for handler_return in context.returns {
        if !handler_return.after_steps {
            continue;
        }
        let Some(expression) = handler_return.argument else {
            continue;
        };
        if returns_step_result(context, handler_return.statement, expression) {
            continue;
        }
        let reads = handler_reads(context, handler_return.statement, expression, lang);
        if reads.is_empty() {
            continue;
        }
        let mutations = mutations.get_or_insert_with(|| {
            step_body_writes(
                context.handler.function,
                &context.steps.bodies,
                context.source,
            )
        });
        let remedy = match manual_reason(context, handler_return, expression, &reads, mutations) {
            Some(reason) => Remedy::Manual(reason),
            None => {
                let names = names.get_or_insert_with(|| Names::new(context));
                match plan_fix(context, handler_return, expression, tree, names) {
                    Some(fix) => Remedy::Fix(fix),
                    None => Remedy::None,
                }
            }
        };
        let provenances: Vec<Provenance> = reads
            .iter()
            .map(|read| {
                provenance::of_name(
                    &read.name,
                    read.scope,
                    context.handler.function,
                    context.steps,
                    mutations,
                    context.source,
                )
            })
            .collect();
        let message = format!(
            "return after steps reads {} outside any step",
            list_names(&reads, &provenances)
        );
        out.push(Diagnostic {
            rule: NAME,
            range: handler_return.statement.byte_range(),
            message,
            function_id: context.function.id.clone(),
            function_start: function_statement_start(context.function.call),
            remedy,
            related: reads
                .iter()
                .zip(&provenances)
                .filter_map(|(read, provenance)| {
                    let declared = provenance::declaration(&read.name, read.scope, context.source)?;
                    Some(Related {
                        range: declared.byte_range(),
                        message: format!("`{}`: {}", read.name, provenance.describe()),
                    })
                })
                .collect(),
        });
    }
}

/// `return step.run(…)`, `return await step.invoke(…)`, or `return x` where `x` holds
/// a step's result and nothing else: the value already comes from run state.
fn returns_step_result(context: &HandlerContext, statement: Node, expression: Node) -> bool {
    let mut value = unwrap_expression(expression);
    if value.kind() == "await_expression" {
        match value.named_child(0) {
            Some(inner) => value = unwrap_expression(inner),
            None => return false,
        }
    }
    if context.steps.is_step_call(value) {
        return true;
    }
    if value.kind() != "identifier" {
        return false;
    }
    let source = context.source;
    let name = text(value, source);
    let Some(scope) = resolve(statement, context.handler.function, name, source) else {
        return false;
    };
    let mut declared = Vec::new();
    crate::analysis::scope::declared_names(scope, source, &mut declared);
    let Some(declarator) = declared
        .iter()
        .find(|n| text(**n, source) == name)
        .and_then(|n| n.parent())
        .filter(|d| d.kind() == "variable_declarator")
    else {
        return false;
    };
    let Some(initial) = declarator.child_by_field_name("value") else {
        return false;
    };
    let mut initial = unwrap_expression(initial);
    if initial.kind() == "await_expression" {
        match initial.named_child(0) {
            Some(inner) => initial = unwrap_expression(inner),
            None => return false,
        }
    }
    if !context.steps.is_step_call(initial) {
        return false;
    }
    let is_const = declarator
        .parent()
        .and_then(|d| d.child(0))
        .is_some_and(|keyword| keyword.kind() == "const");
    is_const || !is_reassigned(context.handler.function, name, source)
}

/// Whether `name` is the target of an assignment or update anywhere in `scope`.
fn is_reassigned(scope: Node, name: &str, source: &str) -> bool {
    any_descendant(scope, |node| match node.kind() {
        "assignment_expression" | "augmented_assignment_expression" => node
            .child_by_field_name("left")
            .is_some_and(|l| l.kind() == "identifier" && text(l, source) == name),
        "update_expression" => node
            .child_by_field_name("argument")
            .is_some_and(|a| a.kind() == "identifier" && text(a, source) == name),
        _ => false,
    })
}

/// A read of a handler-scoped name in the return expression.
struct Read<'t> {
    name: String,
    /// The scope that declares it, inside the handler.
    scope: Node<'t>,
}

/// The handler-scoped names `expression` reads, in order of first read. Names bound
/// inside the expression itself (`items.map((x) => x.id)`) are not reads of the handler.
fn handler_reads<'t>(
    context: &HandlerContext<'_, 't>,
    statement: Node<'t>,
    expression: Node<'t>,
    lang: Lang,
) -> Vec<Read<'t>> {
    use streaming_iterator::StreamingIterator;
    let source = context.source;
    let query = &crate::analysis::queries::Queries::get(lang).reads;
    let mut cursor = tree_sitter::QueryCursor::new();
    let mut captures = cursor.captures(query, expression, source.as_bytes());
    let mut reads: Vec<Read<'t>> = Vec::new();
    while let Some((m, index)) = captures.next() {
        let node = m.captures[*index].node;
        if !contains(expression, node) {
            continue;
        }
        let name = text(node, source);
        if reads.iter().any(|r| r.name == name) || resolve(node, expression, name, source).is_some()
        {
            continue;
        }
        if let Some(scope) = resolve(statement, context.handler.function, name, source) {
            reads.push(Read {
                name: name.to_string(),
                scope,
            });
        }
    }
    reads
}

/// Why a finding cannot be fixed automatically (SPEC 2.1), if it cannot.
fn manual_reason(
    context: &HandlerContext,
    handler_return: &HandlerReturn,
    expression: Node,
    reads: &[Read],
    mutations: &[StepBodyWrite],
) -> Option<String> {
    let statement = handler_return.statement;
    if statement.has_error() || has_error_ancestor(statement) {
        return Some("the return is in code that did not parse cleanly".to_string());
    }
    if context.steps.any_within(expression) {
        return Some(
            "the return expression calls a step: moving it into a step would nest steps, \
             which the SDK does not support"
                .to_string(),
        );
    }
    if any_descendant(expression, |n| n.kind() == "yield_expression") {
        return Some("the return expression contains `yield`".to_string());
    }
    if context
        .handler
        .function
        .child_by_field_name("return_type")
        .is_some()
    {
        return Some(
            "the handler declares its return type, and `step.run` returns the JSON-serialized \
             type: `return finalReturn` may no longer type-check (a `Date` becomes a string)"
                .to_string(),
        );
    }
    if !context.handler.is_async {
        return Some(
            "the handler is not async, so the finalize step cannot be awaited".to_string(),
        );
    }
    for read in reads {
        if !contains(context.handler.function, read.scope) {
            continue;
        }
        if let Some(m) = mutations
            .iter()
            .find(|m| m.name(context.source) == read.name)
        {
            return Some(format!(
                "`{}` is written inside a step body (line {}): that write is lost on replay, \
                 and a final step would freeze the wrong value",
                read.name,
                m.line()
            ));
        }
    }
    if context.binding.run_callee().is_none() {
        return Some("the handler destructures no `run` from `step`".to_string());
    }
    None
}

fn has_error_ancestor(node: Node) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.is_error() {
            return true;
        }
        current = n.parent();
    }
    false
}

/// The names read, each with where its value comes from: `` `result` (a step
/// result), `jobId` (event data) and 2 more ``.
fn list_names(reads: &[Read], provenances: &[Provenance]) -> String {
    const SHOWN: usize = 3;
    let mut listed: Vec<String> = reads
        .iter()
        .zip(provenances)
        .take(SHOWN)
        .map(|(r, p)| format!("`{}` ({})", r.name, p.describe()))
        .collect();
    if reads.len() > SHOWN {
        listed.push(format!("{} more", reads.len() - SHOWN));
    }
    match listed.len() {
        1 => listed.remove(0),
        _ => {
            let last = listed.pop().unwrap_or_default();
            format!("{} and {}", listed.join(", "), last)
        }
    }
}

/// Collision-free names for the finalize step of one handler (SPEC 3).
struct Names {
    /// Identifiers used anywhere in the handler that start with the variable name.
    taken_variables: Vec<String>,
    /// The step ID to use: free in this handler, shared by all fixes of the handler.
    step_id: String,
    /// The quote of the handler's existing step IDs.
    quote: Option<char>,
    /// Variable names already given out, per enclosing block.
    given: HashMap<usize, Vec<String>>,
}

impl Names {
    fn new(context: &HandlerContext) -> Names {
        let source = context.source;
        let var_name = context.options.var_name;
        let mut taken_variables = Vec::new();
        for_each_descendant(context.handler.function, |node| {
            if matches!(
                node.kind(),
                "identifier"
                    | "shorthand_property_identifier"
                    | "shorthand_property_identifier_pattern"
            ) {
                let name = text(node, source);
                if name.starts_with(var_name) && !taken_variables.iter().any(|t| t == name) {
                    taken_variables.push(name.to_string());
                }
            }
        });
        let ids: Vec<&str> = context
            .steps
            .calls
            .iter()
            .filter_map(|c| c.id.as_deref())
            .collect();
        let step_id = first_free(context.options.step_id, "-", |candidate| {
            ids.contains(&candidate)
        });
        let quote = context.steps.calls.iter().find_map(|c| {
            let first = code_children(c.call.child_by_field_name("arguments")?).next()?;
            (first.kind() == "string").then(|| text(first, source).chars().next())?
        });
        Names {
            taken_variables,
            step_id,
            quote,
            given: HashMap::new(),
        }
    }

    /// A variable name free in the handler and not yet given out in `block`.
    fn variable(&mut self, base: &str, block: Option<usize>) -> String {
        let given = block
            .and_then(|b| self.given.get(&b))
            .cloned()
            .unwrap_or_default();
        let name = first_free(base, "", |candidate| {
            self.taken_variables.iter().any(|t| t == candidate)
                || given.iter().any(|g| g == candidate)
        });
        if let Some(block) = block {
            self.given.entry(block).or_default().push(name.clone());
        }
        name
    }
}

/// The rewrite of one return (SPEC 3).
fn plan_fix(
    context: &HandlerContext,
    handler_return: &HandlerReturn,
    expression: Node,
    tree: &Tree,
    names: &mut Names,
) -> Option<Fix> {
    let source = context.source;
    let statement = handler_return.statement;
    let callee = context.binding.run_callee()?;
    let style = context.style.style(source, names.quote);
    let nl = line_ending_at(source, statement.start_byte());
    let statement_text = text(statement, source);
    let semi = if statement_text.ends_with(';') {
        ";"
    } else {
        ""
    };

    // The moved text runs from after `return` to before `;`, comments included.
    let keyword_end = statement.child(0)?.end_byte();
    let moved_start =
        keyword_end + (source[keyword_end..].len() - source[keyword_end..].trim_start().len());
    let without_semicolon = &source[..statement.end_byte() - semi.len()];
    let moved_end = without_semicolon
        .trim_end()
        .len()
        .max(expression.end_byte());
    let unit = style.indent_unit.as_str();
    let quote = style.quote;
    let parent = statement.parent()?;
    let needs_block = parent.kind() != "statement_block";
    let original_indent = line_indent(source, statement.start_byte());

    // Where the new statements go, and at which indentation.
    let (range_start, prefix, suffix, indent) = if needs_block {
        let previous = statement.prev_sibling();
        let attach = previous.filter(|p| {
            let t = text(*p, source);
            (t.ends_with(')') || t == "else" || t == ":")
                && source[p.end_byte()..statement.start_byte()]
                    .trim()
                    .is_empty()
        });
        match attach {
            Some(previous) => {
                let base = line_indent(source, parent.start_byte()).to_string();
                let inner = format!("{base}{unit}");
                (
                    previous.end_byte(),
                    format!(" {{{nl}{inner}"),
                    format!("{nl}{base}}}"),
                    inner,
                )
            }
            None => {
                let base = original_indent.to_string();
                let inner = format!("{base}{unit}");
                (
                    statement.start_byte(),
                    format!("{{{nl}{inner}"),
                    format!("{nl}{base}}}"),
                    inner,
                )
            }
        }
    } else {
        (
            statement.start_byte(),
            String::new(),
            String::new(),
            original_indent.to_string(),
        )
    };

    let block = (!needs_block).then(|| parent.id());
    let variable = names.variable(context.options.var_name, block);
    let step_id = names.step_id.clone();

    // Continuation lines of the moved expression move from the return's line
    // indentation to one unit inside the step body.
    let body_indent = format!("{indent}{unit}");
    let delta = body_indent
        .strip_prefix(original_indent)
        .unwrap_or(unit)
        .to_string();
    let moved = reindent(source, tree, moved_start, moved_end, &delta);

    let replacement = format!(
        "{prefix}const {variable} = await {callee}({quote}{step_id}{quote}, async () => {{{nl}\
         {body_indent}return {moved}{semi}{nl}\
         {indent}}}){semi}{nl}\
         {indent}return {variable}{semi}{suffix}"
    );
    let applicability = if handler_return.trailing {
        Applicability::Safe
    } else {
        Applicability::NonTrailing
    };
    Some(Fix {
        edits: vec![Edit {
            range: range_start..statement.end_byte(),
            replacement,
        }],
        applicability,
        waiting_note: Some("not in tail position: `--all-returns` fixes it"),
    })
}
