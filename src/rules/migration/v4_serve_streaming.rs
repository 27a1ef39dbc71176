//! Rule `v4-serve-streaming`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds `streaming: "force"` and `streaming: "allow"` in the options of `serve(…)` or
//! `createServer(…)` imported from an `inngest` module, and writes the v4 value `true`.
//!
//! ## Why is this bad?
//! Inngest v4 simplified the option from `"allow" | "force" | false` to
//! `true | false`. The strings are no longer accepted.
//!
//! ## Example
//! ```ts
//! serve({ client: inngest, functions, streaming: "force" });
//! ```
//! Use instead:
//! ```ts
//! serve({ client: inngest, functions, streaming: true });
//! ```
//!
//! ## Fix safety
//! `"force"` → `true` is safe (applied by `--write`): both mean "stream, and fail
//! where the platform cannot". `"allow"` → `true` needs review (applied only with
//! `--unsafe-fixes`): `"allow"` streamed where possible and silently did not elsewhere,
//! while v4's `true` throws where the `serve` handler does not support streaming. Keep
//! `true` only on a platform that streams; otherwise remove the option. The message says
//! so, for the run that does not apply the fix: `"allow"` left in place is a type error
//! on inngest 4.

use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use tree_sitter::Node;

use super::{options_object, pair};
use crate::analysis::functions::string_literal;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{function_statement_start, Diagnostic, Remedy};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-serve-streaming";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::NeedsReview,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// Report a string `streaming` option of each `serve(…)` call, with its fix.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    for &call in file.serve_calls() {
        check_call(call, file.source, out);
    }
}

/// Report a string `streaming` option of one `serve(…)` call, with its fix.
fn check_call(call: Node, source: &str, out: &mut Vec<Diagnostic>) {
    let Some(value) = options_object(call)
        .and_then(|options| pair(options, "streaming", source))
        .and_then(|p| p.field("value"))
    else {
        return;
    };
    let (safe, message) = match string_literal(value, source).as_deref() {
        Some("force") => (
            true,
            "`streaming: \"force\"` is `streaming: true` in inngest 4",
        ),
        Some("allow") => (
            false,
            "`streaming: \"allow\"` is gone in inngest 4 (a type error there): `true` streams \
             but throws where the handler cannot stream (v3 fell back silently); without the \
             fix, write `streaming: true` where the platform streams, or remove the option \
             (v4 then does not stream)",
        ),
        _ => return,
    };
    let fix = Fix {
        edits: vec![Edit {
            range: value.byte_range(),
            replacement: "true".to_string(),
        }],
        applicability: if safe {
            Applicability::Safe
        } else {
            Applicability::NeedsReview
        },
        waiting_note: None,
    };
    out.push(Diagnostic {
        rule: NAME,
        range: value.byte_range(),
        message: message.to_string(),
        function_id: None,
        function_start: function_statement_start(call),
        remedy: Remedy::Fix(fix),
        related: Vec::new(),
    });
}
