//! Rule `v4-middleware-package`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds a middleware of an `@inngest/*` package (`sentryMiddleware()` of
//! `@inngest/middleware-sentry`, `encryptionMiddleware(…)`, `realtimeMiddleware()`…) in a
//! file whose nearest `package.json` declares a release of that package written for
//! inngest 3, and says which release to move to.
//!
//! ## Why is this bad?
//! A middleware package for v3 still loads on inngest 4, but its types do not fit v4's
//! middleware: every step result of a function it is registered on becomes `unknown` or
//! `{}` (`middleware: [sentryMiddleware()]` with `@inngest/middleware-sentry` 0.1.x gave
//! 140 TypeScript errors in one application, gone with 1.0.0).
//!
//! ## Example
//! ```ts
//! import { sentryMiddleware } from "@inngest/middleware-sentry"; // package.json: ^0.1.1
//! new Inngest({ id: "app", middleware: [sentryMiddleware()] });
//! ```
//! Set `"@inngest/middleware-sentry": "^1.0.0"` in package.json (the rule
//! `v4-dependencies` does) and install; the call stays as it is.
//!
//! ## Fix safety
//! Nothing to fix in the file: the version is set in `package.json`. A package with no
//! release for inngest 4 (`@inngest/middleware-validation`) or that moved into `inngest`
//! (`@inngest/realtime`) is reported with what to do instead.

use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;

use super::packages::{companion, declared_range, SimpleRange, V4Support};
use super::{manual, module_imports, specifiers};
use crate::analysis::kind::KindName;
use crate::analysis::{for_each_descendant, text, Navigate};
use crate::rules::Diagnostic;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-middleware-package";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// Report the calls of middleware factories imported from a v3-era package.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    let (tree, source, path) = (file.tree, file.source, file.options.source_path);
    // (local name, package) of each name imported from a middleware package.
    let mut factories: Vec<(String, &'static str)> = Vec::new();
    for import in module_imports(tree, source) {
        let Some(package) = companion(&import.module) else {
            continue;
        };
        let is_middleware =
            package.name.starts_with("@inngest/middleware-") || package.name == "@inngest/realtime";
        if !is_middleware {
            continue;
        }
        for (specifier, name) in specifiers(import.statement, source) {
            let local = specifier
                .field("alias")
                .map(|a| text(a, source).to_string());
            factories.push((local.unwrap_or(name), package.name));
        }
    }
    if factories.is_empty() {
        return;
    }
    for_each_descendant(tree.root_node(), |node| {
        if node.kind_name() != "call_expression" {
            return;
        }
        let Some(callee) = node.field("function").map(|c| text(c, source)) else {
            return;
        };
        let Some((_, package)) = factories.iter().find(|(local, _)| local == callee) else {
            return;
        };
        let Some(known) = companion(package) else {
            return;
        };
        let declared = path.and_then(|p| declared_range(p, package));
        let (message, reason) = match known.v4 {
            V4Support::From(version) => {
                let first = SimpleRange::parse(version).map(|r| r.lowest.0).unwrap_or(1);
                let Some((manifest, range)) = &declared else {
                    out.push(manual(
                        NAME,
                        node,
                        format!(
                            "`{callee}()` of `{package}`: no package.json above this file \
                             declares its version"
                        ),
                        format!(
                            "on inngest 4 use {package} {version} or later: a release for v3 \
                             turns every step result into `unknown`"
                        ),
                    ));
                    return;
                };
                let for_v4 = SimpleRange::parse(range).is_some_and(|r| r.lowest.0 >= first);
                if for_v4 {
                    return;
                }
                (
                    format!(
                        "`{callee}()` of `{package}` {range} ({}) is written for inngest 3: on \
                         inngest 4 every step result of the functions it is registered on \
                         becomes `unknown` or `{{}}`",
                        manifest.display()
                    ),
                    format!(
                        "move `{package}` to ^{version} (the v4-dependencies fix sets it in \
                         package.json), then install; this call stays as it is"
                    ),
                )
            }
            V4Support::None(advice) | V4Support::Moved(advice) => (
                format!("`{callee}()` of `{package}` does not work with inngest 4"),
                advice.to_string(),
            ),
        };
        out.push(manual(NAME, node, message, reason));
    });
}
