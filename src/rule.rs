//! What a rule is: its name, group, what its fix does, and its documentation. Each rule
//! declares one [`Rule`] as `pub const RULE` beside its code; [`crate::rules::registry`]
//! lists them, and everything that names, selects, documents or titles a rule reads it
//! from there (`--list-rules`, `--explain`, `--select`/`--ignore`, SARIF's rule table, the
//! language server's code actions, the text printer's help lines).
//!
//! Owns: the [`Rule`] type and the documentation of each rule source file, taken at
//! build time from its leading `//!` comment (`build.rs`), with the helpers that read
//! its sections. Does not own: the list of rules, or running them
//! ([`crate::rules::registry`]); which rules a run selects ([`crate::settings`]).

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// One rule, as declared next to its code.
#[derive(Debug)]
pub struct Rule {
    /// Its name, as `--select`, suppression comments and the output spell it.
    pub name: &'static str,
    /// Whether a default run checks it, and which preset selects it.
    pub group: Group,
    /// Whether its findings come with a fix, and of what applicability.
    pub fixes: Fixes,
    /// What its fix does, in the words of the help line and the code action.
    pub fix_title: FixTitle,
    /// The source file that declares it (`file!()`): its leading `//!` comment is the
    /// rule's documentation.
    pub file: &'static str,
    /// Which files it needs parsed.
    pub files: Files,
}

impl Rule {
    /// The documentation: Markdown with the sections *What it does*, *Why is this bad?*,
    /// *Example* and *Fix safety*, the first line `Rule `name`.`.
    pub fn doc(&self) -> &'static str {
        RULE_DOCS
            .iter()
            .find(|(file, _)| *file == self.file)
            .map_or("", |(_, doc)| *doc)
    }

    /// The first sentence of *What it does*.
    pub fn summary(&self) -> String {
        summary(self.doc())
    }

    /// Checked only when selected by name (or by its preset): not by default, not by
    /// `ALL`.
    pub fn is_opt_in(&self) -> bool {
        self.group != Group::Default
    }
}

/// Which runs check a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Every run, unless `--ignore`d.
    Default,
    /// Only when selected by its own name.
    OptIn,
    /// A rule of the v3 → v4 migration: opt-in, also selected by the preset
    /// [`MIGRATION_PRESET`] (`--select v4`).
    Migration,
}

/// The preset that selects every [`Group::Migration`] rule (`--select v4`).
pub const MIGRATION_PRESET: &str = "v4";

/// Whether a rule's findings come with a fix (ruff's fix availability together with the
/// applicability its fixes have).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    /// Never: a person decides.
    None,
    /// Fixes that `--write` applies (or, for a return not in tail position,
    /// `--all-returns`).
    Safe,
    /// Some or all of its fixes need review (`--unsafe-fixes`).
    NeedsReview,
}

/// What a rule's fix does, in three forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixTitle {
    /// The code action's title: "Wrap the return in a final step".
    pub action: &'static str,
    /// After "`--write`" in a help line: "wraps it in a final step".
    pub does: &'static str,
    /// After "fixed:" once applied: "wrapped in a final step".
    pub done: &'static str,
}

impl FixTitle {
    /// The fix of a dropped promise (`unawaited-step`, `unawaited-send`).
    pub const ADD_AWAIT: FixTitle = FixTitle {
        action: "Add `await`",
        does: "adds the missing `await`",
        done: "the missing `await` added",
    };

    /// The words for a fix that needs none of its own.
    pub const GENERIC: FixTitle = FixTitle {
        action: "Apply the fix",
        does: "applies its fix",
        done: "its fix applied",
    };
}

/// The files a rule needs parsed: the cheap prefilter skips the others unread.
#[derive(Debug, Clone, Copy)]
pub enum Files {
    /// Files that define Inngest functions (they mention `createFunction`, or a
    /// configured wrapper).
    Functions,
    /// Also files that only import `inngest` (`serve(…)`, the client, event schemas).
    ImportingInngest,
    /// Also files that only import `inngest`, and files whose bytes pass this test.
    ImportingInngestOr(fn(&[u8]) -> bool),
}

/// The text of one `## Heading` section of a rule's documentation, trimmed.
pub fn section(doc: &'static str, heading: &str) -> Option<&'static str> {
    let marker = format!("## {heading}\n");
    let start = doc.find(&marker)? + marker.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// The first sentence of *What it does*: a one-line summary.
pub fn summary(doc: &'static str) -> String {
    let what = section(doc, "What it does").unwrap_or("");
    let paragraph = what.split("\n\n").next().unwrap_or("");
    let joined = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.find(". ") {
        Some(end) => joined[..=end].to_string(),
        None => joined,
    }
}
