//! inngest-fix: find `return` statements of Inngest handlers that read handler
//! variables after steps, and rewrite them to build the value inside one last step.
//!
//! The pipeline, one module per stage:
//! walk ([`walk`]) → parse ([`language`]) → analyse ([`analysis`]) → rules ([`rules`],
//! which build their edits with [`fix`]) → per file: select, suppress, decide, apply and
//! verify ([`pipeline`]) → report ([`report`]) → render ([`printer`]) or write
//! ([`write`]), orchestrated by [`run`].
//!
//! The data that flows between them: a rule's [`diagnostic::Diagnostic`] (with its
//! [`fix::Fix`]), a [`Finding`] with its one [`Status`], a file's
//! [`report::FileReport`]. The layering (each module imports only from the ones before
//! it) is checked by `tests/layering.rs`.
//!
//! The library entry point is [`check_source`]: one file's text in, its findings and
//! fixed text out.

pub mod analysis;
pub mod app;
pub mod cache;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod explain;
pub mod fix;
pub mod interned;
pub mod language;
pub mod pipeline;
pub mod printer;
pub mod report;
pub mod rule;
pub mod rules;
pub mod run;
pub mod server;
pub mod settings;
pub mod suggest;
pub mod suppression;
pub mod walk;
pub mod write;

pub use diagnostic::{Finding, SourceRange, Status};
pub use language::Lang;
pub use pipeline::{check_source, check_source_accepting, FileOutcome};
pub use settings::Settings;

/// The cheap test that runs before any parse: only files that mention
/// `createFunction` can define an Inngest function.
pub fn prefilter(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"createFunction").is_some()
}
