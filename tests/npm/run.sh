#!/usr/bin/env bash
# The npm package, as a user gets it: lay out the launcher and this platform's package
# (npm/build.js), `npm pack` both, install the two tarballs into a fresh project with
# npm (offline, with an empty cache: no registry is needed for our own packages), then
# run `npx inngest-fix --version`, a `--check` on a fixture, and a language-server
# session through the launcher.
#
#   bash tests/npm/run.sh            uses $INNGEST_FIX, else target/debug/inngest-fix
#
# The package holds the debug binary that `cargo test` has just built: a release build
# costs minutes on a small CI machine, and the launcher and the packaging are what is
# under test here; stripped of its debug info first when `strip` is there (98 MB → 12 MB,
# which makes `npm pack` several times faster). The release workflow (.github/workflows/release.yml) packs release
# binaries the same way.
#
# Installing the platform tarball by path makes it a direct dependency of the test
# project; from the registry it comes as the launcher's optional dependency instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
binary=${INNGEST_FIX:-target/debug/inngest-fix}
[[ $binary = /* ]] || binary=$root/$binary
fixture=$root/tests/fixtures/if_else_branch_returns.ts
platform=$(node -p 'process.platform + "-" + process.arch')
if ! node -e "process.exit(require('./npm/platforms.json')['$platform'] ? 0 : 1)"; then
  echo "tests/npm: SKIPPED: no npm package is defined for this platform ($platform)"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "tests/npm: FAIL: $*" >&2
  exit 1
}

if command -v strip >/dev/null; then
  mkdir "$work/bin"
  cp "$binary" "$work/bin/inngest-fix"
  strip "$work/bin/inngest-fix"
  binary=$work/bin/inngest-fix
fi
node npm/build.js --platform "$platform" --binary "$binary" --out "$work/packages" >/dev/null
version=$(node -p "require('$work/packages/inngest-fix/package.json').version")
mkdir "$work/tarballs" "$work/project"
for package in inngest-fix "$platform"; do
  (cd "$work/packages/$package" && npm pack --silent --pack-destination "$work/tarballs" >/dev/null)
done
launcher=$work/tarballs/inngest-fix-$version.tgz
native=$work/tarballs/inngest-fix-$platform-$version.tgz
[[ -f $launcher && -f $native ]] || fail "npm pack did not write $launcher and $native"

cd "$work/project"
echo '{ "name": "demo", "version": "1.0.0", "private": true }' >package.json
npm install --offline --cache "$work/cache" --no-audit --no-fund --loglevel=error \
  --save-dev "$launcher" "$native" >/dev/null
[[ -L node_modules/.bin/inngest-fix ]] || fail "npm installed no inngest-fix bin"

said=$(npx --offline inngest-fix --version)
[[ $said == "inngest-fix $version" ]] || fail "npx inngest-fix --version said: $said"
echo "tests/npm: PASS npx inngest-fix --version: $said"

cp "$fixture" handler.ts
status=0
npx --offline inngest-fix --check handler.ts >check.out 2>check.err || status=$?
[[ $status == 1 ]] || fail "--check on a file with findings exited $status (expected 1): $(cat check.err)"
expected=$("$binary" --check handler.ts 2>/dev/null || true)
[[ "$(cat check.out)" == "$expected" ]] || fail "npx inngest-fix --check printed other findings than the binary"
grep -q '^handler.ts:[0-9]*:[0-9]*: unsafe-trailing-return' check.out || fail "no finding in: $(cat check.out)"
echo "tests/npm: PASS npx inngest-fix --check: exit 1, $(grep -c "^handler.ts:" check.out) findings as the binary reports them"

# An editor may start the server through the launcher: stdin and stdout must pass
# through untouched, and `shutdown` + `exit` end it with code 0.
frame() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
  frame '{"jsonrpc":"2.0","method":"initialized","params":{}}'
  frame '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
} >session.in
status=0
timeout 20 npx --offline inngest-fix server <session.in >session.out || status=$?
[[ $status == 0 ]] || fail "npx inngest-fix server exited $status after shutdown and exit"
grep -q '"codeActionProvider"' session.out || fail "no initialize result from the server: $(cat session.out)"
echo "tests/npm: PASS npx inngest-fix server: initialize, shutdown, exit 0"

# Without the platform package (`--omit=optional`, or a platform with no package), the
# launcher says what is missing and exits 2; INNGEST_FIX_BINARY names a binary instead.
mkdir "$work/bare"
cd "$work/bare"
echo '{ "name": "bare", "version": "1.0.0", "private": true }' >package.json
npm install --offline --cache "$work/cache" --no-audit --no-fund --loglevel=error \
  --omit=optional --save-dev "$launcher" >/dev/null
status=0
npx --offline inngest-fix --version >missing.out 2>missing.err || status=$?
[[ $status == 2 ]] || fail "without the platform package the launcher exited $status (expected 2)"
grep -q "@inngest-fix/$platform is not installed" missing.err ||
  fail "the launcher did not name the missing package: $(cat missing.err)"
said=$(INNGEST_FIX_BINARY=$binary npx --offline inngest-fix --version)
[[ $said == "inngest-fix $version" ]] || fail "INNGEST_FIX_BINARY: $said"
echo "tests/npm: PASS launcher without its platform package: exit 2 naming @inngest-fix/$platform; INNGEST_FIX_BINARY runs another binary"
