//! Rule `v4-create-function`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds the Inngest v3 three-argument form `X.createFunction(options, trigger, handler)`
//! (any client receiver, and the names configured as `wrappers`) and rewrites it to the
//! v4 form, with the trigger moved into the options as `triggers`:
//! `X.createFunction({ ...options, triggers: [trigger] }, handler)`. Every trigger shape
//! of v3 is handled: `{ event }`, `{ event, if }`, `{ cron }` (with `TZ=…`), an array of
//! triggers (used as the array), the deprecated event-name string (`"app/x"` becomes
//! `[{ event: "app/x" }]`), `as const`, and a trigger held in a variable (`[trigger]`
//! when the variable holds one trigger, the variable itself when it holds an array or
//! cannot be resolved: v4 accepts both, as v3 did), also a conditional of those
//! (`isProd ? { cron } : [ … ]`, inline or in a `const`: written as is, v4 takes one
//! trigger or a list; `triggers` alone when the variable is named so). A comment that
//! ends the trigger's line moves with it: to the end of the new `triggers` line, or of
//! the options' line when `triggers` joins a line of the options. Options written as
//! an object literal get the new property after `id` (or last), keeping their
//! comments, trailing commas, line breaks and indentation; options held in a variable
//! are spread:
//! `{ ...options, triggers: [trigger] }`.
//!
//! ## Why is this bad?
//! Inngest v4 takes two arguments, `createFunction({ id, triggers }, handler)`, and
//! rejects the v3 form when the function is created: `"createFunction" expected a
//! handler function as the second argument`. No inngest 3.x release accepts the v4 form
//! (3.0 to 3.54 all read the second argument as the trigger), so migrate the calls in
//! the same change that bumps the package to 4.
//!
//! ## Example
//! ```ts
//! inngest.createFunction(
//!   { id: "send-welcome", retries: 3 },
//!   { event: "user/created" },
//!   async ({ event, step }) => { … },
//! );
//! ```
//! Use instead:
//! ```ts
//! inngest.createFunction(
//!   { id: "send-welcome", triggers: [{ event: "user/created" }], retries: 3 },
//!   async ({ event, step }) => { … },
//! );
//! ```
//!
//! ## Fix safety
//! Safe, applied by `--write` when the rule is selected: v4 builds the same trigger
//! list from `triggers` that v3 built from the second argument (a single trigger
//! becomes a one-element list in both). Reported for manual review instead: a call
//! whose options already hold `triggers`, a wrapper's own definition that forwards its
//! parameters (`inngest.createFunction(opts, trigger, handler)` inside
//! `function defineJob(opts, trigger, handler)`: change the wrapper by hand), a
//! comment between the trigger and its comma, and a conditional trigger with an
//! event-name string on one side only (`flag ? "app/x" : { cron }`). `createFunction`
//! calls of other libraries (a second argument that
//! is not a trigger) and v4 calls are not reported.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use tree_sitter::{Node, Tree};

use super::{has_member, pair, InngestImports};
use crate::analysis::{code_children, text, unwrap_expression};
use crate::fix::style::{line_ending_at, line_indent, line_start, starts_line};
use crate::fix::{Edit, Fix};
use crate::rules::{function_statement_start, Diagnostic, Remedy};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-create-function";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::Safe,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

const MESSAGE: &str =
    "v3 `createFunction(options, trigger, handler)`: inngest 4 takes `createFunction({ ...options, \
     triggers }, handler)`";

/// Report every v3 `createFunction` call of the file, with its rewrite.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    let (functions, tree, source) = (file.functions, file.tree, file.source);
    let imports = file.inngest_imports();
    for function in functions {
        let Some(call) = V3Call::of(function.call, tree, source, imports) else {
            continue;
        };
        let remedy = Remedy::from_result(plan(&call, tree, source).map(Fix::safe));
        let callee = function.call.field("function").unwrap_or(function.call);
        out.push(Diagnostic {
            rule: NAME,
            range: callee.byte_range(),
            message: MESSAGE.to_string(),
            function_id: function.id.clone(),
            function_start: function_statement_start(function.call),
            remedy,
            related: Vec::new(),
        });
    }
}

