#!/usr/bin/env bash
# A real editor against `inngest-fix server`: Neovim, headless, with its built-in LSP
# client (tests/editor/nvim_fix_all.lua), on each file below. For each: the diagnostics
# arrive, the fix-all code action is applied to the buffer, the buffer is written, and
# the file must be byte for byte what `inngest-fix --write` makes of a copy.
#
#   bash tests/editor/nvim.sh        uses $INNGEST_FIX, else target/debug/inngest-fix
#
# Skipped, saying so, when `nvim` is not installed (scripts/test installs it on CI).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
binary=${INNGEST_FIX:-target/debug/inngest-fix}
[[ $binary = /* ]] || binary=$root/$binary
if ! command -v nvim >/dev/null; then
  echo "tests/editor: SKIPPED: nvim is not installed (apt-get install neovim)"
  exit 0
fi
echo "tests/editor: $(nvim --version | head -1)"

files=(
  tests/editor/greeting.ts                 # non-ASCII before the finding, two rules
  tests/fixtures/if_else_branch_returns.ts # two fixes in one handler
  tests/fixtures/crlf_line_endings.ts      # CRLF kept
  tests/fixtures/utf8_bom.ts               # BOM kept
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A project of its own, so that no configuration file above the temporary directory
# applies (the same for the editor and for --write).
echo '{ "name": "editor-test", "inngest-fix": {} }' >"$work/package.json"
failed=0
for file in "${files[@]}"; do
  name=$(basename "$file")
  mkdir -p "$work/editor" "$work/cli"
  cp "$file" "$work/editor/$name"
  cp "$file" "$work/cli/$name"
  # The CLI's findings as LINE:COLUMN (1-based, columns in characters).
  positions=$(cd "$work/cli" && { "$binary" --check "$name" 2>/dev/null || true; } |
    sed -n "s/^$name:\([0-9]*\):\([0-9]*\): .*/\1:\2/p" | tr '\n' ' ')
  findings=$(wc -w <<<"$positions")
  (cd "$work/cli" && "$binary" --write "$name" 2>/dev/null) || true
  left=$(cd "$work/cli" && { "$binary" --check "$name" 2>/dev/null || true; } | grep -c . || true)
  status=0
  (
    cd "$work/editor"
    INNGEST_FIX=$binary EXPECTED_POSITIONS=$positions EXPECTED_AFTER_FIX=$left \
      timeout 60 nvim --headless --clean -u NONE -n \
      -c "luafile $root/tests/editor/nvim_fix_all.lua" "$name"
  ) >"$work/nvim.log" 2>&1 || status=$?
  if [[ $status != 0 ]]; then
    echo "tests/editor: FAIL $file: nvim exited $status"
    sed 's/^/  /' "$work/nvim.log"
    failed=1
  elif cmp -s "$file" "$work/editor/$name"; then
    echo "tests/editor: FAIL $file: Neovim wrote the file unchanged"
    sed 's/^/  /' "$work/nvim.log"
    failed=1
  elif ! cmp -s "$work/editor/$name" "$work/cli/$name"; then
    echo "tests/editor: FAIL $file: the buffer Neovim wrote differs from --write:"
    diff -u "$work/cli/$name" "$work/editor/$name" | sed 's/^/  /' | head -40
    failed=1
  else
    echo "tests/editor: PASS $file: $findings diagnostics at the CLI's positions, fix-all applied in Neovim = --write ($left left)"
    grep '^nvim: diagnostic' "$work/nvim.log" | sed 's/^/  /' 
  fi
  rm -rf "$work/editor" "$work/cli"
done

# The documented set-up for Neovim 0.11 and later, extracted from docs/editors.md, run as written
# (with the binary first on the PATH, as `cargo install` puts it).
if nvim --headless --clean -u NONE -c 'lua io.stdout:write(vim.lsp.config and "yes" or "no")' -c 'qall!' 2>/dev/null |
  grep -q yes; then
  awk '/^\*\*Neovim\*\* 0.11 and later/{f=1} f&&/^```lua/{p=1;next} p&&/^```/{exit} p' docs/editors.md >"$work/init.lua"
  grep -q 'vim.lsp.enable' "$work/init.lua" || { echo "tests/editor: FAIL: no Neovim 0.11 set-up found in docs/editors.md"; exit 1; }
  mkdir -p "$work/editor" "$work/cli" "$work/bin"
  ln -sf "$binary" "$work/bin/inngest-fix"
  cp tests/editor/greeting.ts "$work/editor/"
  cp tests/editor/greeting.ts "$work/cli/"
  (cd "$work/cli" && "$binary" --write greeting.ts 2>/dev/null) || true
  status=0
  (
    cd "$work/editor"
    PATH=$work/bin:$PATH timeout 60 nvim --headless -u "$work/init.lua" -n \
      -c "luafile $root/tests/editor/nvim_readme.lua" greeting.ts
  ) >"$work/nvim.log" 2>&1 || status=$?
  if [[ $status != 0 ]] || ! cmp -s "$work/editor/greeting.ts" "$work/cli/greeting.ts"; then
    echo "tests/editor: FAIL the documented Neovim set-up (exit $status):"
    sed 's/^/  /' "$work/nvim.log"
    failed=1
  else
    echo "tests/editor: PASS the documented Neovim 0.11 set-up (docs/editors.md) and fix-all call: the file equals --write's"
  fi
else
  echo "tests/editor: this Neovim has no vim.lsp.config (0.11): the documented 0.11 set-up is not run"
fi
exit $failed
