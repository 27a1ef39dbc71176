//! The rewrite of `unsafe-trailing-return` (SPEC 3): a return's expression moved into
//! `const finalReturn = await step.run("finalize-and-return", async () => { return E; });
//! return finalReturn;`, in the file's style, with collision-free names.
//!
//! Owns: the edit and the names it introduces. Does not own: whether the return may move
//! (the rule's proofs, [`crate::analysis::movability`]), applying or verifying the edit.

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use super::edits::{first_free, reindent};
use super::style::{line_ending_at, line_indent, StyleCache};
use super::{Applicability, Edit, Fix};
use crate::analysis::kind::KindName;
use crate::analysis::movability;
use crate::analysis::returns::HandlerReturn;
use crate::analysis::steps::HandlerSteps;
use crate::analysis::{code_children, for_each_descendant, text, Navigate};

/// Collision-free names for the finalize step of one handler (SPEC 3).
pub struct Names {
    /// Identifiers used anywhere in the handler that start with the variable name.
    taken_variables: Vec<String>,
    /// The step IDs of the handler, for choosing free ones.
    ids: Vec<String>,
    /// The step ID given to each error region (see [`movability::error_region`]): fixes
    /// in the same region never both run in one execution and share it.
    region_ids: Vec<(usize, String)>,
    /// The quote of the handler's existing step IDs.
    quote: Option<char>,
    /// Variable names already given out, per enclosing block.
    given: HashMap<usize, Vec<String>>,
}

impl Names {
    /// The names taken in `handler` (for variables starting with `var_name`) and its
    /// step IDs.
    pub fn new(handler: Node, steps: &HandlerSteps, var_name: &str, source: &str) -> Names {
        let mut taken_variables = Vec::new();
        for_each_descendant(handler, |node| {
            if matches!(
                node.kind_name(),
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
        let ids: Vec<String> = steps.calls.iter().filter_map(|c| c.id.clone()).collect();
        let quote = steps.calls.iter().find_map(|c| {
            let first = code_children(c.call.field("arguments")?).next()?;
            (first.kind_name() == "string").then(|| text(first, source).chars().next())?
        });
        Names {
            taken_variables,
            ids,
            region_ids: Vec::new(),
            quote,
            given: HashMap::new(),
        }
    }

    /// The step ID for a fix in error region `region`: free in the handler and
    /// different from every other region's (the first region to ask gets the first free
    /// ID, the next one the next).
    fn step_id(&mut self, base: &str, region: usize) -> String {
        if let Some((_, id)) = self.region_ids.iter().find(|(r, _)| *r == region) {
            return id.clone();
        }
        let taken = |candidate: &str| {
            self.ids.iter().any(|id| id == candidate)
                || self.region_ids.iter().any(|(_, id)| id == candidate)
        };
        let next = first_free(base, "-", taken);
        self.region_ids.push((region, next.clone()));
        next
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

/// What the rewrite of one return needs besides the return itself.
pub struct Finalize<'a, 't> {
    pub source: &'t str,
    pub tree: &'t Tree,
    /// The file's style.
    pub style: &'a StyleCache,
    /// The handler's body (its function for an expression body), for error regions.
    pub body: Node<'t>,
    /// The configured variable name and step ID (`finalReturn`, `finalize-and-return`).
    pub var_name: &'a str,
    pub step_id: &'a str,
    /// How the finalize step is called at the return (`step.run`, `ctx.step.run`).
    pub callee: &'a str,
}

/// The rewrite of one return (SPEC 3): its expression moved into a finalize step.
pub fn plan(
    finalize: &Finalize,
    handler_return: &HandlerReturn,
    expression: Node,
    names: &mut Names,
) -> Option<Fix> {
    let source = finalize.source;
    let tree = finalize.tree;
    let callee = finalize.callee;
    let statement = handler_return.statement;
    let style = finalize.style.style(source, names.quote);
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
    let parent = statement.parent_node()?;
    let needs_block = parent.kind_name() != "statement_block";
    let original_indent = line_indent(source, statement.start_byte());

    // Where the new statements go, and at which indentation.
    let (range_start, prefix, suffix, indent) = if needs_block {
        let previous = statement.prev_sibling();
        let structural = matches!(
            parent.kind_name(),
            "if_statement"
                | "else_clause"
                | "for_statement"
                | "for_in_statement"
                | "while_statement"
                | "do_statement"
                | "labeled_statement"
        );
        // The brace goes after the `if (…)`, `else` or `case x:` that holds the return;
        // never after an earlier statement of a `case` clause: `logger.info(x) {` does not
        // parse in a file without semicolons. There it opens a block on its own line.
        let attach = previous
            .filter(|p| structural || !p.is_named())
            .filter(|p| {
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
    let variable = names.variable(finalize.var_name, block);
    let region = movability::error_region(statement, finalize.body);
    let step_id = names.step_id(finalize.step_id, region);

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
