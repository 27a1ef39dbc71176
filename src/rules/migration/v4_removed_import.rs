//! Rule `v4-removed-import`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds imports that inngest 4 no longer has:
//! - deep imports of files inside the package (`inngest/middleware/logger`,
//!   `inngest/helpers/jsonify`, `inngest/components/InngestStepTools`…), which are not
//!   among the entry points inngest 4's `package.json` exports;
//! - names `inngest` and `inngest/types` no longer export (`GetEvents`, `EventSchemas`,
//!   `InngestMiddleware` and the types around them, `EventsFromFunction`…);
//! - the global `Zod` namespace (`Zod.infer<…>`), which the types of inngest 3 brought
//!   into every program and inngest 4 does not.
//!
//! ## Why is this bad?
//! After the bump each is a TypeScript error (TS2307 "Cannot find module", TS2305 "has
//! no exported member", TS2503 "Cannot find namespace"), and a deep import fails at run
//! time where the runtime enforces the package's `exports` (inngest 3.31 still exported
//! `./helpers/*`, `./middleware/*`, `./components/*` and `./api/*`; 3.54 and 4.x do not).
//!
//! ## Example
//! ```ts
//! import { Logger } from "inngest/middleware/logger";
//! import type { Jsonify } from "inngest/helpers/jsonify";
//! ```
//! Use instead:
//! ```ts
//! import { Logger } from "inngest";
//! import type { Jsonify } from "inngest/types";
//! ```
//!
//! ## Fix safety
//! A deep import whose every name inngest 4 exports from one public entry point is
//! rewritten to that entry point: safe (applied by `--write`). The others are reported
//! with the v4 replacement where the upgrade guide or the package names one.

use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use tree_sitter::{Node, Tree};

use super::{manual, module_imports, specifiers};
use crate::analysis::kind::KindName;
use crate::analysis::{for_each_descendant, text, Navigate};
use crate::fix::{Edit, Fix};
use crate::rules::{function_statement_start, Diagnostic, Remedy};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-removed-import";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::Safe,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngestOr(wants_file),
};

/// The entry points inngest 4.24.0 exports (`exports` of its package.json), besides
/// `inngest` itself.
const V4_ENTRY_POINTS: &[&str] = &[
    "experimental",
    "astro",
    "bun",
    "cloudflare",
    "digitalocean",
    "edge",
    "express",
    "fastify",
    "h3",
    "koa",
    "lambda",
    "next",
    "nuxt",
    "redwood",
    "remix",
    "sveltekit",
    "deno/fresh",
    "hono",
    "nitro",
    "node",
    "types",
    "connect",
    "internals",
    "experimental/durable-endpoints",
    "experimental/durable-endpoints/client",
    "realtime",
    "react",
];

/// Where a name of a deep import lives in inngest 4.
enum Replacement {
    /// Exported by this public entry point.
    Module(&'static str),
    /// No entry point exports it: what to write instead.
    Advice(&'static str),
}

/// `(deep module, name)` → where it is in inngest 4 (read in the 4.24.0 declarations).
const DEEP_NAMES: &[(&str, &str, Replacement)] = &[
    (
        "middleware/logger",
        "Logger",
        Replacement::Module("inngest"),
    ),
    (
        "middleware/logger",
        "ProxyLogger",
        Replacement::Module("inngest"),
    ),
    (
        "middleware/logger",
        "LogArg",
        Replacement::Module("inngest"),
    ),
    (
        "middleware/logger",
        "ConsoleLogger",
        Replacement::Module("inngest"),
    ),
    (
        "helpers/jsonify",
        "Jsonify",
        Replacement::Module("inngest/types"),
    ),
    (
        "components/InngestStepTools",
        "createStepTools",
        Replacement::Advice(
            "`createStepTools` is internal: for the type of `step` write \
             `GetStepTools<typeof inngest>` (`import type { GetStepTools } from \"inngest\"`) \
             where `ReturnType<typeof createStepTools>` was",
        ),
    ),
];

/// Names `inngest` (or `inngest/types`) exported in 3.x and not in 4.x, with what to do.
const REMOVED: &[(&str, &str)] = &[
    (
        "GetEvents",
        "removed in v4 with the client-wide event map: define each event with \
         `eventType(name, { schema })` and take payload types from your own schema types",
    ),
    (
        "EventSchemas",
        "removed in v4: each event is `eventType(name, { schema })` with `staticSchema<T>()` \
         or a Zod schema (see the v4-event-schemas finding on `new EventSchemas()`)",
    ),
    (
        "InngestMiddleware",
        "removed in v4: a middleware is a class extending `Middleware.BaseMiddleware` \
         (`import { Middleware } from \"inngest\"`)",
    ),
    (
        "MiddlewareOptions",
        "removed with v3's `InngestMiddleware`: see `Middleware.BaseMiddleware`",
    ),
    (
        "MiddlewareRegisterFn",
        "removed with v3's `InngestMiddleware`: see `Middleware.BaseMiddleware`",
    ),
    (
        "MiddlewareRegisterReturn",
        "removed with v3's `InngestMiddleware`: see `Middleware.BaseMiddleware`",
    ),
    (
        "isInngestMiddleware",
        "removed with v3's `InngestMiddleware`",
    ),
    (
        "ZodEventSchemas",
        "removed with `EventSchemas`: use `eventType(name, { schema })`",
    ),
    (
        "LiteralZodEventSchema",
        "removed with `EventSchemas`: use `eventType(name, { schema })`",
    ),
    (
        "StandardEventSchemas",
        "removed with `EventSchemas`: use `eventType(name, { schema })`",
    ),
    (
        "StandardEventSchemaToPayload",
        "removed with `EventSchemas`: use `eventType(name, { schema })`",
    ),
    ("EventsFromOpts", "removed with `EventSchemas`"),
    ("EventsFromFunction", "removed with `EventSchemas`"),
    ("TriggersFromClient", "removed with `EventSchemas`"),
    ("AddName", "removed with `EventSchemas`"),
    ("AssertInternalEventPayloads", "removed with `EventSchemas`"),
    ("Combine", "removed with `EventSchemas`"),
    ("WithoutInternal", "removed with `EventSchemas`"),
];

/// Whether a file that does not mention `inngest` must still be read: it uses the
/// global `Zod` namespace.
pub fn wants_file(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"Zod.").is_some()
}

/// Report the removed imports of one file.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    let (tree, source) = (file.tree, file.source);
    for import in module_imports(tree, source) {
        let Some(path) = import
            .module
            .strip_prefix("inngest")
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        else {
            continue;
        };
        let path = path.trim_start_matches('/');
        if path.is_empty() || path == "types" {
            removed_names(import.statement, &import.module, source, out);
        } else if !V4_ENTRY_POINTS.contains(&path) {
            deep_import(import.statement, import.source, path, source, out);
        }
    }
    zod_namespace(tree, source, out);
}

