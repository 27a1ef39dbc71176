//! Rule `v4-middleware`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds `new InngestMiddleware({ name, init() { … } })` (imported from `inngest`), the
//! v3 middleware API.
//!
//! ## Why is this bad?
//! Inngest v4 rewrote middleware: a middleware is a class extending
//! `Middleware.BaseMiddleware` with lifecycle hooks (`on*` to observe, `wrap*` around
//! the handler, steps and sends, `transform*` to change inputs and outputs), passed to
//! the client or a function as `middleware: [MyMiddleware]`. v3 middleware objects are
//! not accepted.
//!
//! ## Example
//! ```ts
//! new InngestMiddleware({
//!   name: "timing",
//!   init: () => ({ onFunctionRun: () => ({ beforeExecution() { … } }) }),
//! });
//! ```
//! Use instead:
//! ```ts
//! class Timing extends Middleware.BaseMiddleware {
//!   async wrapFunctionHandler({ next }: Middleware.WrapFunctionHandlerArgs) {
//!     const start = Date.now();
//!     try { return await next(); } finally { console.log(Date.now() - start); }
//!   }
//! }
//! ```
//!
//! ## Fix safety
//! No automatic fix: the hooks do not map one to one, and v4 creates a middleware
//! instance per request where v3 ran `init` once per client.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;

use super::manual;
use crate::analysis::{for_each_descendant, text};
use crate::rules::Diagnostic;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-middleware";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// Report every `new InngestMiddleware(…)` of the file.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    let (tree, source, imports) = (file.tree, file.source, file.inngest_imports());
    let names: Vec<&str> = imports.local_names("InngestMiddleware").collect();
    if names.is_empty() {
        return;
    }
    for_each_descendant(tree.root_node(), |node| {
        let is_middleware = node.kind_name() == "new_expression"
            && node
                .field("constructor")
                .is_some_and(|c| names.contains(&text(c, source)));
        if is_middleware {
            out.push(manual(
                NAME,
                node,
                "v3 `InngestMiddleware` is not accepted by inngest 4".to_string(),
                "no automatic fix: rewrite it as a class extending `Middleware.BaseMiddleware` \
                 with lifecycle hooks (see the v4 middleware docs)"
                    .to_string(),
            ));
        }
    });
}
