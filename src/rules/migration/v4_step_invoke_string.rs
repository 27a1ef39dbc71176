//! Rule `v4-step-invoke-string`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Finds `step.invoke(id, { function: "app-id-function-id", … })`: a function to
//! invoke given as its full ID string. When the file creates its client with a literal
//! ID (`new Inngest({ id: "my-app" })`) and the string starts with that ID and a hyphen,
//! it rewrites the string to `referenceFunction({ appId: "my-app", functionId: "…" })`
//! and imports `referenceFunction` from `inngest`.
//!
//! ## Why is this bad?
//! Inngest v4 no longer accepts a string as the function to invoke: `step.invoke` throws
//! "Invalid invocation options passed to invoke; must include a function instance or
//! referenceFunction()".
//!
//! ## Example
//! ```ts
//! await step.invoke("charge", { function: "shop-charge-card", data: { orderId } });
//! ```
//! Use instead:
//! ```ts
//! await step.invoke("charge", {
//!   function: referenceFunction({ appId: "shop", functionId: "charge-card" }),
//!   data: { orderId },
//! });
//! ```
//! An imported function instance (`function: chargeCard`) is better still: it types
//! `data` and the result.
//!
//! ## Fix safety
//! Safe where it is offered (applied by `--write`; the import comes with the file's first
//! such fix, so keep that one when suppressing some): v4 invokes
//! `appId + "-" + functionId`, the same string v3 sent. It is offered only when the
//! split is known from the file's own client; any other string (a client created
//! elsewhere, a computed ID, a template with substitutions) is left for manual review:
//! the app ID cannot be told from the function ID inside one string.

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use crate::rules::FileContext;
use tree_sitter::{Node, Tree};

use super::{manual, pair, InngestImports};
use crate::analysis::functions::string_literal;
use crate::analysis::{code_children, for_each_descendant, text, unwrap_expression};
use crate::fix::style::line_ending_at;
use crate::fix::{Edit, Fix};
use crate::rules::{function_statement_start, Diagnostic, Remedy};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-step-invoke-string";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::Safe,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

const MESSAGE: &str = "inngest 4 does not invoke a function given as a string";

/// Report every `*.invoke(id, { function: "…" })` of the file.
pub fn check(file: &FileContext, out: &mut Vec<Diagnostic>) {
    let (tree, source) = (file.tree, file.source);
    if memchr::memmem::find(source.as_bytes(), b"invoke").is_none() {
        return;
    }
    let mut values = Vec::new();
    for_each_descendant(tree.root_node(), |node| {
        if let Some(value) = string_function(node, source) {
            values.push((node, value));
        }
    });
    if values.is_empty() {
        return;
    }
    let imports = InngestImports::of(tree, source);
    let client_ids = client_ids(tree, source, &imports);
    // The import goes with the first fix only: two fixes carrying the same edit would
    // overlap, and one import serves them all.
    let mut import_edit = referenceable_import(tree, source, &imports);
    for (call, value) in values {
        let written = text(value, source);
        let split = string_literal(value, source).and_then(|full| {
            client_ids.iter().find_map(|id| {
                let rest = full.strip_prefix(id.as_str())?.strip_prefix('-')?;
                (!rest.is_empty()).then(|| (id.clone(), rest.to_string()))
            })
        });
        let Some((app_id, function_id)) = split else {
            out.push(manual(
                NAME,
                value,
                MESSAGE.to_string(),
                "no automatic fix: the app ID is not known from this file; use \
                 `referenceFunction({ appId, functionId })` or pass the imported function"
                    .to_string(),
            ));
            continue;
        };
        let quote = written.chars().next().unwrap_or('"');
        let quote = if quote == '`' { '"' } else { quote };
        let mut edits = vec![Edit {
            range: value.byte_range(),
            replacement: format!(
                "referenceFunction({{ appId: {quote}{app_id}{quote}, functionId: \
                 {quote}{function_id}{quote} }})"
            ),
        }];
        edits.extend(import_edit.take());
        out.push(Diagnostic {
            rule: NAME,
            range: value.byte_range(),
            message: MESSAGE.to_string(),
            function_id: None,
            function_start: function_statement_start(call),
            remedy: Remedy::Fix(Fix::safe(edits)),
            related: Vec::new(),
        });
    }
}