/// The three arguments of a v3 `createFunction` call.
#[derive(Debug, Clone, Copy)]
pub struct V3Call<'t> {
    pub options: Node<'t>,
    pub trigger: Node<'t>,
    pub handler: Node<'t>,
}

impl<'t> V3Call<'t> {
    /// The call's arguments, when it is an Inngest v3 `createFunction` call: three
    /// arguments, a handler last, and a trigger second (a trigger-shaped literal, or a
    /// name or expression when the options have an `id` or the file or receiver is
    /// Inngest's). Another library's `createFunction(name, config, handler)` is not.
    pub fn of(
        call: Node<'t>,
        tree: &'t Tree,
        source: &str,
        imports: &InngestImports,
    ) -> Option<V3Call<'t>> {
        let arguments = call.field("arguments")?;
        let args: Vec<Node> = code_children(arguments).collect();
        let [options, trigger, handler] = args[..] else {
            return None;
        };
        let handler_inner = unwrap_expression(handler);
        if matches!(
            handler_inner.kind_name(),
            "object" | "array" | "string" | "template_string" | "number" | "spread_element"
        ) {
            return None;
        }
        let options_inner = unwrap_expression(options);
        if !matches!(
            options_inner.kind_name(),
            "object" | "identifier" | "member_expression" | "call_expression" | "string"
        ) {
            return None;
        }
        let shaped = match trigger_kind(trigger, tree, source) {
            TriggerKind::Single
            | TriggerKind::List
            | TriggerKind::EventName
            | TriggerKind::OneOrList
            | TriggerKind::ConditionalEventName => true,
            TriggerKind::NotATrigger => return None,
            TriggerKind::Unknown | TriggerKind::SpreadObject => false,
        };
        let options_have_id =
            options_inner.kind_name() == "object" && has_member(options_inner, "id", source);
        let receiver_is_inngest = call
            .field("function")
            .and_then(|f| f.field("object"))
            .is_some_and(|o| text(o, source).to_ascii_lowercase().contains("inngest"));
        (shaped || options_have_id || receiver_is_inngest || imports.any).then_some(V3Call {
            options,
            trigger,
            handler,
        })
    }
}

/// What a v3 trigger argument is, as far as the file tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TriggerKind {
    /// One trigger: `{ event }`, `{ event, if }`, `{ cron }`, or a name holding one.
    Single,
    /// A list of triggers, or a name holding one.
    List,
    /// The deprecated event-name string.
    EventName,
    /// A name or expression whose value the file does not show.
    Unknown,
    /// An object built with spreads, `{ ...(prod ? { cron } : { event }) }`: one
    /// trigger, if the call is Inngest's.
    SpreadObject,
    /// A conditional (`isProd ? { cron } : [ … ]`, inline or held in a `const`) of
    /// triggers and lists: one trigger or a list, which v4's `triggers` takes as is.
    OneOrList,
    /// A conditional with an event-name string on one side and not on the other: v4
    /// takes no string, and no single rewrite of it is right for both branches.
    ConditionalEventName,
    /// An object or value that no v3 trigger can be: not an Inngest call.
    NotATrigger,
}

