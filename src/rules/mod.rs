//! Rules: one file each. A rule reads the analysis of one handler ([`HandlerContext`])
//! or of the whole file ([`FileContext`]) and reports [`Diagnostic`]s, each with its
//! [`Remedy`]: a fix as data (edits and applicability), or the reason a person must look.
//! Every rule is declared in its file (`pub const RULE`) and listed once in
//! [`registry`], which [`check_tree`] runs.
//!
//! Owns: judgement. Does not own: whether a fix applies in this run, applying or
//! verifying it ([`crate::pipeline`]), the edit machinery ([`crate::fix`]), suppression
//! comments ([`crate::suppression`]), output. Rules read no run settings but
//! [`RuleOptions`].

pub mod duplicate_step_id;
pub mod migration;
pub mod mutation_in_step;
pub mod nested_step;
pub mod non_json_step_result;
pub mod nondeterminism_outside_step;
pub mod registry;
pub mod side_effect_outside_step;
pub mod unawaited_send;
pub mod unawaited_step;
pub mod unsafe_trailing_return;
pub mod unused_suppression;

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::analysis::binding::StepBinding;
use crate::analysis::functions::{self, Handler, InngestFunction};
use crate::analysis::json::Classes;
use crate::analysis::model::FileModel;
use crate::analysis::semantic::SemanticModel;
use crate::analysis::{contains, enclosing_function, is_async_function, returns, steps, text};
pub use crate::diagnostic::{Diagnostic, Related, Remedy};
use crate::fix::style::StyleCache;
use crate::fix::{Edit, Fix};
use crate::language::Lang;
use crate::rule::Rule;
use crate::settings::RuleOptions;

/// Everything a rule may read about one handler.
#[derive(Clone, Copy)]
pub struct HandlerContext<'a, 't> {
    /// The rule being run (its findings are reported under its name).
    pub rule: &'static Rule,
    /// The file's syntax tree.
    pub tree: &'t Tree,
    /// Its grammar.
    pub lang: Lang,
    pub source: &'t str,
    /// How to name what a fix inserts. Whether the fix applies is not the rule's business.
    pub options: &'a RuleOptions<'a>,
    pub function: &'a InngestFunction<'t>,
    pub handler: &'a Handler<'t>,
    pub binding: &'a StepBinding,
    pub steps: &'a steps::HandlerSteps<'t>,
    pub returns: &'a [returns::HandlerReturn<'t>],
    /// The file's style, detected on first use and shared by every handler.
    pub style: &'a StyleCache,
    /// The model of the file: symbols, imports, reachability, classes; each part
    /// built on first use and shared by every handler.
    pub model: &'a FileModel<'t>,
}

impl<'a, 't> HandlerContext<'a, 't> {
    /// The model of the file.
    pub fn model(&self) -> &'a FileModel<'t> {
        self.model
    }

    /// A finding of the rule at `range` in this handler's function: the rule, the
    /// function's `id` and the start of its statement (where a suppression comment
    /// covers the whole function) filled in; no related locations (set them with
    /// `Diagnostic { related, ..context.report(…) }`).
    pub fn report(&self, range: Range<usize>, message: String, remedy: Remedy) -> Diagnostic {
        Diagnostic {
            rule: self.rule.name,
            range,
            message,
            function_id: self.function.id.clone(),
            function_start: function_statement_start(self.function.call),
            remedy,
            related: Vec::new(),
        }
    }

    /// The classes, types and typed functions of the file (collected by the first
    /// handler that asks: one walk of the file, not one per step body).
    pub fn classes(&self) -> &'a Classes<'t> {
        self.model.classes()
    }

    /// The file's semantic model (built by the first handler that asks).
    pub fn semantic(&self) -> &'a SemanticModel<'t, 't> {
        self.model.semantic()
    }
}

/// Everything a rule may read about the whole file.
pub struct FileContext<'a, 't> {
    /// The rule being run (its findings are reported under its name).
    pub rule: &'static Rule,
    /// The file's syntax tree.
    pub tree: &'t Tree,
    /// Its grammar.
    pub lang: Lang,
    pub source: &'t str,
    /// How to name what a fix inserts.
    pub options: &'a RuleOptions<'a>,
    /// The file's Inngest functions.
    pub functions: &'a [InngestFunction<'t>],
    /// The model of the file.
    pub model: &'a FileModel<'t>,
    inngest_imports: std::cell::OnceCell<migration::InngestImports>,
    serve_calls: std::cell::OnceCell<Vec<Node<'t>>>,
    pinned_v3_sdks: std::cell::OnceCell<Vec<migration::v4_non_npm_sdk::PinnedSdk<'t>>>,
    pinned_importer: std::cell::OnceCell<Option<migration::v4_non_npm_sdk::PinnedImporter>>,
}

