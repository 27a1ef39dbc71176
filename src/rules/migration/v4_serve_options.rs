//! Rule `v4-serve-options`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds the options of `serve(…)` or `createServer(…)` (imported from an `inngest`
//! module) that inngest 4 no longer takes there: `signingKey`, `signingKeyFallback`,
//! `baseUrl` and `fetch` moved to the client (`new Inngest({ … })`), `logLevel` was
//! removed, and so was the deprecated `id`.
//!
//! ## Why is this bad?
//! v4 ignores these options on `serve` (TypeScript reports them as unknown
//! properties). A signing key given only to `serve` is then missing: in v4's default
//! cloud mode the handler refuses requests ("A signing key is required to run in Cloud
//! mode").
//!
//! ## Example
//! ```ts
//! const inngest = new Inngest({ id: "my-app" });
//! serve({ client: inngest, functions, signingKey: process.env.KEY, logLevel: "debug" });
//! ```
//! Use instead:
//! ```ts
//! const inngest = new Inngest({
//!   id: "my-app",
//!   signingKey: process.env.KEY,
//!   logger: new ConsoleLogger({ level: "debug" }),
//! });
//! serve({ client: inngest, functions });
//! ```
//! Options read from the environment (`INNGEST_SIGNING_KEY`…) need no change.
//!
//! ## Fix safety
//! No automatic fix: the client is usually created in another file, may already set
//! the option (the client's `baseUrl` was for sending events in v3; in v4 it serves
//! both), and one client may be served by several handlers with different options.
//! Each finding says where the option goes.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use tree_sitter::Node;

use super::{manual, options_object};
use crate::analysis::{code_children, text};
use crate::rules::Diagnostic;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-serve-options";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// Report the options of each `serve(…)` call that v4 does not take there.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    for &call in file.serve_calls() {
        check_call(call, file.source, out);
    }
}

/// Report the options of one `serve(…)` call that v4 does not take there.
fn check_call(call: Node, source: &str, out: &mut Vec<Diagnostic>) {
    let Some(options) = options_object(call) else {
        return;
    };
    for member in code_children(options) {
        let key = match member.kind_name() {
            "pair" => member.field("key").map(|k| text(k, source)),
            "shorthand_property_identifier" => Some(text(member, source)),
            _ => None,
        };
        let Some(key) = key.map(|k| k.trim_matches(|c| c == '"' || c == '\'')) else {
            continue;
        };
        let (message, reason) = match key {
            "signingKey" | "signingKeyFallback" | "baseUrl" | "fetch" => (
                format!("`{key}` moved from `serve` to the client in inngest 4"),
                format!(
                    "no automatic fix: pass `{key}` to `new Inngest({{ … }})` instead (or rely \
                     on the INNGEST_* environment variable); the client may live in another file"
                ),
            ),
            "logLevel" => (
                "`logLevel` was removed from `serve` in inngest 4".to_string(),
                "no automatic fix: give the client a logger with that level, \
                 `new Inngest({ …, logger: new ConsoleLogger({ level }) })`"
                    .to_string(),
            ),
            "id" => (
                "`id` was removed from `serve` in inngest 4".to_string(),
                "no automatic fix: the app ID is the client's `id`; remove the option (check \
                 that the client's `id` is the one this app was synced with)"
                    .to_string(),
            ),
            _ => continue,
        };
        out.push(manual(NAME, member, message, reason));
    }
}
