//! Rule `side-effect-outside-step`.
//!
//! ## What it does
//! Finds, in a handler that runs steps, a side effect outside any step body that a step
//! can follow: an awaited database query, `fetch`, SDK call or `inngest.send(…)`; an
//! await in a callback the handler runs right away (`items.map(async (item) => { await
//! save(item) })`, `forEach`, `filter`…, the callback of `.catch`/`.then` chained on a
//! step, which runs on every replay after the step failed, and a callback handed to a
//! wrapper with the steps it runs); I/O started without `await` (`db.audit.insert(…)
//! .catch(…)`, `void fetch(…)`, a known write method on its own line); and awaited calls
//! of functions the handler cannot see (a parameter of a factory, an injected
//! dependency). An awaited `Promise.all(…)` holding no step is reported once, as a whole.
//!
//! Not findings: code with no step after it on any path (after the handler's last step,
//! or on a path that returns before the next one): it runs once, in the request that
//! finishes the run; a step later in a loop body, or in the loop's next iteration, does
//! follow. Awaits of step tools (through any binding), of
//! `Promise.all`/`Promise.allSettled`/`Promise.race`/`Promise.any` over step calls, of a
//! helper handed `step` (or a function of the handler or file that runs steps, or a
//! wrapper whose callback does), of any logger (a log line written again is noise, not a
//! lost effect), of realtime `publish` (the handler's own, or `inngest.realtime.publish`:
//! non-durable by design, for updates whose duplicates are acceptable), of agent-kit's
//! `network.run`/`agent.run` (they run their model calls as steps), and local
//! computation: a promise made earlier (`await pending`), `new Promise(…)`, `import(…)`,
//! `Promise.resolve(…)`, reading a response body (`res.json()`), waiting (`sleep(…)`,
//! `delay(…)`), WebCrypto and crypto helpers (`crypto.subtle.digest`, `decrypt`,
//! `encrypt`, `hashPassword`, `jwt.sign`, `jwtVerify`, `verifyToken`, `bcrypt.compare`),
//! calls of packages that only compute (`zod`, `jose`, `@react-email/render`,
//! `date-fns`…), calls named for computation (`parse…`, `validate…`, `format…`, `map…`,
//! `build…`, `compute…`, `render…`, `to…`), and functions of the file that reach no I/O
//! (every call in them is one of these, a builtin or a method of a value in hand). The
//! configuration names more: `pure = ["decryptSecret"]` for functions that only compute,
//! `side-effects = ["buildReport"]` for functions that do I/O whatever their names say
//! (docs/configuration.md). A `.then`/`.catch` chain is judged by the call it chains on.
//!
//! ## Why is this bad?
//! An Inngest handler runs again from the top for every step: code outside step bodies
//! runs on every one of those requests, while step bodies run once and their results
//! are memoized. A query outside a step runs once per step of the run (and a write
//! repeats: an email sent twice, a row inserted twice, a counter bumped twice); an
//! error in it is not retried as a step. Inngest's guidance: never start a side effect
//! outside a step; send events with `step.sendEvent`, not `inngest.send`.
//!
//! ## Example
//! ```ts
//! const user = await getUser(event.data.userId);
//! await step.run("send-welcome", () => sendWelcome(user.email));
//! ```
//! Use instead:
//! ```ts
//! const user = await step.run("get-user", () => getUser(event.data.userId));
//! await step.run("send-welcome", () => sendWelcome(user.email));
//! ```
//!
//! ## Fix safety
//! Needs review: applied only with `--unsafe-fixes`. The fix wraps the call in its own
//! step, `await step.run("get-user", () => getUser(id))`, with an ID derived from the
//! callee (`-2`, `-3`… when taken in the handler). It adds one step per evaluation and
//! the result now comes back through JSON (and is stored in the run's state), so it is
//! offered only where that cannot matter: the result is unused or returned, or it is
//! the rows of a database query (`findMany`, `select…where`, Supabase's `.eq(…)`) bound
//! to a `const` that is only read through properties (no date field: `createdAt` is a
//! string after JSON), in conditions, templates, object literals and array or string
//! methods, never passed whole to another function, never used as a `Date`, `Map`, `Set`
//! or class instance. Never for a value that is not data by what it is (a `Response`
//! from `fetch`, a stream, a client, a class instance, a function) nor for a secret (a
//! decrypted value, a token, a key, a password, by the callee's or the variable's
//! name): a step would store it in run state. The call must have no `await` or step
//! inside, and no condition around it (or guard clause before it) may test a name it
//! reads — TypeScript does not carry that narrowing into the new callback.
//! `inngest.send(…)` is not wrapped: use `step.sendEvent` instead. Unawaited calls and
//! awaits in callbacks are left for manual review, as is everything else.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use tree_sitter::Node;

use super::{Diagnostic, HandlerContext, Remedy};
use crate::analysis::effects::{
    callee_name, chain_root, is_inngest_send, Effects, How, SideEffect,
};
use crate::analysis::wrap::{relies_on_narrowing, result_survives_json, step_id_for, why_not_data};
use crate::analysis::{any_descendant, code_children, text};
use crate::fix::edits::first_free;
use crate::fix::{Applicability, Edit, Fix};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "side-effect-outside-step";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Default,
    fixes: Fixes::NeedsReview,
    fix_title: FixTitle {
        action: "Wrap the call in a step",
        does: "wraps the call in its own step",
        done: "the call wrapped in its own step",
    },
    file: file!(),
    files: Files::Functions,
};

