//! The v4 migration on a small multi-file app (`--select v4`): the dependencies of its
//! `package.json`, a client registering a v3-era middleware package, a deep import, a
//! `serve` with `streaming: "allow"`, and two Deno functions whose `inngest` is 3.x (a URL,
//! and an import map): what is rewritten, what is left, and the plan a person follows.

mod common;

use std::fs;
use std::path::Path;

use common::{inngest_fix, write};

const PACKAGE_JSON: &str = r#"{
  "name": "shop",
  "dependencies": {
    "@inngest/middleware-sentry": "^0.1.1",
    "@inngest/realtime": "^0.3.0",
    "inngest": "^3.16.0"
  },
  "devDependencies": {
    "@inngest/test": "0.1.6",
    "typescript": "~5.7.2"
  }
}
"#;

const CLIENT: &str = r#"import { sentryMiddleware } from "@inngest/middleware-sentry";
import { Inngest } from "inngest";

export const inngest = new Inngest({ id: "shop", middleware: [sentryMiddleware()] });
"#;

const FUNCTION: &str = r#"import { Logger } from "inngest/middleware/logger";
import { inngest } from "./client";

export const sync = inngest.createFunction(
  { id: "sync" },
  { event: "shop/sync" },
  async ({ step, logger }: { step: any; logger: Logger }) => {
    await step.run("load", () => 1);
  },
);
"#;

const ROUTE: &str = r#"import { serve } from "inngest/next";
import { inngest } from "./inngest/client";
import { sync } from "./inngest/sync";

export const { GET, POST, PUT } = serve({ client: inngest, functions: [sync], streaming: "allow" });
"#;

const EDGE_URL: &str = r#"import { Inngest } from "https://esm.sh/inngest@3.16.1";
import { createSync } from "./functions.ts";

const inngest = new Inngest({ id: "edge" });
export const hook = inngest.createFunction({ id: "hook" }, { event: "edge/hook" }, async () => 1);
export const sync = createSync(inngest);
"#;

/// No `inngest` import: its function runs on the client `index.ts` hands it (3.16.1).
const EDGE_HANDED: &str = r#"export function createSync(inngest: any) {
  return inngest.createFunction({ id: "sync" }, { event: "edge/sync" }, async () => 2);
}
"#;

const EDGE_MAPPED: &str = r#"import { Inngest } from "inngest";

const inngest = new Inngest({ id: "mapped" });
export const hook = inngest.createFunction({ id: "mapped" }, { event: "edge/m" }, async () => 1);
"#;

fn app(dir: &Path) {
    fs::create_dir_all(dir.join(".git")).unwrap();
    write(dir, "package.json", PACKAGE_JSON);
    write(dir, "src/inngest/client.ts", CLIENT);
    write(dir, "src/inngest/sync.ts", FUNCTION);
    write(dir, "src/route.ts", ROUTE);
    write(dir, "supabase/functions/hook/index.ts", EDGE_URL);
    write(dir, "supabase/functions/hook/functions.ts", EDGE_HANDED);
    write(
        dir,
        "supabase/functions/deno.json",
        r#"{ "imports": { "inngest": "npm:inngest@3.40.0" } }"#,
    );
    write(dir, "supabase/functions/mapped/index.ts", EDGE_MAPPED);
}

fn run(dir: &Path, args: &[&str]) -> (String, String) {
    let output = inngest_fix(dir)
        .args(["--select", "v4", "--format", "concise"])
        .args(args)
        .arg(".")
        .output()
        .unwrap();
    let text = |bytes: Vec<u8>| {
        let text = String::from_utf8(bytes).unwrap();
        // The summary's timing varies.
        text.lines()
            .map(|l| match l.find(" in ") {
                Some(at) if l.starts_with("Scanned") => {
                    let rest = &l[at + 4..];
                    let after = rest.find(':').map_or("", |c| &rest[c..]);
                    format!("{} in [time]{after}", &l[..at])
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    (text(output.stdout), text(output.stderr))
}

#[test]
fn the_plan_of_a_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let (diff, findings) = run(dir.path(), &["--dry-run"]);
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("migration_app_dry_run", format!("{diff}\n=== stderr\n{findings}"));
    });
}

#[test]
fn write_bumps_the_dependencies_and_leaves_the_deno_files() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    run(dir.path(), &["--write"]);
    let read = |path: &str| fs::read_to_string(dir.path().join(path)).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&read("package.json")).unwrap();
    assert_eq!(manifest["dependencies"]["inngest"], "^4.24.0");
    assert_eq!(
        manifest["dependencies"]["@inngest/middleware-sentry"],
        "^1.0.0"
    );
    // No release for v4: left as it is, for a person.
    assert_eq!(manifest["dependencies"]["@inngest/realtime"], "^0.3.0");
    assert_eq!(manifest["devDependencies"]["@inngest/test"], "1.0.0");
    assert_eq!(manifest["devDependencies"]["typescript"], "~5.8.0");
    assert!(read("src/inngest/sync.ts").starts_with("import { Logger } from \"inngest\";"));
    assert!(read("src/inngest/sync.ts").contains("triggers: [{ event: \"shop/sync\" }]"));
    // The 3.x SDKs of the Deno functions keep their v3 calls.
    assert_eq!(read("supabase/functions/hook/index.ts"), EDGE_URL);
    assert_eq!(read("supabase/functions/hook/functions.ts"), EDGE_HANDED);
    assert_eq!(read("supabase/functions/mapped/index.ts"), EDGE_MAPPED);
    // A second run has nothing more to write; the middleware package is now for v4.
    let (diff, findings) = run(dir.path(), &["--dry-run"]);
    assert_eq!(diff, "");
    assert!(!findings.contains("v4-middleware-package"), "{findings}");
    assert!(!findings.contains("v4-create-function"), "{findings}");
}

#[test]
fn package_json_is_not_read_without_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let output = inngest_fix(dir.path())
        .args(["--format", "concise", "--check", "."])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains("package.json"), "{stdout}");
}
