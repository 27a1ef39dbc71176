//! Rule `v4-promise-race`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds `Promise.race(…)` and `Promise.any(…)` inside Inngest handlers whose
//! arguments call steps (`step.run(…)`, `ctx.step.waitForEvent(…)`, also inside a
//! `.map(…)` callback). Races over promises of steps started earlier and held in
//! variables are not found.
//!
//! ## Why is this bad?
//! Inngest v4 turns on optimized parallelism by default: parallel steps are reported
//! together, so `Promise.race` over steps waits for *all* of them to settle before it
//! resolves. The winner is still the right one, but the race no longer ends early: a
//! timeout raced against a long step now waits for the step. (Checkpointing, also on by
//! default in v4, runs several steps in one request; on serverless, set
//! `checkpointing: { maxRuntime }` below the platform's limit.)
//!
//! ## Example
//! ```ts
//! const winner = await Promise.race([step.run("a", a), step.run("b", b)]);
//! ```
//! Use instead (`group` comes from the handler's context):
//! ```ts
//! const winner = await group.parallel(async () =>
//!   Promise.race([step.run("a", a), step.run("b", b)]),
//! );
//! ```
//! or set `optimizeParallelism: false` on the function or the client.
//!
//! ## Fix safety
//! No automatic fix: whether the early resolution matters is a question about the
//! function's intent, and `group.parallel` needs the handler's `group` binding.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use tree_sitter::Node;

use super::manual;
use crate::analysis::{any_descendant, for_each_descendant, steps, text};
use crate::rules::Diagnostic;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-promise-race";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// Report the races of every handler of the file.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    let (functions, source) = (file.functions, file.source);
    for function in functions {
        for handler in &function.handlers {
            for_each_descendant(handler.function, |node| {
                if let Some(method) = race(node, source) {
                    let mut diagnostic = manual(
                        NAME,
                        node,
                        format!(
                            "`Promise.{method}` over steps waits for every step in inngest 4 \
                             (optimized parallelism)"
                        ),
                        "no automatic fix: if the early result matters, wrap the race in \
                         `group.parallel(async () => …)` or set `optimizeParallelism: false`"
                            .to_string(),
                    );
                    diagnostic.function_id = function.id.clone();
                    out.push(diagnostic);
                }
            });
        }
    }
}

/// `race` or `any` when `node` is `Promise.race(…)`/`Promise.any(…)` over step calls
/// or names.
fn race(node: Node, source: &str) -> Option<&'static str> {
    if node.kind_name() != "call_expression" {
        return None;
    }
    let method = match node.field("function").map(|f| text(f, source)) {
        Some("Promise.race") => "race",
        Some("Promise.any") => "any",
        _ => return None,
    };
    let arguments = node.field("arguments")?;
    let over_steps = any_descendant(arguments, |n| {
        let Some(callee) = n
            .field("function")
            .filter(|f| n.kind_name() == "call_expression" && f.kind_name() == "member_expression")
        else {
            return false;
        };
        let tool = callee
            .field("property")
            .is_some_and(|p| steps::is_tool(text(p, source)));
        let on_step = callee
            .field("object")
            .is_some_and(|o| text(o, source).to_ascii_lowercase().contains("step"));
        tool && on_step
    });
    over_steps.then_some(method)
}
