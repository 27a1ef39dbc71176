#!/usr/bin/env node
// The `inngest-fix` command of the npm package: find the native binary that the
// platform's package (`@inngest-fix/<platform>-<arch>`, an optional dependency that
// npm installs only on its own `os` and `cpu`) holds, and run it with our arguments,
// standard streams and exit code. `INNGEST_FIX_BINARY` names another binary to run.
"use strict";

const { spawnSync } = require("node:child_process");

function binaryPath() {
  if (process.env.INNGEST_FIX_BINARY) {
    return process.env.INNGEST_FIX_BINARY;
  }
  const platform = `${process.platform}-${process.arch}`;
  const name = process.platform === "win32" ? "inngest-fix.exe" : "inngest-fix";
  const pkg = `@inngest-fix/${platform}`;
  try {
    return require.resolve(`${pkg}/bin/${name}`);
  } catch {
    process.stderr.write(
      `inngest-fix: no binary for this platform (${platform}): the package ${pkg} is not ` +
        "installed.\nIt is an optional dependency of inngest-fix: reinstall without " +
        "--omit=optional / --no-optional, or, if there is no such package for your " +
        "platform, build inngest-fix with cargo and set INNGEST_FIX_BINARY to its path.\n",
    );
    process.exit(2);
  }
}

const result = spawnSync(binaryPath(), process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  process.stderr.write(`inngest-fix: could not run the binary: ${result.error.message}\n`);
  process.exit(2);
}
if (result.signal) {
  // Die of the same signal, so that the shell sees what the binary saw.
  process.kill(process.pid, result.signal);
}
process.exit(result.status ?? 2);
