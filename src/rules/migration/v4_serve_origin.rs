//! Rule `v4-serve-origin`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds the `serveHost` option of `serve(…)` or `createServer(…)` imported from an
//! `inngest` module and renames it to `serveOrigin`.
//!
//! ## Why is this bad?
//! Inngest v4 renamed the option: the value can hold a scheme and a port, which a host
//! does not. v4 no longer reads `serveHost` (TypeScript reports it as an unknown
//! property), so the URL the SDK registers falls back to the request's own.
//!
//! ## Example
//! ```ts
//! serve({ client: inngest, functions, serveHost: "https://app.example.com" });
//! ```
//! Use instead:
//! ```ts
//! serve({ client: inngest, functions, serveOrigin: "https://app.example.com" });
//! ```
//! The environment variable `INNGEST_SERVE_HOST` still works in v4 with a deprecation
//! warning; rename it to `INNGEST_SERVE_ORIGIN` yourself.
//!
//! ## Fix safety
//! Safe, applied by `--write` when the rule is selected: only the key changes (a
//! shorthand `{ serveHost }` becomes `serveOrigin: serveHost`), the value is kept.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use tree_sitter::Node;

use super::options_object;
use crate::analysis::{code_children, text};
use crate::fix::{Edit, Fix};
use crate::rules::{function_statement_start, Diagnostic, Remedy};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-serve-origin";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::Safe,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// Report the `serveHost` option of each `serve(…)` call, with its rename.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    for &call in file.serve_calls() {
        check_call(call, file.source, out);
    }
}

/// Report the `serveHost` option of one `serve(…)` call, with its rename.
fn check_call(call: Node, source: &str, out: &mut Vec<Diagnostic>) {
    let Some(options) = options_object(call) else {
        return;
    };
    for member in code_children(options) {
        let Some(edit) = rename(member, source) else {
            continue;
        };
        out.push(Diagnostic {
            rule: NAME,
            range: member.byte_range(),
            message: "`serveHost` is `serveOrigin` in inngest 4".to_string(),
            function_id: None,
            function_start: function_statement_start(call),
            remedy: Remedy::Fix(Fix::safe(vec![edit])),
            related: Vec::new(),
        });
    }
}

/// The edit renaming a `serveHost` member, if `member` is one.
pub fn rename(member: Node, source: &str) -> Option<Edit> {
    match member.kind_name() {
        "pair" => {
            let key = member.field("key")?;
            let quote = match text(key, source) {
                "serveHost" => "",
                "\"serveHost\"" => "\"",
                "'serveHost'" => "'",
                _ => return None,
            };
            Some(Edit {
                range: key.byte_range(),
                replacement: format!("{quote}serveOrigin{quote}"),
            })
        }
        "shorthand_property_identifier" if text(member, source) == "serveHost" => Some(Edit {
            range: member.byte_range(),
            replacement: "serveOrigin: serveHost".to_string(),
        }),
        _ => None,
    }
}