/// The `function` value of `X.invoke(id, { function: "…" })`, when it is a string.
fn string_function<'t>(node: Node<'t>, source: &str) -> Option<Node<'t>> {
    if node.kind_name() != "call_expression" {
        return None;
    }
    let callee = node.field("function")?;
    if callee.kind_name() != "member_expression"
        || callee.field("property").map(|p| text(p, source)) != Some("invoke")
    {
        return None;
    }
    let arguments: Vec<Node> = code_children(node.field("arguments")?).collect();
    let options = unwrap_expression(*arguments.get(1)?);
    if options.kind_name() != "object" {
        return None;
    }
    let value = pair(options, "function", source)?.field("value")?;
    matches!(value.kind_name(), "string" | "template_string").then_some(value)
}

/// The literal IDs of the clients the file creates: `new Inngest({ id: "…" })`.
fn client_ids(tree: &Tree, source: &str, imports: &InngestImports) -> Vec<String> {
    let names: Vec<&str> = imports.local_names("Inngest").collect();
    let mut ids = Vec::new();
    for_each_descendant(tree.root_node(), |node| {
        if node.kind_name() != "new_expression"
            || !node
                .field("constructor")
                .is_some_and(|c| names.contains(&text(c, source)))
        {
            return;
        }
        let id = node
            .field("arguments")
            .and_then(|a| code_children(a).next())
            .map(unwrap_expression)
            .filter(|o| o.kind_name() == "object")
            .and_then(|o| pair(o, "id", source))
            .and_then(|p| p.field("value"))
            .and_then(|v| string_literal(v, source));
        ids.extend(id);
    });
    // The longest first: `shop-eu` wins over `shop` for "shop-eu-charge".
    ids.sort_by_key(|id| std::cmp::Reverse(id.len()));
    ids
}

/// The edit that imports `referenceFunction` from `inngest`, when the file does not yet:
/// added to an `import { … } from "inngest"` clause, else a new import after the last one.
fn referenceable_import(tree: &Tree, source: &str, imports: &InngestImports) -> Option<Edit> {
    if imports.local_names("referenceFunction").next().is_some() {
        return None;
    }
    let statements: Vec<Node> = code_children(tree.root_node())
        .filter(|s| s.kind_name() == "import_statement")
        .collect();
    for statement in &statements {
        let from_inngest = statement
            .field("source")
            .is_some_and(|s| matches!(text(s, source), "\"inngest\"" | "'inngest'"));
        let type_only = text(*statement, source).starts_with("import type");
        if !from_inngest || type_only {
            continue;
        }
        let mut named = None;
        for_each_descendant(*statement, |n| {
            if n.kind_name() == "named_imports" {
                named = Some(n);
            }
        });
        let last = named.and_then(|n| code_children(n).last());
        if let Some(last) = last {
            return Some(Edit {
                range: last.end_byte()..last.end_byte(),
                replacement: ", referenceFunction".to_string(),
            });
        }
    }
    let (at, before, after) = match statements.last() {
        Some(last) => (last.end_byte(), line_ending_at(source, last.end_byte()), ""),
        None => (0, "", line_ending_at(source, 0)),
    };
    let quote = if source.contains("from '") { '\'' } else { '"' };
    let semicolon = if statements
        .last()
        .is_none_or(|s| text(*s, source).ends_with(';'))
    {
        ";"
    } else {
        ""
    };
    Some(Edit {
        range: at..at,
        replacement: format!(
            "{before}import {{ referenceFunction }} from {quote}inngest{quote}{semicolon}{after}"
        ),
    })
}
