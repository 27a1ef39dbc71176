#!/usr/bin/env node
// Lay out the npm packages for one platform, ready for `npm pack` or `npm publish`:
//
//   node npm/build.js [--platform linux-x64] [--binary target/release/inngest-fix] [--out npm/dist]
//
// writes OUT/<platform>/ (the package `@inngest-fix/<platform>`: package.json with its
// `os` and `cpu`, and bin/inngest-fix holding the binary) and OUT/inngest-fix/ (the
// launcher). Both get the version of Cargo.toml, which the launcher's
// optionalDependencies must name; a binary that runs here must say that version too.
// The platform defaults to this machine's, the binary to the release build.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");

function parseArgs(argv) {
  const args = {
    platform: `${process.platform}-${process.arch}`,
    binary: path.join(root, "target", "release", "inngest-fix"),
    out: path.join(root, "npm", "dist"),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in args) || argv[i + 1] === undefined) {
      fail(`usage: node npm/build.js [--platform P] [--binary PATH] [--out DIR] (got ${argv[i]})`);
    }
    args[key] = argv[i + 1];
  }
  return args;
}

function fail(message) {
  process.stderr.write(`npm/build.js: ${message}\n`);
  process.exit(2);
}

function cargoVersion() {
  const manifest = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8");
  const match = /^\[package\][^[]*?^version = "([^"]+)"/m.exec(manifest);
  if (!match) fail("no version in Cargo.toml's [package]");
  return match[1];
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const platforms = JSON.parse(fs.readFileSync(path.join(__dirname, "platforms.json"), "utf8"));
  const platform = platforms[args.platform];
  if (!platform) fail(`unknown platform ${args.platform}; known: ${Object.keys(platforms).join(", ")}`);
  const version = cargoVersion();
  const launcher = JSON.parse(fs.readFileSync(path.join(__dirname, "inngest-fix", "package.json"), "utf8"));
  // The launcher's list of platform packages is platforms.json, at our version.
  const expected = Object.keys(platforms).map((p) => `@inngest-fix/${p}@${version}`).sort();
  const listed = Object.entries(launcher.optionalDependencies).map(([n, v]) => `${n}@${v}`).sort();
  if (JSON.stringify(expected) !== JSON.stringify(listed) || launcher.version !== version) {
    fail(
      `npm/inngest-fix/package.json is out of step with Cargo.toml (${version}) or ` +
        `npm/platforms.json: expected optionalDependencies ${expected.join(" ")}, found ${listed.join(" ")}`,
    );
  }
  if (!fs.existsSync(args.binary)) fail(`no binary at ${args.binary} (build it with cargo first)`);
  if (args.platform === `${process.platform}-${process.arch}`) {
    const said = execFileSync(args.binary, ["--version"], { encoding: "utf8" }).trim();
    if (said !== `inngest-fix ${version}`) fail(`${args.binary} says "${said}", not inngest-fix ${version}`);
  }

  const name = `@inngest-fix/${args.platform}`;
  const exe = platform.os === "win32" ? "inngest-fix.exe" : "inngest-fix";
  const platformDir = path.join(args.out, args.platform);
  fs.rmSync(platformDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(platformDir, "bin"), { recursive: true });
  fs.copyFileSync(args.binary, path.join(platformDir, "bin", exe));
  fs.chmodSync(path.join(platformDir, "bin", exe), 0o755);
  writeJson(path.join(platformDir, "package.json"), {
    name,
    version,
    description: `The inngest-fix binary for ${args.platform} (${platform.target}); install "inngest-fix" instead`,
    license: launcher.license,
    os: [platform.os],
    cpu: [platform.cpu],
    files: [`bin/${exe}`],
    preferUnplugged: true,
  });
  fs.writeFileSync(
    path.join(platformDir, "README.md"),
    `# ${name}\n\nThe \`inngest-fix\` binary for ${args.platform}. Install the \`inngest-fix\` package, which picks this one.\n`,
  );

  const launcherDir = path.join(args.out, "inngest-fix");
  fs.rmSync(launcherDir, { recursive: true, force: true });
  fs.cpSync(path.join(__dirname, "inngest-fix"), launcherDir, { recursive: true });
  process.stdout.write(`${platformDir}\n${launcherDir}\n`);
}

main();