/// Report every side effect outside the step bodies of one handler that a step can
/// follow (code with no step after it runs once).
pub fn check(context: &HandlerContext, out: &mut Vec<Diagnostic>) {
    let source = context.source;
    let effects = effects_of(context);
    let found = effects.side_effects();
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
    for SideEffect { node, call, how } in found {
        // With no step after it on any path, it runs once: the request that gets there
        // finishes the run.
        if !effects.step_may_follow(node) {
            continue;
        }
        let callee = callee_name(call, source);
        let is_send = is_inngest_send(chain_root(call, source), source);
        let fix = if is_send {
            Err("no automatic fix: send it with `step.sendEvent(id, payload)` instead".to_string())
        } else if how == How::InCallback {
            Err(
                "no automatic fix: it runs in a callback the handler runs right away (once per \
                 item, or after the step it is chained on); give it a step of its own (with the \
                 item's key in the ID) by hand"
                    .to_string(),
            )
        } else if how == How::Unawaited {
            Err(
                "no automatic fix: nothing awaits it; move it into an awaited `step.run` by hand"
                    .to_string(),
            )
        } else {
            why_no_fix(context, node, call).map_or_else(
                || {
                    let id = first_free(&step_id_for(call, source), "-", |c| {
                        taken.iter().any(|t| t == c)
                    });
                    taken.push(id.clone());
                    wrap(context, call, &id, quote).ok_or_else(|| {
                        "no automatic fix: the handler destructures no `run` from `step`"
                            .to_string()
                    })
                },
                Err,
            )
        };
        let message = if is_send {
            format!(
                "`{callee}(…)` runs outside any step: the event is sent again every time the \
                 handler replays; use `step.sendEvent`"
            )
        } else if how == How::Unawaited {
            format!(
                "`{callee}(…)` is started outside any step and not awaited: it runs again \
                 every time the handler replays"
            )
        } else {
            format!(
                "`await {callee}(…)` runs outside any step: it runs again every time the \
                 handler replays"
            )
        };
        out.push(context.report(node.byte_range(), message, Remedy::from_result(fix)));
    }
}

/// The side-effect analysis of the handler, with the configuration's `pure` and
/// `side-effects` names.
pub fn effects_of<'a, 't>(context: &HandlerContext<'a, 't>) -> Effects<'a, 't> {
    Effects {
        source: context.source,
        handler: context.handler.function,
        binding: context.binding,
        steps: context.steps,
        model: context.model,
        pure: context.options.pure,
        side_effects: context.options.side_effects,
    }
}

/// Why the call cannot be wrapped in a step, if it cannot.
fn why_no_fix(context: &HandlerContext, await_node: Node, call: Node) -> Option<String> {
    if await_node.has_error() || await_node.parent_node().is_some_and(|p| p.is_error()) {
        return Some("no automatic fix: the code around it did not parse cleanly".to_string());
    }
    if context.binding.run_callee().is_none() {
        return Some("no automatic fix: the handler destructures no `run` from `step`".to_string());
    }
    if context.steps.any_within(call)
        || any_descendant(call, |n| {
            matches!(n.kind_name(), "await_expression" | "yield_expression")
        })
    {
        return Some(
            "no automatic fix: the call awaits or runs something itself; move it into a \
             `step.run` by hand"
                .to_string(),
        );
    }
    if callee_name(call, context.source).starts_with("Promise.") {
        return Some(
            "no automatic fix: wrap the whole batch in one `step.run`, or each item in its own"
                .to_string(),
        );
    }
    if relies_on_narrowing(context.handler.function, context.source, await_node, call) {
        return Some(
            "no automatic fix: the call reads a name that a condition around it narrows, and \
             TypeScript does not carry that narrowing into the step's callback; wrap it by hand"
                .to_string(),
        );
    }
    if !result_survives_json(context.handler.function, context.source, await_node) {
        return Some(
            "no automatic fix: its result is used in ways its JSON copy may not support \
             (passed on whole, or its type is declared); wrap it in `step.run` by hand"
                .to_string(),
        );
    }
    why_not_data(call, await_node, context.source)
        .map(|why| format!("no automatic fix: {why}; wrap it in `step.run` by hand"))
}

/// The edit wrapping the call in a step: `getUser(id)` becomes
/// `step.run("get-user", () => getUser(id))`; the `await` stays where it was.
fn wrap(context: &HandlerContext, call: Node, id: &str, quote: Option<char>) -> Option<Fix> {
    let callee = context.binding.run_callee()?;
    let quote = context.style.style(context.source, quote).quote;
    let called = text(call, context.source);
    Some(Fix {
        edits: vec![Edit {
            range: call.byte_range(),
            replacement: format!("{callee}({quote}{id}{quote}, () => {called})"),
        }],
        applicability: Applicability::NeedsReview,
        waiting_note: Some("`--unsafe-fixes` wraps it in a step"),
    })
}
