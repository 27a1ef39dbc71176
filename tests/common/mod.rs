//! Helpers shared by the CLI test files (`mod common;` in each): the binary with a
//! predictable environment, a demo handler, and file writing.
// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;

/// A handler with one unsafe trailing return (fixable).
pub const DEMO: &str = r#"import { inngest } from "./client";
export const fn = inngest.createFunction(
  { id: "demo" },
  { event: "demo/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return { a, id: event.data.id };
  },
);
"#;

/// The binary, run in `dir`, without colours and without the environment that changes
/// its output (`NO_COLOR`, `CI`).
pub fn inngest_fix(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_inngest-fix"));
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .arg("--color=never");
    cmd
}

/// Write `contents` to `dir/path`, creating the directories on the way.
pub fn write(dir: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, contents).unwrap();
}

/// The stdout of a run, as text.
pub fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}