fn removed_names(statement: Node, module: &str, source: &str, out: &mut Vec<Diagnostic>) {
    for (specifier, name) in specifiers(statement, source) {
        if let Some((_, advice)) = REMOVED.iter().find(|(removed, _)| *removed == name) {
            out.push(manual(
                NAME,
                specifier,
                format!("`{name}` is not exported by inngest 4 (`{module}`)"),
                advice.to_string(),
            ));
        }
    }
}

fn deep_import(
    statement: Node,
    literal: Node,
    path: &str,
    source: &str,
    out: &mut Vec<Diagnostic>,
) {
    let names = specifiers(statement, source);
    let lookup = |name: &str| {
        DEEP_NAMES
            .iter()
            .find(|(module, n, _)| *module == path && *n == name)
            .map(|(_, _, replacement)| replacement)
    };
    let mut targets: Vec<&str> = Vec::new();
    let mut advice: Vec<String> = Vec::new();
    for (_, name) in &names {
        match lookup(name) {
            Some(Replacement::Module(module)) => {
                if !targets.contains(module) {
                    targets.push(module);
                }
            }
            Some(Replacement::Advice(text)) => advice.push(text.to_string()),
            None => advice.push(format!(
                "`{name}` is not exported by inngest 4's entry points: drop the use, or import \
                 it from `inngest` or `inngest/types` if it is there"
            )),
        }
    }
    let message =
        format!("`inngest/{path}` is not an entry point of inngest 4 (its package.json `exports`)");
    // A namespace or default import, or a side-effect import: nothing to map by name.
    let whole = names.is_empty();
    if let ([target], true, false) = (targets.as_slice(), advice.is_empty(), whole) {
        let quote = &text(literal, source)[..1];
        let replacement = format!("{quote}{target}{quote}");
        out.push(Diagnostic {
            rule: NAME,
            range: literal.byte_range(),
            message: format!("{message}: import from `{target}`"),
            function_id: None,
            function_start: function_statement_start(literal),
            remedy: Remedy::Fix(Fix::safe(vec![Edit {
                range: literal.byte_range(),
                replacement,
            }])),
            related: Vec::new(),
        });
        return;
    }
    if whole {
        advice.push("import what you use from `inngest` or `inngest/types`".to_string());
    }
    if !targets.is_empty() {
        advice.insert(
            0,
            format!("the other names are exported by {}", targets.join(" and ")),
        );
    }
    out.push(manual(NAME, literal, message, advice.join("; ")));
}

/// `Zod.infer<…>` and other `Zod.X` types, in a file that does not declare `Zod`.
fn zod_namespace(tree: &Tree, source: &str, out: &mut Vec<Diagnostic>) {
    if !source.contains("Zod.") || declares_zod(tree, source) {
        return;
    }
    for_each_descendant(tree.root_node(), |node| {
        if node.kind_name() != "nested_type_identifier" {
            return;
        }
        let module = node.field("module").map(|m| text(m, source));
        if module == Some("Zod") {
            out.push(manual(
                NAME,
                node,
                format!(
                    "`{}`: the global `Zod` namespace came with inngest 3's types and is gone \
                     with inngest 4",
                    text(node, source)
                ),
                "import zod's namespace yourself: `import type { z } from \"zod\"`, then write \
                 `z.` for `Zod.` (`z.infer<…>`)"
                    .to_string(),
            ));
        }
    });
}

/// Whether the file binds `Zod` itself (an import, a namespace, a type).
fn declares_zod(tree: &Tree, source: &str) -> bool {
    let mut declares = false;
    for_each_descendant(tree.root_node(), |node| {
        let binds = matches!(
            node.kind_name(),
            "import_specifier" | "namespace_import" | "import_clause" | "internal_module"
        ) || node.kind_name() == "type_alias_declaration";
        if binds && !declares {
            let name = node
                .field("alias")
                .or_else(|| node.field("name"))
                .map(|n| text(n, source));
            let own = code_identifier(node, source);
            declares = name == Some("Zod") || own == Some("Zod");
        }
    });
    declares
}

/// The identifier a namespace import (`* as Zod`) or default import binds.
fn code_identifier<'s>(node: Node, source: &'s str) -> Option<&'s str> {
    crate::analysis::code_children(node)
        .find(|c| c.kind_name() == "identifier")
        .map(|c| text(c, source))
}
