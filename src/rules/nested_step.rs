//! Rule `nested-step`.
//!
//! ## What it does
//! Finds a step call inside the body of another step: `step.sleep(…)` inside
//! `step.run("a", async () => {…})`, through any step binding (`{ step: s }`,
//! `ctx.step`, a destructured `run`, an imported `step`), and a helper handed the step
//! binding there (`await sendReminders(step)` inside a step body).
//!
//! ## Why is this bad?
//! A step body is one unit of memoized work: it runs once and its return value is
//! stored. Steps are discovered by the handler's replays, not from inside another
//! step's body; the SDK does not support nesting them. A nested step makes the SDK
//! warn, and the run can hang or repeat work.
//!
//! ## Example
//! ```ts
//! await step.run("send-reminder", async () => {
//!   await step.sleep("wait-a-day", "1d");
//!   await sendEmail(event.data.email);
//! });
//! ```
//! Use instead:
//! ```ts
//! await step.sleep("wait-a-day", "1d");
//! await step.run("send-reminder", async () => {
//!   await sendEmail(event.data.email);
//! });
//! ```
//!
//! ## Fix safety
//! No automatic fix: moving the inner step out changes the order of work and what the
//! outer step's body sees. Every finding is left for manual review.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};

use super::{callee_text, Diagnostic, HandlerContext, Remedy};
use crate::analysis::code_children;
use crate::analysis::functions::string_literal;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "nested-step";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Report every step call that sits inside a step body of one handler.
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
    let source = context.source;
    for call in &context.steps.calls {
        let Some(body) = context.steps.body_containing(call.call) else {
            continue;
        };
        // body → arguments → the outer step call.
        let outer = body
            .parent_node()
            .and_then(|arguments| arguments.parent_node())
            .filter(|c| c.kind_name() == "call_expression");
        let outer_name = match outer {
            Some(outer) => {
                let id = outer
                    .field("arguments")
                    .and_then(|a| code_children(a).next())
                    .and_then(|first| string_literal(first, source));
                match id {
                    Some(id) => format!("step \"{id}\""),
                    None => format!(
                        "the `{}` step on line {}",
                        callee_text(outer, source),
                        outer.start_position().row + 1
                    ),
                }
            }
            None => "a step".to_string(),
        };
        let message = match &call.tool {
            Some(_) => format!(
                "`{}` is called inside the body of {outer_name}: steps cannot be nested",
                callee_text(call.call, source)
            ),
            None => format!(
                "`{}(…)` is handed the step binding inside the body of {outer_name}: \
                 the steps it runs would be nested",
                callee_text(call.call, source)
            ),
        };
        out.push(
            context.report(
                call.call.byte_range(),
                message,
                Remedy::Manual(
                    "no automatic fix: move the step call out of the step body, into the handler"
                        .to_string(),
                ),
            ),
        );
    }
}