fn trigger_kind(trigger: Node, tree: &Tree, source: &str) -> TriggerKind {
    let inner = unwrap_expression(trigger);
    match inner.kind_name() {
        "object" if is_trigger_object(inner, source) => TriggerKind::Single,
        "object" if is_spread_trigger_object(inner, source) => TriggerKind::SpreadObject,
        "array" => {
            let all = code_children(inner)
                .all(|e| is_trigger_object(unwrap_expression(e), source) || is_name(e));
            if all {
                TriggerKind::List
            } else {
                TriggerKind::NotATrigger
            }
        }
        "string" => TriggerKind::EventName,
        "ternary_expression" => {
            let branch =
                |field: &str| match inner.field(field).map(|b| trigger_kind(b, tree, source)) {
                    Some(TriggerKind::SpreadObject) => TriggerKind::Single,
                    Some(kind) => kind,
                    None => TriggerKind::NotATrigger,
                };
            match (branch("consequence"), branch("alternative")) {
                (TriggerKind::NotATrigger, _) | (_, TriggerKind::NotATrigger) => {
                    TriggerKind::NotATrigger
                }
                (a, b) if a == b => a,
                (TriggerKind::EventName | TriggerKind::ConditionalEventName, _)
                | (_, TriggerKind::EventName | TriggerKind::ConditionalEventName) => {
                    TriggerKind::ConditionalEventName
                }
                _ => TriggerKind::OneOrList,
            }
        }
        "identifier" => match top_level_const(tree, text(inner, source), source) {
            Some(value) => trigger_kind(value, tree, source),
            None => TriggerKind::Unknown,
        },
        "member_expression" | "call_expression" | "subscript_expression" => TriggerKind::Unknown,
        _ => TriggerKind::NotATrigger,
    }
}

fn is_name(node: Node) -> bool {
    matches!(
        unwrap_expression(node).kind_name(),
        "identifier" | "member_expression" | "call_expression"
    )
}

/// `{ event: … }`, `{ event, if: … }` or `{ cron: … }`: one of `event`/`cron`, and no
/// key that a trigger does not have.
fn is_trigger_object(object: Node, source: &str) -> bool {
    if object.kind_name() != "object" {
        return false;
    }
    let mut keys = Vec::new();
    for member in code_children(object) {
        let key = match member.kind_name() {
            "pair" => member.field("key").map(|k| text(k, source)),
            "shorthand_property_identifier" => Some(text(member, source)),
            _ => None,
        };
        match key.map(|k| k.trim_matches(|c| c == '"' || c == '\'')) {
            Some(k @ ("event" | "cron" | "if" | "expression")) => keys.push(k),
            _ => return false,
        }
    }
    keys.contains(&"event") || keys.contains(&"cron")
}

/// An object of spreads and trigger keys only, with at least one spread.
fn is_spread_trigger_object(object: Node, source: &str) -> bool {
    let mut spreads = 0;
    for member in code_children(object) {
        let key = match member.kind_name() {
            "spread_element" => {
                spreads += 1;
                continue;
            }
            "pair" => member.field("key").map(|k| text(k, source)),
            "shorthand_property_identifier" => Some(text(member, source)),
            _ => None,
        };
        let key = key.map(|k| k.trim_matches(|c| c == '"' || c == '\''));
        if !matches!(key, Some("event" | "cron" | "if" | "expression")) {
            return false;
        }
    }
    spreads > 0
}

/// The value of a top-level `const NAME = value` (exported or not).
fn top_level_const<'t>(tree: &'t Tree, name: &str, source: &str) -> Option<Node<'t>> {
    for statement in code_children(tree.root_node()) {
        let declaration = if statement.kind_name() == "export_statement" {
            statement.field("declaration")?
        } else {
            statement
        };
        if declaration.kind_name() != "lexical_declaration" {
            continue;
        }
        let is_const = declaration
            .child(0)
            .is_some_and(|k| k.kind_name() == "const");
        for declarator in code_children(declaration) {
            let named = declarator
                .field("name")
                .is_some_and(|n| n.kind_name() == "identifier" && text(n, source) == name);
            if named && is_const {
                return declarator.field("value");
            }
        }
    }
    None
}

