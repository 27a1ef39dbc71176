//! Rules: one file each. A rule reads the analysis of one handler and reports
//! [`Diagnostic`]s, each with its fix as data when a safe one exists.
//!
//! Owns: judgement. Does not own: applying or verifying fixes ([`crate::fix`]),
//! suppression comments ([`crate::suppression`]), output.

pub mod unsafe_trailing_return;

use std::ops::Range;

use tree_sitter::Tree;

use crate::analysis::binding::StepBinding;
use crate::analysis::functions::{self, Handler, InngestFunction};
use crate::analysis::{returns, steps};
use crate::fix::Fix;
use crate::{Lang, Settings};

/// A rule's report about one place in the file, before suppression and verification.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule's name.
    pub rule: &'static str,
    /// The byte range reported (the return statement).
    pub range: Range<usize>,
    /// One line for people.
    pub message: String,
    /// The Inngest function's `id`, when a string literal.
    pub function_id: Option<String>,
    /// Start of the `createFunction` call: a suppression comment above it covers the whole function.
    pub function_start: usize,
    /// The fix, when a safe one exists.
    pub fix: Option<Fix>,
    /// The fix is applied in this run (it may exist and not apply: a non-trailing return without `--all-returns`).
    pub fix_applies: bool,
    /// Why the finding is left for manual review.
    pub manual_reason: Option<String>,
}

/// Everything a rule may read about one handler.
pub struct HandlerContext<'a, 't> {
    pub source: &'a str,
    pub settings: &'a Settings,
    pub function: &'a InngestFunction<'t>,
    pub handler: &'a Handler<'t>,
    pub binding: &'a StepBinding,
    pub steps: &'a steps::HandlerSteps<'t>,
    pub returns: &'a [returns::HandlerReturn<'t>],
}

/// Run every rule over every handler of a parsed file, in source order.
pub fn check_tree(tree: &Tree, source: &str, lang: Lang, settings: &Settings) -> Checked {
    let functions = functions::find_with(tree, source, lang, &settings.extra_create_function_names);
    let mut diagnostics = Vec::new();
    for function in &functions {
        for handler in &function.handlers {
            let Some(binding) = StepBinding::of_handler(handler.function, tree, source) else {
                // No step binding: the handler runs no steps, nothing can be unsafe.
                continue;
            };
            let steps = steps::find(handler, &binding, tree, source, lang);
            if steps.calls.is_empty() {
                continue;
            }
            let returns = returns::find(handler, &steps, tree, source, lang);
            let context = HandlerContext {
                source,
                settings,
                function,
                handler,
                binding: &binding,
                steps: &steps,
                returns: &returns,
            };
            unsafe_trailing_return::check(&context, tree, lang, &mut diagnostics);
        }
    }
    diagnostics.sort_by_key(|d| d.range.start);
    Checked {
        has_inngest_functions: !functions.is_empty(),
        diagnostics,
    }
}

/// The rules' verdict on one file.
pub struct Checked {
    /// At least one `createFunction` call with a handler shape.
    pub has_inngest_functions: bool,
    /// Every diagnostic, in source order.
    pub diagnostics: Vec<Diagnostic>,
}
