//! Rule `v4-event-schemas`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds `new EventSchemas()` (imported from `inngest`), the v3 way to type events on
//! the client (`new Inngest({ id, schemas: new EventSchemas().fromRecord<…>() })`).
//!
//! ## Why is this bad?
//! Inngest v4 removed `EventSchemas` and the client's `schemas` option. Events are
//! typed where they are used, with `eventType("app/user.created", { schema })`, shared
//! by triggers (`triggers: [userCreated]`), `step.waitForEvent` and
//! `inngest.send(userCreated.create(…))`.
//!
//! ## Example
//! ```ts
//! const inngest = new Inngest({
//!   id: "my-app",
//!   schemas: new EventSchemas().fromRecord<{ "user/created": { data: { id: string } } }>(),
//! });
//! ```
//! Use instead:
//! ```ts
//! const inngest = new Inngest({ id: "my-app" });
//! export const userCreated = eventType("user/created", {
//!   schema: staticSchema<{ id: string }>(), // or a Zod schema, checked at run time
//! });
//! ```
//!
//! ## Fix safety
//! No automatic fix: each event becomes its own `eventType` that every trigger, send and
//! wait must import, and a Zod schema adds a run-time check that the v3 types did not
//! have (`staticSchema<T>()` keeps types only). The finding lists the guide's advice.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;

use super::manual;
use crate::analysis::{for_each_descendant, text};
use crate::rules::Diagnostic;

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-event-schemas";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// Report every `new EventSchemas()` of the file.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    let (tree, source, imports) = (file.tree, file.source, file.inngest_imports());
    let names: Vec<&str> = imports.local_names("EventSchemas").collect();
    if names.is_empty() {
        return;
    }
    for_each_descendant(tree.root_node(), |node| {
        let is_schemas = node.kind_name() == "new_expression"
            && node
                .field("constructor")
                .is_some_and(|c| names.contains(&text(c, source)));
        if is_schemas {
            out.push(manual(
                NAME,
                node,
                "`EventSchemas` was removed in inngest 4".to_string(),
                "no automatic fix: define each event with `eventType(name, { schema })` \
                 (`staticSchema<T>()` for types only, a Zod schema to also validate at run \
                 time) and use it in `triggers`, `step.waitForEvent` and `send`; until then \
                 `event.data` is untyped in every function of this client, and the type \
                 errors that follow (TS2345, TS7006, TS7031 on `event.data`) come from here"
                    .to_string(),
            ));
        }
    });
}