/// The edits that turn a v3 call into the v4 form, or why it is left for a person.
pub fn plan(call: &V3Call, tree: &Tree, source: &str) -> Result<Vec<Edit>, String> {
    let options = unwrap_expression(call.options);
    if options.kind_name() == "object" && has_member(options, "triggers", source) {
        return Err("no automatic fix: the options already have `triggers`; \
                    merge the second argument into them by hand"
            .to_string());
    }
    if forwards_parameters(call, source) {
        return Err(
            "no automatic fix: the call forwards its enclosing function's parameters \
                    (a wrapper); give the wrapper the v4 signature `(options, handler)` by hand"
                .to_string(),
        );
    }
    if trigger_kind(call.trigger, tree, source) == TriggerKind::ConditionalEventName {
        return Err(
            "no automatic fix: the trigger is a conditional with an event-name string on one \
             side only; v4 takes no string: write that side as `{ event: \"…\" }`, then migrate"
                .to_string(),
        );
    }
    let carried = trailing_comments(call, source);
    let comment = carried.as_ref().map(|(text, _)| text.as_str());
    let (insertion, placed) = if call.options.kind_name() == "object" {
        insert_triggers(options, call.trigger, tree, source, comment)?
    } else {
        (replace_options(call, tree, source), false)
    };
    let removal = trigger_removal(
        call,
        source,
        carried.as_ref().map(|(text, end)| (text.as_str(), *end)),
        placed,
    )?;
    let mut edits = vec![insertion];
    edits.extend(removal);
    Ok(edits)
}

/// The value of the new `triggers` property, re-indented for `indent` (the
/// indentation of the line it lands on).
fn triggers_value(trigger: Node, tree: &Tree, source: &str, indent: &str) -> String {
    let original = line_indent(source, trigger.start_byte());
    let written = match indent.strip_prefix(original) {
        Some(delta) if !delta.is_empty() => crate::fix::edits::reindent(
            source,
            tree,
            trigger.start_byte(),
            trigger.end_byte(),
            delta,
        ),
        _ => text(trigger, source).to_string(),
    };
    match trigger_kind(trigger, tree, source) {
        TriggerKind::List => written,
        // v3 read an event name string as `{ event }`; v4 takes no string.
        TriggerKind::EventName => format!("[{{ event: {written} }}]"),
        TriggerKind::Single | TriggerKind::SpreadObject => format!("[{written}]"),
        // A name or expression: v4, like v3, accepts one trigger or a list.
        _ => written,
    }
}

/// The `triggers` property with `value`: the shorthand `triggers` when the value is a
/// variable of that name.
fn triggers_property(value: &str) -> String {
    if value == "triggers" {
        "triggers".to_string()
    } else {
        format!("triggers: {value}")
    }
}

/// Options that are not an object literal: `{ ...options, triggers }`, or for the
/// deprecated ID string, `{ id: "…", triggers }`.
fn replace_options(call: &V3Call, tree: &Tree, source: &str) -> Edit {
    let options = call.options;
    let indent = line_indent(source, options.start_byte());
    let value = triggers_value(call.trigger, tree, source, indent);
    let written = text(options, source);
    let property = triggers_property(&value);
    let replacement = if options.kind_name() == "string" {
        format!("{{ id: {written}, {property} }}")
    } else if matches!(
        options.kind_name(),
        "identifier" | "member_expression" | "call_expression" | "subscript_expression"
    ) {
        format!("{{ ...{written}, {property} }}")
    } else {
        format!("{{ ...({written}), {property} }}")
    };
    Edit {
        range: options.byte_range(),
        replacement,
    }
}

