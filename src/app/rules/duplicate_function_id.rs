//! Rule `duplicate-function-id`.
//!
//! ## What it does
//! Reports two Inngest functions with the same ID in one app: the same client ID (the
//! `id` of `new Inngest({ id })`) and the same function `id`, in the files of the run.
//! The first definition (in path order) is the related location of each later one.
//!
//! The client of `inngest.createFunction` is followed to its `new Inngest(…)`, in the
//! same file or through imports (relative paths, `tsconfig.json` aliases, re-exports);
//! an imported client that cannot be followed belongs to the run's only app when there
//! is one; any other (a function parameter, a client built elsewhere) is not judged. The same function ID in two apps is two functions, and so is one in two packages
//! (the directories of two `package.json` files: an app and a stale copy of it, two
//! services of a monorepo), which are deployed apart. Test files (`*.test.ts`,
//! `*.spec.ts`, `__tests__/`) are left out: their functions run on a test engine, and
//! tests reuse one ID on purpose.
//!
//! ## Why is this bad?
//! The engine keys a function by its app and ID: when the app syncs, the later
//! registration replaces the earlier one, so one of the two handlers never runs, and
//! runs of one show under the other's history.
//!
//! ## Example
//! ```ts
//! // src/inngest/signup.ts
//! export const welcome = inngest.createFunction({ id: "send-email" }, …);
//! // src/inngest/billing.ts
//! export const receipt = inngest.createFunction({ id: "send-email" }, …);
//! ```
//! Give each function its own ID (`"send-welcome-email"`, `"send-receipt"`).
//!
//! ## Fix safety
//! No automatic fix: renaming an ID starts a new function in the engine (the old one's
//! history, and runs in flight, stay with the old ID).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::report;
use crate::app::{AppContext, AppDiagnostic, AppOptions, FunctionRef};
use crate::diagnostic::Related;
use crate::rule::{Files, FixTitle, Fixes, Group, Rule};

/// The rule, as the registry lists it ([`crate::rules::registry`]).
pub const RULE: Rule = Rule {
    name: "duplicate-function-id",
    group: Group::Default,
    fixes: Fixes::None,
    fix_title: FixTitle::GENERIC,
    file: file!(),
    files: Files::Functions,
};

/// Its name.
pub const NAME: &str = RULE.name;

pub fn check(context: &AppContext, _options: &AppOptions, out: &mut Vec<AppDiagnostic>) {
    let mut first: HashMap<(&str, &str, Option<PathBuf>), FunctionRef> = HashMap::new();
    let mut packages = Packages::default();
    for function in &context.functions {
        let (Some(app), Some(id)) = (function.app, function.function.id.as_deref()) else {
            continue;
        };
        let facts = &context.files[function.file];
        if is_test_file(&facts.path) {
            continue;
        }
        let package = packages.root_of(facts.canonical.as_deref().unwrap_or(&facts.path));
        let key = (app, id, package);
        let Some(earlier) = first.get(&key) else {
            first.insert(key, *function);
            continue;
        };
        let other = &context.files[earlier.file];
        let line = other.line(earlier.function.id_range.start);
        let related = if earlier.file == function.file {
            vec![Related {
                range: earlier.function.id_range.clone(),
                message: "first defined here".to_string(),
            }]
        } else {
            Vec::new()
        };
        out.push(report(
            function.file,
            NAME,
            function.function.id_range.clone(),
            format!(
                "function ID `{id}` is already used in app `{app}` ({}:{line}): the later \
                 registration replaces the earlier one when the app syncs",
                other.display_path
            ),
            function.function.statement_start,
            Some(id.to_string()),
            related,
        ));
    }
}

/// The package a file belongs to: the directory of the nearest `package.json` above it.
/// Two packages are two deployments (an app and a stale copy of it, two services of a
/// monorepo), so one function ID in both is not judged a duplicate.
#[derive(Default)]
struct Packages {
    roots: HashMap<PathBuf, Option<PathBuf>>,
}

impl Packages {
    fn root_of(&mut self, file: &Path) -> Option<PathBuf> {
        let dir = file.parent()?.to_path_buf();
        if let Some(root) = self.roots.get(&dir) {
            return root.clone();
        }
        let root = dir
            .ancestors()
            .find(|d| d.join("package.json").is_file())
            .map(Path::to_path_buf);
        self.roots.insert(dir, root.clone());
        root
    }
}

/// A test file (`*.test.ts`, `*.spec.ts`, under `__tests__/`): its functions are built for
/// a test engine, not registered with the app, and tests reuse one ID on purpose.
fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let mut parts = name.split('.');
    parts.next();
    let test_name = parts.any(|part| part == "test" || part == "spec");
    test_name
        || path
            .components()
            .any(|c| matches!(c.as_os_str().to_str(), Some("__tests__" | "__mocks__")))
}
