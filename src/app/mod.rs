//! The whole app at once: rules that read every file of the run together, and the event
//! graph (`inngest-fix graph`).
//!
//! Stages, one module each: [`facts`] reads one file's app facts (clients, functions,
//! triggers, sends, invokes, sleeps; in the walker threads), [`AppContext`] joins them
//! (which client, hence which app, each function belongs to, across imports), [`rules`]
//! holds one file per app-wide rule, [`cron`] and [`duration`] parse the values the way
//! the Inngest engine does, [`graph`] draws the event flow.
//!
//! Owns: joining files into apps and running the app rules. Does not own: the per-file
//! rules ([`crate::rules`]), turning diagnostics into findings
//! ([`crate::pipeline::app_findings`]), walking or printing.

pub mod cron;
pub mod duration;
pub mod facts;
pub mod graph;
pub mod rules;

use std::path::Path;

use crate::analysis::imports::Imported;
use crate::diagnostic::Diagnostic;
use crate::settings::RuleSet;
use facts::{FileFacts, Function};

/// A diagnostic of an app rule, and the file (index into the run's facts) it is in.
#[derive(Debug, Clone)]
pub struct AppDiagnostic {
    pub file: usize,
    pub diagnostic: Diagnostic,
}

/// What the app rules may be configured with.
#[derive(Debug, Clone, Copy)]
pub struct AppOptions {
    /// `sleep-duration`: a sleep or wait longer than this many seconds is reported as
    /// suspiciously long (default 180 days; config `app.long-sleep`).
    pub long_sleep_seconds: u64,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            long_sleep_seconds: 180 * 24 * 3600,
        }
    }
}

/// One function of the run, where it is, and the app (client ID) it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct FunctionRef<'a> {
    pub file: usize,
    pub index: usize,
    pub function: &'a Function,
    /// The client's ID: the app the function is synced with. `None` when it cannot be told.
    pub app: Option<&'a str>,
}

/// Every file's facts, joined.
pub struct AppContext<'a> {
    pub files: &'a [FileFacts],
    pub functions: Vec<FunctionRef<'a>>,
}

impl<'a> AppContext<'a> {
    /// Join the facts of the run's files.
    pub fn new(files: &'a [FileFacts]) -> AppContext<'a> {
        let mut ids: Vec<&str> = files
            .iter()
            .flat_map(|f| f.clients.iter().filter_map(|c| c.id.as_deref()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        // An imported receiver that cannot be followed to its client (a re-export chain,
        // a file outside the run) belongs to the only app of the run, when there is one.
        let only = (ids.len() == 1).then(|| ids[0]);
        let mut functions = Vec::new();
        for (file, facts) in files.iter().enumerate() {
            for (index, function) in facts.functions.iter().enumerate() {
                // Only an imported receiver falls back to the only app: a parameter
                // (`function make(inngest) { inngest.createFunction(…) }`) may be any client.
                let imported = function
                    .client
                    .as_deref()
                    .is_some_and(|name| facts.imports.iter().any(|i| i.local == name));
                let app = function
                    .client
                    .as_deref()
                    .and_then(|name| client_id(files, file, name, 0))
                    .or(only.filter(|_| imported));
                functions.push(FunctionRef {
                    file,
                    index,
                    function,
                    app,
                });
            }
        }
        AppContext { files, functions }
    }

    /// The function a name of `file` refers to (a function of the file, or one imported).
    pub fn function_named(&self, file: usize, name: &str) -> Option<FunctionRef<'a>> {
        let (target, local) = follow(self.files, file, name, 0)?;
        self.functions
            .iter()
            .find(|f| f.file == target && f.function.variable.as_deref() == Some(local.as_str()))
            .copied()
    }

    /// The functions with this ID.
    pub fn functions_with_id(&self, id: &str) -> impl Iterator<Item = &FunctionRef<'a>> {
        let id = id.to_string();
        self.functions
            .iter()
            .filter(move |f| f.function.id.as_deref() == Some(id.as_str()))
    }
}

/// The file and local name that `name`, used in `file`, is defined as: itself when the
/// file defines it, else through its import (up to a few re-exports).
fn follow(files: &[FileFacts], file: usize, name: &str, depth: usize) -> Option<(usize, String)> {
    let facts = &files[file];
    let defined = facts
        .clients
        .iter()
        .any(|c| c.variable.as_deref() == Some(name))
        || facts
            .functions
            .iter()
            .any(|f| f.variable.as_deref() == Some(name));
    if defined {
        return Some((file, name.to_string()));
    }
    if depth > 4 {
        return None;
    }
    let import = facts.imports.iter().rev().find(|i| i.local == name)?;
    let path = import.file.as_deref()?;
    let target = file_at(files, path)?;
    match &import.imported {
        Imported::Named(exported) => {
            let local = files[target]
                .exports
                .get(exported)
                .cloned()
                .unwrap_or_else(|| exported.clone());
            follow(files, target, &local, depth + 1)
        }
        Imported::Default => {
            let facts = &files[target];
            facts
                .clients
                .iter()
                .find(|c| c.is_default_export)
                .and_then(|c| c.variable.clone())
                .map(|v| (target, v))
        }
        Imported::Namespace => None,
    }
}

fn file_at(files: &[FileFacts], path: &Path) -> Option<usize> {
    files
        .iter()
        .position(|f| f.canonical.as_deref() == Some(path) || f.path == path)
}

/// The ID of the client `name` of `file` names.
fn client_id<'a>(files: &'a [FileFacts], file: usize, name: &str, depth: usize) -> Option<&'a str> {
    if let Some(client) = files[file]
        .clients
        .iter()
        .find(|c| c.variable.as_deref() == Some(name))
    {
        return client.id.as_deref();
    }
    let facts = &files[file];
    let import = facts.imports.iter().rev().find(|i| i.local == name)?;
    let target = file_at(files, import.file.as_deref()?)?;
    match &import.imported {
        Imported::Default => files[target]
            .clients
            .iter()
            .find(|c| c.is_default_export)
            .and_then(|c| c.id.as_deref()),
        Imported::Named(exported) if depth < 4 => {
            let local = files[target]
                .exports
                .get(exported)
                .cloned()
                .unwrap_or_else(|| exported.clone());
            client_id(files, target, &local, depth + 1)
        }
        _ => None,
    }
}

/// Run every app rule over the joined facts (each file's settings select among the
/// findings afterwards: [`crate::pipeline::app_findings`]).
pub fn check(files: &[FileFacts], options: &AppOptions) -> Vec<AppDiagnostic> {
    let context = AppContext::new(files);
    let mut out = Vec::new();
    for (_, check) in rules::ALL {
        check(&context, options, &mut out);
    }
    out.sort_by_key(|d| (d.file, d.diagnostic.range.start));
    out
}

/// Whether any app rule runs under `rule_set` (the app stage is skipped otherwise).
pub fn any_enabled(rule_set: RuleSet) -> bool {
    rules::ALL.iter().any(|(rule, _)| rule_set.enabled(rule))
}