/// Add `triggers: …` to the options object: after `id` when another property follows
/// it, else last; on its own line when the object has one property a line.
///
/// `comment`, the trigger's trailing comment, ends the new line when `triggers` gets a
/// line of its own (the returned flag says so); else it stays for the caller to place.
fn insert_triggers(
    object: Node,
    trigger: Node,
    tree: &Tree,
    source: &str,
    comment: Option<&str>,
) -> Result<(Edit, bool), String> {
    let own_line_comment = comment.map(|c| format!(" {c}")).unwrap_or_default();
    let members: Vec<Node> = code_children(object).collect();
    let Some(&last) = members.last() else {
        if object.named_child_count() > 0 {
            return Err("no automatic fix: the options object holds only comments".to_string());
        }
        let value = triggers_value(
            trigger,
            tree,
            source,
            line_indent(source, object.start_byte()),
        );
        return Ok((
            Edit {
                range: object.byte_range(),
                replacement: format!("{{ {} }}", triggers_property(&value)),
            },
            false,
        ));
    };
    // After `id`, when a comma and another property follow it; a trigger written over
    // several lines goes last in a one-line object, so that the object ends with it.
    let one_line_object = !source[object.byte_range()].contains('\n');
    let multi_line_trigger = source[trigger.byte_range()].contains('\n');
    let after_id = pair(object, "id", source)
        .filter(|id| id.id() != last.id() && !(one_line_object && multi_line_trigger));
    if let Some(id) = after_id {
        if let Some(comma) = comma_after(id) {
            let rest_of_line = line_rest(source, comma.end_byte());
            let own_line = starts_line(source, id.start_byte())
                && (rest_of_line.trim().is_empty() || rest_of_line.trim_start().starts_with("//"));
            if own_line {
                let at = comma.end_byte() + rest_of_line.len();
                let eol = line_ending_at(source, comma.end_byte());
                let at = (at + eol.len()).min(source.len());
                let indent = line_indent(source, id.start_byte());
                let value = triggers_value(trigger, tree, source, indent);
                return Ok((
                    Edit {
                        range: at..at,
                        replacement: format!(
                            "{indent}{},{own_line_comment}{eol}",
                            triggers_property(&value)
                        ),
                    },
                    comment.is_some(),
                ));
            }
            let indent = line_indent(source, comma.end_byte());
            let value = triggers_value(trigger, tree, source, indent);
            return Ok((
                Edit {
                    range: comma.end_byte()..comma.end_byte(),
                    replacement: format!(" {},", triggers_property(&value)),
                },
                false,
            ));
        }
    }
    // Last.
    let trailing = comma_after(last);
    let close = object
        .child(object.child_count().saturating_sub(1))
        .filter(|c| c.kind_name() == "}")
        .ok_or_else(|| "no automatic fix: the options object did not parse cleanly".to_string())?;
    if starts_line(source, close.start_byte()) && starts_line(source, last.start_byte()) {
        let at = line_start(source, close.start_byte());
        let indent = line_indent(source, last.start_byte());
        let eol = line_ending_at(source, last.start_byte());
        let value = triggers_value(trigger, tree, source, indent);
        let comma = if trailing.is_some() { "," } else { "" };
        let line = format!(
            "{indent}{}{comma}{own_line_comment}{eol}",
            triggers_property(&value)
        );
        return Ok((
            match trailing {
                Some(_) => Edit {
                    range: at..at,
                    replacement: line,
                },
                // The last property gains a comma; the new line goes before the brace.
                // Both edits are one: the text between them is kept.
                None => Edit {
                    range: last.end_byte()..at,
                    replacement: format!(",{}{line}", &source[last.end_byte()..at]),
                },
            },
            comment.is_some(),
        ));
    }
    let indent = line_indent(source, last.end_byte());
    let value = triggers_value(trigger, tree, source, indent);
    Ok((
        match trailing {
            Some(comma) => Edit {
                range: comma.end_byte()..comma.end_byte(),
                replacement: format!(" {},", triggers_property(&value)),
            },
            None => Edit {
                range: last.end_byte()..last.end_byte(),
                replacement: format!(", {}", triggers_property(&value)),
            },
        },
        false,
    ))
}

/// The comma right after a node in its list, if there is one (comments between are
/// allowed).
fn comma_after(node: Node) -> Option<Node> {
    let mut next = node.next_sibling();
    while let Some(sibling) = next {
        match sibling.kind_name() {
            "," => return Some(sibling),
            "comment" => next = sibling.next_sibling(),
            _ => return None,
        }
    }
    None
}

