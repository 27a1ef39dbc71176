//! Rule `v4-dependencies`. A migration rule for Inngest v4, opt-in: `--select v4`.
//!
//! ## What it does
//! Reads the dependency sections of a `package.json` that declares `inngest` or an
//! `@inngest/*` package, and reports each version that inngest 4 needs changed:
//! - `inngest` itself, when its range does not admit 4.x;
//! - `@inngest/middleware-sentry` below 1.0.0, `@inngest/middleware-encryption` below
//!   2.0.0, `@inngest/test` below 1.0.0: their releases for inngest 4;
//! - `@inngest/middleware-validation` (no release for inngest 4) and `@inngest/realtime`
//!   (moved into `inngest` as `inngest/realtime` and `inngest/react`);
//! - `typescript` below 5.8, in a manifest that declares `inngest`: inngest 4 declares the
//!   peer dependency `typescript >=5.8.0`.
//!
//! ## Why is this bad?
//! The code rewritten by the other v4 rules only runs on inngest 4, and the packages
//! around it must move with it. Middleware packages written for v3 still load on v4 but
//! break its types (every step result through them becomes `unknown` or `{}`); an older
//! TypeScript makes `npm install` fail with ERESOLVE.
//!
//! ## Example
//! ```json
//! { "dependencies": { "inngest": "^3.16.0", "@inngest/middleware-sentry": "^0.1.1" } }
//! ```
//! Use instead:
//! ```json
//! { "dependencies": { "inngest": "^4.24.0", "@inngest/middleware-sentry": "^1.0.0" } }
//! ```
//!
//! ## Fix safety
//! A range of a simple shape (`^3.16.0`, `~5.7.2`, `3.54.2`) is rewritten to the same
//! shape at the version to move to; that is safe (applied by `--write`). The tool never
//! installs: run your package manager afterwards so that the lockfile follows. Other
//! ranges (`>=3 <4`, tags, `workspace:`), packages without a v4 release and packages
//! that moved into `inngest` are reported with what to do.

use crate::rule::{Files, FixTitle, Fixes, Group, Rule};
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::packages::{
    self, first_major, SimpleRange, V4Support, INNGEST_TARGET, SECTIONS, TYPESCRIPT_MINIMUM,
};
use crate::fix::{Edit, Fix};
use crate::rules::{Diagnostic, Remedy};

/// The rule's name, as users write it in suppressions and `--select`.
pub const NAME: &str = "v4-dependencies";

/// The rule, as the registry lists it.
pub const RULE: Rule = Rule {
    name: NAME,
    group: Group::Migration,
    fixes: Fixes::Safe,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::ImportingInngest,
};

/// One `"name": "range"` of a dependency section.
struct Dependency<'t> {
    name: String,
    range: String,
    /// The value's string node, quotes included.
    value: Node<'t>,
}

/// Report the dependencies of one `package.json`.
pub fn check(tree: &Tree, source: &str, out: &mut Vec<Diagnostic>) {
    let dependencies = dependencies(tree, source);
    let declares_inngest = dependencies.iter().any(|d| d.name == "inngest");
    for dependency in &dependencies {
        let finding = match dependency.name.as_str() {
            "inngest" => inngest(&dependency.range),
            "typescript" if declares_inngest => typescript(&dependency.range),
            name => {
                packages::companion(name).and_then(|c| companion(c.name, c.v4, &dependency.range))
            }
        };
        if let Some(finding) = finding {
            out.push(diagnostic(dependency, finding));
        }
    }
}

/// What to say about one dependency, and the range to write when it is safe.
struct Finding {
    message: String,
    /// The new range (safe), or why a person must look.
    remedy: Result<String, String>,
}

fn inngest(range: &str) -> Option<Finding> {
    let moved = |new: String| Finding {
        message: format!(
            "`inngest` {range} does not admit inngest 4: the migrated code needs {new} \
             (then run your package manager's install: inngest-fix installs nothing)"
        ),
        remedy: Ok(new),
    };
    if let Some(simple) = SimpleRange::parse(range) {
        return (simple.lowest.0 < 4).then(|| moved(simple.moved_to(INNGEST_TARGET)));
    }
    (first_major(range)? < 4).then(|| Finding {
        message: format!("`inngest` {range} does not admit inngest 4"),
        remedy: Err(format!(
            "write a range of inngest 4, such as ^{INNGEST_TARGET}, then install"
        )),
    })
}