impl<'a, 't> FileContext<'a, 't> {
    /// The model of the file.
    pub fn model(&self) -> &'a FileModel<'t> {
        self.model
    }

    /// A finding of the rule at `range`, about the code at `at`: inside an Inngest
    /// function's handler, that function's `id` and the start of its statement (where a
    /// suppression comment covers the whole function) are filled in; elsewhere the start
    /// of `at`'s own statement.
    pub fn report(
        &self,
        at: Node,
        range: Range<usize>,
        message: String,
        remedy: Remedy,
    ) -> Diagnostic {
        let function = self
            .functions
            .iter()
            .find(|f| f.handlers.iter().any(|h| contains(h.function, at)));
        Diagnostic {
            rule: self.rule.name,
            range,
            message,
            function_id: function.and_then(|f| f.id.clone()),
            function_start: function_statement_start(function.map_or(at, |f| f.call)),
            remedy,
            related: Vec::new(),
        }
    }

    /// The names the file imports from the `inngest` package (read on first ask).
    pub fn inngest_imports(&self) -> &migration::InngestImports {
        self.inngest_imports
            .get_or_init(|| migration::InngestImports::of(self.tree, self.source))
    }

    /// The file's imports of `inngest` 3.x from a URL, `npm:` or an import map (found on
    /// first ask).
    pub fn pinned_v3_sdks(&self) -> &[migration::v4_non_npm_sdk::PinnedSdk<'t>] {
        self.pinned_v3_sdks.get_or_init(|| {
            migration::v4_non_npm_sdk::pinned_v3_imports(
                self.tree,
                self.source,
                self.options.source_path,
            )
        })
    }

    /// For a file with functions and no `inngest` import of its own: the sibling that
    /// imports it and has a pinned 3.x SDK, whose client its functions run on (looked for
    /// on first ask).
    pub fn pinned_importer(&self) -> Option<&migration::v4_non_npm_sdk::PinnedImporter> {
        self.pinned_importer
            .get_or_init(|| {
                let own = self.inngest_imports().any || self.functions.is_empty();
                (!own)
                    .then_some(self.options.source_path)
                    .flatten()
                    .and_then(migration::v4_non_npm_sdk::pinned_importer)
            })
            .as_ref()
    }

    /// Every `serve(…)`/`createServer(…)` call imported from an `inngest` module, with
    /// an object literal as its options (found on first ask).
    pub fn serve_calls(&self) -> &[Node<'t>] {
        self.serve_calls
            .get_or_init(|| migration::serve_calls(self.tree, self.source, self.inngest_imports()))
    }
}

/// Run the rules of [`registry`] over a parsed file: handler rules over every handler,
/// then file rules; the diagnostics come in source order. Only the rules this run
/// selects run, except in a file with a suppression comment, where every default rule
/// runs: a comment for a rule left out of this run still counts as used
/// ([`crate::pipeline`] drops the other rules' findings). Opt-in rules run only when
/// selected.
pub fn check_tree<'t>(
    tree: &'t Tree,
    source: &'t str,
    lang: Lang,
    options: &RuleOptions,
) -> Checked {
    if lang == Lang::Json {
        // A `package.json`: only the dependency rule of the v4 migration reads it.
        return Checked {
            has_inngest_functions: false,
            diagnostics: migration::check_manifest(tree, source, options.rules),
        };
    }
    // The rules walk the tree many times: serve the walks from a table of its nodes.
    crate::analysis::syntax::with_table(tree, || check_installed(tree, source, lang, options))
}