/// The text from `at` to the end of its line (without the line ending).
fn line_rest(source: &str, at: usize) -> &str {
    let rest = &source[at..];
    let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
    rest[..end].strip_suffix('\r').unwrap_or(&rest[..end])
}

/// Delete the trigger argument with its comma, up to the handler (or a comment before
/// it, which stays).
fn trigger_removal(
    call: &V3Call,
    source: &str,
    carried: Option<(&str, usize)>,
    placed: bool,
) -> Result<Vec<Edit>, String> {
    let trigger = call.trigger;
    let comma = match trigger.next_sibling() {
        Some(sibling) if sibling.kind_name() == "," => sibling,
        Some(sibling) if sibling.kind_name() == "comment" => {
            return Err(
                "no automatic fix: a comment sits between the trigger and its comma; \
                        move the trigger into the options by hand"
                    .to_string(),
            )
        }
        _ => return Err("no automatic fix: the argument list did not parse cleanly".to_string()),
    };
    if let Some((text, end)) = carried {
        // The comments go with the trigger: into the `triggers` line (`placed`), else
        // to the end of the options' line.
        if let Some(options_comma) = comma_after(call.options) {
            return Ok(vec![Edit {
                range: options_comma.end_byte()..end,
                replacement: if placed {
                    String::new()
                } else {
                    format!(" {text}")
                },
            }]);
        }
    }
    let after = &source[comma.end_byte()..];
    let skipped = after.len() - after.trim_start().len();
    let end = comma.end_byte() + skipped;
    if end > call.handler.start_byte() {
        return Err("no automatic fix: the argument list did not parse cleanly".to_string());
    }
    Ok(vec![Edit {
        range: trigger.start_byte()..end,
        replacement: String::new(),
    }])
}

/// The comments after the trigger's comma that end the trigger's line (`{ event: "x" },
/// // fires on signup`): they describe the trigger, and move with it instead of
/// dangling above the handler. Their text, joined, and where the last one ends; `None`
/// when there are none, when a comment sits between the options and the trigger, or
/// when code follows them on the line.
fn trailing_comments(call: &V3Call, source: &str) -> Option<(String, usize)> {
    let trigger = call.trigger;
    let comma = trigger.next_sibling().filter(|c| c.kind_name() == ",")?;
    let mut comments = Vec::new();
    let mut next = comma.next_sibling();
    while let Some(comment) = next.filter(|n| n.kind_name() == "comment") {
        if source[comma.end_byte()..comment.start_byte()].contains('\n') {
            break;
        }
        comments.push(comment);
        next = comment.next_sibling();
    }
    let last = comments.last()?;
    let options_comma = comma_after(call.options)?;
    let nothing_before = source[options_comma.end_byte()..trigger.start_byte()]
        .trim()
        .is_empty();
    (nothing_before && line_rest(source, last.end_byte()).trim().is_empty()).then(|| {
        let texts: Vec<&str> = comments.iter().map(|c| text(*c, source)).collect();
        (texts.join(" "), last.end_byte())
    })
}

/// Whether the trigger is a parameter of a function around the call: the call is a
/// wrapper's body forwarding `(options, trigger, handler)`.
fn forwards_parameters(call: &V3Call, source: &str) -> bool {
    let trigger = unwrap_expression(call.trigger);
    if trigger.kind_name() != "identifier" {
        return false;
    }
    let name = text(trigger, source);
    let mut current = trigger.parent_node();
    while let Some(node) = current {
        if crate::analysis::is_function(node) {
            if let Some(parameters) = node.field("parameters") {
                let mut found = false;
                crate::analysis::for_each_descendant(parameters, |n| {
                    found |= n.kind_name() == "identifier" && text(n, source) == name;
                });
                if found {
                    return true;
                }
            }
        }
        current = node.parent_node();
    }
    false
}