fn typescript(range: &str) -> Option<Finding> {
    let (major, minor) = TYPESCRIPT_MINIMUM;
    let minimum = format!("{major}.{minor}.0");
    let too_old = |lowest: (u64, u64, u64)| (lowest.0, lowest.1) < (major, minor);
    if let Some(simple) = SimpleRange::parse(range) {
        return too_old(simple.lowest).then(|| {
            let new = simple.moved_to(&minimum);
            Finding {
                message: format!(
                    "`typescript` {range} admits versions below {minimum}, the peer dependency \
                     of inngest 4 (`npm install` fails with ERESOLVE on an older one): {new}; \
                     a package whose own peer range stops below {minimum} (typescript-eslint \
                     8.24) must move too, as the ERESOLVE report names it"
                ),
                remedy: Ok(new),
            }
        });
    }
    (first_major(range)? < major).then(|| Finding {
        message: format!("`typescript` {range} is older than {minimum}, which inngest 4 needs"),
        remedy: Err(format!("write a range from {minimum}, then install")),
    })
}

fn companion(name: &str, support: V4Support, range: &str) -> Option<Finding> {
    match support {
        V4Support::From(version) => {
            let first = SimpleRange::parse(version)?.lowest;
            if let Some(simple) = SimpleRange::parse(range) {
                let admits = simple.lowest.0 >= first.0;
                return (!admits).then(|| {
                    let new = simple.moved_to(version);
                    Finding {
                        message: format!(
                            "`{name}` {range} is written for inngest 3; {version} is its \
                             release for inngest 4: {new}"
                        ),
                        remedy: Ok(new),
                    }
                });
            }
            (first_major(range)? < first.0).then(|| Finding {
                message: format!("`{name}` {range} is written for inngest 3"),
                remedy: Err(format!(
                    "write a range from {version}, its release for inngest 4"
                )),
            })
        }
        V4Support::None(advice) => Some(Finding {
            message: format!("`{name}` does not work with inngest 4"),
            remedy: Err(advice.to_string()),
        }),
        V4Support::Moved(advice) => Some(Finding {
            message: format!("`{name}` moved into `inngest` in v4"),
            remedy: Err(advice.to_string()),
        }),
    }
}

fn diagnostic(dependency: &Dependency, finding: Finding) -> Diagnostic {
    let range = dependency.value.byte_range();
    let remedy = match finding.remedy {
        Ok(new) => Remedy::Fix(Fix::safe(vec![Edit {
            range: inside_quotes(&range),
            replacement: new,
        }])),
        Err(reason) => Remedy::Manual(reason),
    };
    Diagnostic {
        rule: NAME,
        range: range.clone(),
        message: finding.message,
        function_id: None,
        function_start: range.start,
        remedy,
        related: Vec::new(),
    }
}

fn inside_quotes(range: &Range<usize>) -> Range<usize> {
    range.start + 1..range.end - 1
}

/// Every `"name": "range"` of the manifest's dependency sections, in source order.
/// (A JSON tree: node kinds are tree-sitter-json's, read with `kind()`.)
fn dependencies<'t>(tree: &'t Tree, source: &str) -> Vec<Dependency<'t>> {
    let mut found = Vec::new();
    let Some(root) = named_children(tree.root_node()).find(|n| n.kind() == "object") else {
        return found;
    };
    for section in named_children(root).filter(|n| n.kind() == "pair") {
        let is_section = section
            .child_by_field_name("key")
            .and_then(|key| string_value(key, source))
            .is_some_and(|key| SECTIONS.contains(&key.as_str()));
        let Some(object) = section
            .child_by_field_name("value")
            .filter(|v| is_section && v.kind() == "object")
        else {
            continue;
        };
        for pair in named_children(object).filter(|n| n.kind() == "pair") {
            let name = pair
                .child_by_field_name("key")
                .and_then(|k| string_value(k, source));
            let value = pair
                .child_by_field_name("value")
                .filter(|v| v.kind() == "string");
            if let (Some(name), Some(value)) = (name, value) {
                if let Some(range) = string_value(value, source) {
                    found.push(Dependency { name, range, value });
                }
            }
        }
    }
    found
}

fn named_children(node: Node) -> impl Iterator<Item = Node> {
    (0..node.named_child_count()).filter_map(move |i| node.named_child(i))
}

/// The text of a JSON string node without its quotes; `None` when it has escapes (no
/// package name or simple range has any).
fn string_value(node: Node, source: &str) -> Option<String> {
    if node.kind() != "string" || node.has_error() {
        return None;
    }
    let text = source.get(node.byte_range())?;
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then(|| inner.to_string())
}