/// [`check_tree`], with the tree's table installed.
fn check_installed<'t>(
    tree: &'t Tree,
    source: &'t str,
    lang: Lang,
    options: &RuleOptions,
) -> Checked {
    let functions = functions::find_with(tree, source, lang, options.wrappers);
    let mut diagnostics = Vec::new();
    let style = StyleCache::default();
    let bindings: Vec<Vec<Option<StepBinding>>> = functions
        .iter()
        .map(|f| {
            f.handlers
                .iter()
                .map(|h| StepBinding::of_handler(h.function, tree, source))
                .collect()
        })
        .collect();
    let file_bindings: Vec<StepBinding> = bindings.iter().flatten().flatten().cloned().collect();
    let model = FileModel::new(
        tree.root_node(),
        source,
        lang,
        options.source_path,
        file_bindings,
    );
    // A rule left out of this run is skipped, unless the file holds a suppression
    // comment: one that names the rule must still count as used.
    let every_rule =
        memchr::memmem::find(source.as_bytes(), crate::suppression::DIRECTIVE.as_bytes()).is_some();
    let runs = |rule: &Rule| options.rules.enabled(rule) || (every_rule && !rule.is_opt_in());
    for (function, function_bindings) in functions.iter().zip(&bindings) {
        for (handler, binding) in function.handlers.iter().zip(function_bindings) {
            let Some(binding) = binding else {
                // No step binding: the handler runs no steps, nothing can be unsafe.
                continue;
            };
            let steps = steps::find(handler, binding, source, lang);
            if steps.calls.is_empty() {
                continue;
            }
            let returns = returns::find(handler, &steps, source, lang);
            let handler_context = HandlerContext {
                rule: &unsafe_trailing_return::RULE,
                tree,
                lang,
                source,
                options,
                function,
                handler,
                binding,
                steps: &steps,
                returns: &returns,
                style: &style,
                model: &model,
            };
            for entry in registry::RULES {
                if let registry::Check::Handler(check) = entry.check {
                    if runs(entry.rule) {
                        let context = HandlerContext {
                            rule: entry.rule,
                            ..handler_context
                        };
                        check(&context, &mut diagnostics);
                    }
                }
            }
        }
    }
    let mut file = FileContext {
        rule: &unawaited_send::RULE,
        tree,
        lang,
        source,
        options,
        functions: &functions,
        model: &model,
        inngest_imports: Default::default(),
        serve_calls: Default::default(),
        pinned_v3_sdks: Default::default(),
        pinned_importer: Default::default(),
    };
    for entry in registry::RULES {
        if let registry::Check::File(check) = entry.check {
            if runs(entry.rule) && !migration::blocked(&file, entry.rule) {
                file.rule = entry.rule;
                check(&file, &mut diagnostics);
            }
        }
    }
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    Checked {
        has_inngest_functions: !functions.is_empty(),
        diagnostics,
    }
}

/// Where the statement holding `node` starts, in its block or at the top of the file:
/// a suppression comment above it covers everything in it (for a `createFunction`
/// call, the whole function).
pub fn function_statement_start(node: Node) -> usize {
    let mut node = node;
    while let Some(parent) = node.parent_node() {
        if parent.kind_name() == "program"
            || parent.kind_name() == "class_body"
            || parent.kind_name() == "statement_block"
        {
            break;
        }
        node = parent;
    }
    node.start_byte()
}

/// The expression that drops the promise of `call`, if it does: the call (or a
/// `.then(…)`/`.catch(…)`/`.finally(…)` chain on it, in parentheses or not) is a whole
/// expression statement. Awaited, returned, `void`ed, assigned, passed on or collected
/// into an array or `Promise.all` promises are not dropped.
pub fn dropped_promise<'t>(call: Node<'t>, source: &str) -> Option<Node<'t>> {
    let mut node = call;
    loop {
        let parent = node.parent_node()?;
        match parent.kind_name() {
            "parenthesized_expression" => node = parent,
            "member_expression" => {
                let on_node = parent.field("object").is_some_and(|o| o.id() == node.id());
                let chain_method = parent
                    .field("property")
                    .is_some_and(|p| matches!(text(p, source), "then" | "catch" | "finally"));
                let chained = parent.parent_node().filter(|c| {
                    c.kind_name() == "call_expression"
                        && c.field("function").is_some_and(|f| f.id() == parent.id())
                });
                match chained {
                    Some(chained) if on_node && chain_method => node = chained,
                    _ => return None,
                }
            }
            "expression_statement" => return Some(node),
            _ => return None,
        }
    }
}

/// The fix that awaits a dropped promise, or why there is none: `await` needs an
/// async function around the statement.
pub fn await_fix(call: Node, dropped: Node) -> Result<Fix, String> {
    if dropped.has_error() {
        return Err("no automatic fix: the statement did not parse cleanly".to_string());
    }
    match enclosing_function(call) {
        Some(function) if is_async_function(function) => Ok(Fix::safe(vec![Edit {
            range: dropped.start_byte()..dropped.start_byte(),
            replacement: "await ".to_string(),
        }])),
        Some(_) => Err(
            "no automatic fix: the enclosing function is not async; await the promise there \
             or return it"
                .to_string(),
        ),
        None => Err("no automatic fix: the call is not inside a function".to_string()),
    }
}

/// The callee of a call as written (`step.run`, `ctx.step.sleep`, `inngest.send`), for messages.
pub fn callee_text<'s>(call: Node, source: &'s str) -> &'s str {
    call.field("function").map_or("", |f| text(f, source))
}

/// The rules' verdict on one file.
pub struct Checked {
    /// At least one `createFunction` call with a handler shape.
    pub has_inngest_functions: bool,
    /// Every diagnostic, in source order.
    pub diagnostics: Vec<Diagnostic>,
}
